"""Event typing that reads who did what to whom, not which word is loudest (fixes from the fictional reports of
``bench/data/events_fiction.tsv``, each checked here on sentences of its own).

- a vehicle that "hit" or "struck" a mine is an explosion, not a loss of equipment;
- the target of a shooting is the object itself, not where it was ("a van ... at a roadblock");
- bombs dropped by aircraft are an air strike;
- "gunmen torched buses": the attackers' noun is not the event when they are the subject of what happened;
- "men accused of sabotage", "villagers they accused of spying": who someone is, not an accusation;
- "beat a prisoner to death in detention": where the violence happened, not an arrest;
- "a suspected kidnapper" who was attacked is no abduction;
- a fire that killed people is an accident unless the sentence tells of an attack; a vehicle "plunged off" a
  road is an accident;
- missiles are shelling/artillery/missile attacks unless aircraft launched them; a hand-thrown explosive is a
  grenade; unexploded ordnance is a remote explosive; "beat a detainee" is no arrest;
- "held four suspects", "held two men for questioning" are arrests; a unit "incorporated into" another is a change
  to the group; a crowd that killed or beat someone is mob violence, not force against protesters;
- "without violence" and "riot police" say nothing violent about a protest; a common noun the model took for a
  name ("Wildfires burned ...") still types its event; "vandals" destroy property; appointments, dismissals and
  resignations are a change to a group only where armed forces or groups are named;
- "farmers blocked a highway to protest": blocking is an intervention only when the authorities do it (or no one
  is named); what a commemoration recalls ("a memorial service for the soldiers killed in the battle") is no event;
  a state that "agreed to deliver" weapons gives military aid, it makes no deal; "since the start of the fighting"
  only dates a period;
- an action stopped first ("before it could fire") did not happen; "voted to condemn" is the body's decision, no
  election; "dismissed the defence minister" denies nothing; "without fighting", "no clashes" say there was no
  battle; "under the agreement, the army handed over ..." tells the handover, the deal is its frame.
"""

from __future__ import annotations

import pytest

from claimwatch.extract import events


def _typed(pipeline, sentence: str) -> list[events.Typed]:  # type: ignore[no-untyped-def]
    return events.classify(pipeline.nlp(sentence)[:], pipeline.actors.kind_of)


