"""An outlet's geographic prior at ingest: where its stored articles usually are decides a bare ambiguous name."""

from __future__ import annotations

import json
from pathlib import Path

from claimwatch.ingest import ingest_paths
from claimwatch.store import Store

OUTLET = "Edgar County Beacon"
LOCAL = [
    "The Edgar County board met in Paris, Illinois, on Monday and approved repairs to the bridge near Chrisman.",
    "Firefighters from Paris and Kansas, Illinois, put out a barn fire south of Chrisman, the county said.",
    "The Edgar County fair opens in Paris next week; organisers in Illinois expect 20,000 visitors.",
    "Illinois State Police said the road between Paris and Chrisman in Edgar County will close on Friday.",
]
LONE = "Paris police said two men from Kansas were arrested on Friday after a break-in at a hardware store."


def _jsonl(path: Path, texts: list[str], outlet: str) -> Path:
    path.write_text("".join(json.dumps({"text": t, "outlet": outlet}) + "\n" for t in texts), encoding="utf-8")
    return path


def _paris(store: Store, text: str) -> tuple[str | None, str | None]:
    (extraction,) = [x for x in store.iter_extractions() if x.article.text == text]
    (paris,) = [m for m in extraction.places if m.span.text == "Paris"]
    assert paris.place is not None
    return paris.place.country, paris.place.admin1


def test_a_local_outlets_stored_articles_decide_its_bare_paris(tmp_path: Path, pipeline, options) -> None:  # type: ignore[no-untyped-def]
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        ingest_paths(store, [_jsonl(tmp_path / "local.jsonl", LOCAL, OUTLET)], options, pipeline=pipeline)
        lone = _jsonl(tmp_path / "lone.jsonl", [LONE], OUTLET)
        ingest_paths(store, [lone], options, pipeline=pipeline, outlet_prior=False)
        assert _paris(store, LONE)[1] != "Illinois"  # without the prior: France or Texas, not the paper's state
        assert store.outlet_places()[OUTLET]
        ingest_paths(store, [lone], options, pipeline=pipeline, force=True)
        assert _paris(store, LONE) == ("US", "Illinois")
        assert pipeline.outlet_priors == {}  # the caller's pipeline is left as it was

        other = "Paris police said two men from Kansas were arrested on Saturday after a break-in at a bakery."
        ingest_paths(store, [_jsonl(tmp_path / "other.jsonl", [other], "Another Paper")], options,
                     pipeline=pipeline)
        assert _paris(store, other)[1] != "Illinois"  # another outlet's article is not moved


def test_an_outlet_with_few_stored_articles_has_no_prior(tmp_path: Path, pipeline, options) -> None:  # type: ignore[no-untyped-def]
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        ingest_paths(store, [_jsonl(tmp_path / "local.jsonl", LOCAL[:2], OUTLET)], options, pipeline=pipeline)
        assert store.outlet_places() == {}
        ingest_paths(store, [_jsonl(tmp_path / "lone.jsonl", [LONE], OUTLET)], options, pipeline=pipeline)
        assert _paris(store, LONE)[1] != "Illinois"


def test_priors_travel_with_a_pipeline_to_worker_processes(options) -> None:  # type: ignore[no-untyped-def]
    import pickle

    from claimwatch.geo import Prior
    from claimwatch.pipeline import Pipeline

    priors = {OUTLET: Prior({"US": 0.9}, {"US.IL": 0.7})}
    copy = pickle.loads(pickle.dumps(Pipeline(options, outlet_priors=priors)))
    assert copy.outlet_priors == priors


def test_no_prior_is_asked_for_when_places_are_not_resolved(tmp_path: Path, options) -> None:  # type: ignore[no-untyped-def]
    from claimwatch.ingest import outlet_priors_for
    from claimwatch.pipeline import Pipeline

    def asked(*_: object, **__: object) -> dict[str, list[tuple[int, int]]]:
        raise AssertionError("outlet places asked for with the geo stage off")

    pipe = Pipeline(options.with_(disable=("geo",)))
    with Store(f"sqlite:///{tmp_path / 'cw.db'}") as store:
        store.outlet_places = asked  # type: ignore[method-assign]
        with outlet_priors_for(store, pipe):
            assert pipe.outlet_priors == {}
