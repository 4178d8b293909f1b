"""The stage contract: checking stage lists, disabling stages, custom stages, versions of partial runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimwatch import Article, Pipeline
from claimwatch.about import PIPELINE_VERSION, pipeline_version, supersedes
from claimwatch.cli import app
from claimwatch.settings import load_options
from claimwatch.stage import Analysis, PipelineError, Stage, check, without

ARTICLE = ("KYIV, 5 March 2024. The General Staff said its forces repelled an assault near Avdiivka in the "
           "Donetsk region and destroyed two tanks.")


class _Fake(Stage):
    def __init__(self, name: str, requires: tuple[str, ...], assigns: tuple[str, ...]) -> None:
        self.name = name  # type: ignore[misc]
        self.requires = requires  # type: ignore[misc]
        self.assigns = assigns  # type: ignore[misc]

    def __call__(self, analysis: Analysis) -> None:
        pass


def _chain() -> list[Stage]:
    return [_Fake("parse", ("article.text",), ("doc",)), _Fake("attribution", ("doc",), ("claims",)),
            _Fake("events", ("doc", "claims"), ("claims.events",)), _Fake("geo", ("doc",), ("places", "events.place")),
            _Fake("territory", ("claims.events", "events.place"), ("events.sub_type",))]


def test_a_requirement_no_earlier_stage_meets_is_refused_with_its_name() -> None:
    stages = _chain()
    check(stages)
    with pytest.raises(PipelineError, match=r"'territory' requires events.place, which no earlier stage assigns "
                                            r"\(stages before it: parse, attribution, events\)"):
        check([stages[0], stages[1], stages[2], stages[4], stages[3]])
    with pytest.raises(PipelineError, match="appears twice"):
        check([*stages, _Fake("geo", (), ())])


def test_disabling_a_stage_drops_the_stages_that_needed_it_and_says_why() -> None:
    kept, dropped = without(_chain(), ["geo"])
    assert [s.name for s in kept] == ["parse", "attribution", "events"]
    assert dropped == {"geo": "disabled", "territory": "needs events.place (from geo)"}
    kept, dropped = without(_chain(), ["events", "geo"])
    assert [s.name for s in kept] == ["parse", "attribution"]
    assert dropped["territory"] == "needs claims.events (from events), events.place (from geo)"


def test_every_language_has_a_checked_list_in_order() -> None:
    pipeline = Pipeline(load_options())
    for language in ("en", "ru", "uk"):
        stages = pipeline.stages(language)
        assert [s.name for s in stages] == ["parse", "attribution", "status", "events", "paragraphs", "geo",
                                           "territory"]
        check(stages)
    assert "natasha" in pipeline.stages("ru")[0].description
    assert "tokenize-uk" in pipeline.stages("uk")[0].description
    assert "en_core_web_sm" in pipeline.stages("en")[0].description


def test_unknown_stage_to_disable_fails_at_construction() -> None:
    with pytest.raises(PipelineError, match="cannot disable unknown stage.*spelling.*the en stages are parse"):
        Pipeline(load_options(disable=["spelling"]))


def test_a_custom_stage_list_is_checked_when_the_pipeline_is_built() -> None:
    with pytest.raises(PipelineError, match="'attribution' requires doc"):
        Pipeline(load_options(), stages={"en": _chain()[1:]})


@pytest.mark.model
def test_disabled_stages_do_not_run_and_the_version_says_so(pipeline: Pipeline) -> None:
    full = pipeline.extract(Article(text=ARTICLE))
    assert full.places and any(c.events for c in full.claims)
    partial = Pipeline(pipeline.options.with_(disable=("geo", "events"))).extract(Article(text=ARTICLE))
    assert [c.content.text for c in partial.claims] == [c.content.text for c in full.claims]
    assert not partial.places and not any(c.events for c in partial.claims)
    assert partial.pipeline_version == f"{PIPELINE_VERSION} without events,geo"


@pytest.mark.model
def test_a_stage_added_to_a_list_sees_what_earlier_ones_assigned(pipeline: Pipeline) -> None:
    class Tally(Stage):
        """Counts claims (a stand-in for a user's stage)."""

        name = "tally"
        requires = ("claims",)
        assigns = ("claims.confidence",)

        def __call__(self, analysis: Analysis) -> None:
            for claim in analysis.extraction.claims:
                claim.confidence = 0.5

    custom = Pipeline(pipeline.options, stages={"en": [*pipeline.default_stages("en")[:2], Tally()]})
    result = custom.extract(Article(text=ARTICLE, language="en"))
    assert result.claims and {c.confidence for c in result.claims} == {0.5}
    assert not result.places


def test_partial_and_complete_versions_replace_each_other_the_right_way() -> None:
    partial = pipeline_version(["geo"])
    assert partial == f"{PIPELINE_VERSION} without geo" and pipeline_version([]) == PIPELINE_VERSION
    assert supersedes(PIPELINE_VERSION, partial)  # a complete run replaces a partial one
    assert not supersedes(partial, PIPELINE_VERSION)  # never the other way round
    assert supersedes("cw-99.0.0 without geo", PIPELINE_VERSION)  # a newer version still wins
    assert not supersedes("cw-0.0.9", PIPELINE_VERSION) and not supersedes(partial, partial)


def test_stages_command_prints_json_per_language() -> None:
    runner = CliRunner()
    for language in ("en", "ru", "uk"):
        result = runner.invoke(app, ["stages", "--language", language, "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["language"] == language
        assert [s["name"] for s in data["stages"]][:2] == ["parse", "attribution"]
        assert all(set(s) == {"name", "requires", "assigns"} for s in data["stages"])
    every = json.loads(runner.invoke(app, ["stages", "--json"]).stdout)
    assert [d["language"] for d in every] == ["en", "uk", "ru"]
    off = json.loads(runner.invoke(app, ["stages", "--language", "en", "--disable", "geo", "--json"]).stdout)
    assert "geo" not in [s["name"] for s in off["stages"]] and off["off"]["territory"].startswith("needs")
    bad = runner.invoke(app, ["stages", "--disable", "nonsense"])
    assert bad.exit_code == 2 and "unknown stage" in bad.output


@pytest.mark.model
def test_ingest_with_stages_disabled_then_complete(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    runner = CliRunner()
    first = runner.invoke(app, ["--db", url, "ingest", "--disable", "geo,events", str(article)])
    assert first.exit_code == 0 and "1 new" in first.output, first.output
    out = runner.invoke(app, ["--db", url, "export", "--format", "places"])
    assert out.stdout.strip() == ""
    again = runner.invoke(app, ["--db", url, "ingest", "--disable", "geo", "--disable", "events", str(article)])
    assert "1 unchanged" in again.output
    complete = runner.invoke(app, ["--db", url, "ingest", str(article)])
    assert "1 updated" in complete.output, complete.output
    places = runner.invoke(app, ["--db", url, "export", "--format", "places"]).stdout
    assert "Avdiivka" in places
    assert "1 unchanged" in runner.invoke(app, ["--db", url, "ingest", "--disable", "geo", str(article)]).output