def _subs(pipeline, sentence: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The sub-types of every trigger typed in ``sentence``."""
    return {t.sub_type for t in _typed(pipeline, sentence)}


@pytest.mark.parametrize(("sentence", "sub_type"), [
    ("A minibus hit a landmine outside the village, killing four people.", "Remote explosive/landmine/IED"),
    ("Troops opened fire on a van carrying farmers at a roadblock, killing two.", "Attack"),
    ("Jets bombed a fuel depot used by the militia.", "Air/drone strike"),
    ("Gunmen torched two buses at the depot.", "Looting/property destruction"),
    ("Police arrested two men accused of sabotage on the railway.", "Arrests"),
    ("Guards beat a prisoner to death in detention, his family said.", "Attack"),
    ("A lorry plunged off a mountain road, killing seven.", "Man-made disaster"),
    ("Villagers dragged a suspected kidnapper out of a car and beat him.", "Mob violence"),
    ("Border guards held four suspects after a search of the ferry at Oran.", "Arrests"),
    ("Police held two men for questioning after the blast.", "Arrests"),
    ("The territorial defence unit was incorporated into the army's 40th brigade last month.",
     "Change to group/activity"),
    ("A crowd dragged a suspected kidnapper from a police car and killed him.", "Mob violence"),
    ("Troops fired on a crowd of protesters, killing three.", "Excessive force against protesters"),
    ("Wildfires burned through 10,000 hectares of forest, forcing residents to flee.", "Natural disaster"),
    ("Vandals smashed the windows of a school in the town.", "Looting/property destruction"),
    ("Riot police cordoned off the square and detained protesters holding blank sheets of paper.",
     "Protest with intervention"),
    ("Students marched to the ministry without violence.", "Peaceful protest"),
    ("The rebel group appointed a new commander after its leader was killed.", "Change to group/activity"),
    ("The army replaced the commander of the southern grouping.", "Change to group/activity"),
    # ACLED: missiles are shelling/artillery/missile attacks unless they are launched from the air
    ("Cruise missiles struck a power station in the north overnight.", "Shelling/artillery/missile attack"),
    ("Russian bombers launched cruise missiles at Odesa overnight.", "Air/drone strike"),
    # a hand-thrown explosive is a grenade; unexploded ordnance that goes off is a remote explosive
    ("An explosive device thrown by hand damaged the door of the council building.", "Grenade"),
    ("Two farmers were wounded when unexploded ordnance detonated in a field.", "Remote explosive/landmine/IED"),
    # the deaths a fire caused are its toll; "armed men" lemmatised is still the attackers' noun
    ("A fire in a shopping centre killed at least 12 people.", "Man-made disaster"),
    ("Armed men set fire to two lorries at the border crossing.", "Looting/property destruction"),
])
def test_the_event_is_what_happened(pipeline, sentence: str, sub_type: str) -> None:  # type: ignore[no-untyped-def]
    best = events.best(_typed(pipeline, sentence))
    assert best is not None and best.sub_type == sub_type


def test_a_change_of_office_outside_armed_forces_is_no_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    typed = _typed(pipeline, "The parliament elected a new speaker after the previous one resigned.")
    assert not any(t.sub_type == "Change to group/activity" for t in typed)


def test_what_a_phrase_only_describes_is_no_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    subs = _subs(pipeline, "Police arrested two men accused of sabotage on the railway.")
    assert "Accusation" not in subs
    subs = _subs(pipeline, "Guards beat a prisoner to death in detention.")
    assert "Arrests" not in subs
    subs = _subs(pipeline, "Villagers dragged a suspected kidnapper out of a car.")
    assert "Abduction/forced disappearance" not in subs
    subs = _subs(pipeline, "A minibus hit a landmine outside the village.")
    assert "Equipment destroyed" not in subs


def test_a_fire_that_killed_is_an_accident_unless_it_was_an_attack(pipeline) -> None:  # type: ignore[no-untyped-def]
    accident = _subs(pipeline, "A fire at a warehouse killed 12 workers.")
    assert "Man-made disaster" in accident
    attack = _subs(pipeline, "Gunmen opened fire at a warehouse and killed 12 workers.")
    assert "Man-made disaster" not in attack
    # the attackers' noun still types an attack when nothing else says what they did
    alone = events.best(_typed(pipeline, "Gunmen killed a shopkeeper in the market."))
    assert alone is not None and alone.sub_type == "Attack"


def test_a_person_another_event_happened_to_is_no_event_of_its_own(pipeline) -> None:  # type: ignore[no-untyped-def]
    subs = _subs(pipeline, "Guards beat a detainee unconscious in the yard.")
    assert "Arrests" not in subs
    subs = _subs(pipeline, "Police detained a detainee's brother at the gate.")
    assert "Arrests" in subs  # the arrest is still one


@pytest.mark.parametrize(("sentence", "sub_type"), [
    ("Truck drivers blocked the ring road with their lorries to protest against fuel prices.", "Peaceful protest"),
    ("Police blocked the march of dockworkers protesting against the port's sale.", "Protest with intervention"),
    ("The protest was broken up by officers an hour later.", "Protest with intervention"),
])
def test_who_blocks_a_protest_says_whether_it_was_stopped(pipeline, sentence: str, sub_type: str) -> None:  # type: ignore[no-untyped-def]
    best = events.best(_typed(pipeline, sentence))
    assert best is not None and best.sub_type == sub_type


def test_what_a_commemoration_recalls_is_no_event_today(pipeline) -> None:  # type: ignore[no-untyped-def]
    assert _typed(pipeline, "Veterans laid a wreath to mark the anniversary of the siege of the port.") == []
    assert _typed(pipeline, "A memorial service was held for the sailors killed in the attack on the ferry.") == []
    # what happens at or after a commemoration is still an event
    after = events.best(_typed(pipeline, "After the memorial service, a drone struck the square."))
    assert after is not None and after.sub_type == "Air/drone strike"


def test_agreeing_to_deliver_weapons_is_military_aid_not_a_deal(pipeline) -> None:  # type: ignore[no-untyped-def]
    aid = events.best(_typed(pipeline, "Poland agreed to deliver 20 howitzers to Ukraine, its defence minister said."))
    assert aid is not None and aid.sub_type == "Weapons supplied"
    deal = events.best(_typed(pipeline, "Kyiv and Moscow agreed to exchange 100 prisoners each."))
    assert deal is not None and deal.sub_type == "Agreement"


def test_an_event_that_only_dates_a_period_is_no_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    assert _typed(pipeline, "Clinics in the district have stayed shut since the start of the fighting.") == []
    subs = _subs(pipeline, "Thousands have left the region since the outbreak of the clashes.")
    assert "Armed clash" not in subs
    kept = events.best(_typed(pipeline, "Shelling of the port has continued since Monday."))
    assert kept is not None and kept.sub_type == "Shelling/artillery/missile attack"


def test_an_action_stopped_before_it_happened_is_no_event(pipeline) -> None:  # type: ignore[no-untyped-def]
    typed = _typed(pipeline, "Border guards destroyed a rocket launcher before it could fire on the town.")
    assert {t.sub_type for t in typed} == {"Disrupted weapons use"}
    fired = _typed(pipeline, "Border guards destroyed a rocket launcher after it fired on the town.")
    assert {t.sub_type for t in fired} - {"Disrupted weapons use"}  # the firing happened: it stays an event


def test_a_vote_to_act_is_the_act_not_an_election(pipeline) -> None:  # type: ignore[no-untyped-def]
    subs = _subs(pipeline, "The regional council voted to condemn the shelling of the port.")
    assert "Election" not in subs
    vote = events.best(_typed(pipeline, "Residents voted in the mayoral election on Sunday."))
    assert vote is not None and vote.sub_type == "Election"


def test_dismissing_an_official_is_no_denial(pipeline) -> None:  # type: ignore[no-untyped-def]
    subs = _subs(pipeline, "The president dismissed the chief of the border guard on Friday.")
    assert "Denial of responsibility" not in subs
    denial = _typed(pipeline, "The ministry dismissed the reports as fake.")
    assert {t.sub_type for t in denial} == {"Denial of responsibility"}  # and no change to a group


def test_no_fighting_is_no_battle(pipeline) -> None:  # type: ignore[no-untyped-def]
    for sentence in ("The village changed hands without fighting after the garrison left.",
                     "Rebels entered the town without a fight, residents said.",
                     "No fighting was reported in the district overnight."):
        assert "Armed clash" not in _subs(pipeline, sentence), sentence
    clash = events.best(_typed(pipeline, "Fighting broke out near the bridge without warning."))
    assert clash is not None and clash.sub_type == "Armed clash"


def test_a_deal_the_event_happens_under_is_its_frame(pipeline) -> None:  # type: ignore[no-untyped-def]
    framed = events.best(_typed(pipeline, "Under the ceasefire agreement, the brigade handed over the village to the "
                                          "monitors."))
    assert framed is not None and framed.sub_type == "Non-violent transfer of territory"
    deal = events.best(_typed(pipeline, "The two sides signed a ceasefire agreement in Minsk on Friday."))
    assert deal is not None and deal.sub_type == "Agreement"
