"""Epistemic status: asserted, claimed, hedged, unconfirmed (linked to the claim it qualifies), denied."""

from __future__ import annotations

from claimwatch.extract import attribution, status
from claimwatch.model import Claim, Polarity, Status


def analysed(nlp, text: str) -> list[Claim]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    claims = attribution.find_claims(doc)
    status.assign(doc, claims)
    return claims


def containing(claims: list[Claim], words: str) -> Claim:
    found = [c for c in claims if words in c.content.text]
    assert found, f"no claim containing {words!r}"
    return found[0]


def test_outlet_voice_is_asserted_and_a_party_claims(nlp) -> None:  # type: ignore[no-untyped-def]
    claims = analysed(nlp, "Shelling hit the market on Sunday. The governor said two people were wounded.")
    assert containing(claims, "Shelling hit").status is Status.ASSERTED
    assert containing(claims, "two people").status is Status.CLAIMED


def test_hedges(nlp) -> None:  # type: ignore[no-untyped-def]
    claims = analysed(nlp, "Russian troops reportedly entered the village of Krynky. "
                           "According to unverified reports, a fuel depot was hit in Bryansk.")
    village = containing(claims, "Krynky")
    assert village.status is Status.HEDGED
    assert [e.text for e in village.status_evidence] == ["reportedly"]
    assert containing(claims, "fuel depot").status is Status.HEDGED


def test_no_official_confirmation_marks_the_earlier_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("A commander of the Kursk Resistance said his fighters had captured the village of Tetkino. "
            "Separately, the governor said power had been restored in Belgorod. "
            "There has been no official confirmation regarding the capture of Tetkino.")
    claims = analysed(nlp, text)
    captured = containing(claims, "captured the village of Tetkino")
    assert captured.status is Status.UNCONFIRMED
    assert any("no official confirmation" in e.text for e in captured.status_evidence)
    assert containing(claims, "power had been restored").status is Status.CLAIMED


def test_could_not_be_verified_marks_the_preceding_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("The group said its drones had struck an oil depot near Novorossiysk. "
            "The claim could not be independently verified.")
    assert containing(analysed(nlp, text), "oil depot").status is Status.UNCONFIRMED


def test_group_claims_reference_marks_all_of_its_claims(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("The Siberian Battalion said it had destroyed two tanks. The battalion also said it had taken "
            "prisoners. There has been no independent confirmation of the battalion's claims.")
    claims = analysed(nlp, text)
    assert containing(claims, "two tanks").status is Status.UNCONFIRMED
    assert containing(claims, "prisoners").status is Status.UNCONFIRMED


def test_denial_marks_the_denied_statement_and_the_claim_it_answers(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("Local officials said a missile had struck a hospital in Kharkiv. "
            "The Russian Ministry of Defence denied that its forces had targeted the hospital.")
    claims = analysed(nlp, text)
    denial = containing(claims, "its forces had targeted")
    assert denial.status is Status.DENIED and denial.polarity is Polarity.NEGATIVE
    assert containing(claims, "struck a hospital").status is Status.DENIED


def test_calling_a_video_staged_is_a_denial_of_the_video_claim(nlp) -> None:  # type: ignore[no-untyped-def]
    text = ("An assault unit claimed in a video that it had captured the outskirts of Krasnohorivka. "
            "A Ukrainian spokesman called the video staged.")
    assert containing(analysed(nlp, text), "outskirts").status is Status.DENIED


def test_same_rules_for_both_sides(nlp) -> None:  # type: ignore[no-untyped-def]
    template = "{a} said its forces had shot down {n} drones overnight. The claim could not be verified."
    for side in ("The Russian Ministry of Defence", "The Ukrainian Air Force"):
        claims = analysed(nlp, template.format(a=side, n="twelve"))
        assert containing(claims, "drones").status is Status.UNCONFIRMED
