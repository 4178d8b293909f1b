"""Analysts' corrections of stories: a rating, a verdict override, a merge, a split. Never automatic.

Reads and writes ``stories``, ``story_claims`` and ``story_reviews``; every correction is one story review
(who, when, why) written in the same transaction as its effect:

- ``rating``: ``{"label", "value", "url"}`` (or the label alone) as :func:`claimwatch.link.rate` records it;
- ``verdict``: a verdict label, or null to go back to the computed one. The override holds whenever linking
  recomputes the story (new claims joining it, ``link --rebuild``: story ids are stable), and the computed
  verdict stays in the story's data beside it;
- ``merge_into``: another story's id. This story's claims join that story, whose stances and verdict are
  computed again over all its claims, and this story is deleted;
- ``split``: a list of claim ids (as the API lists them) of this story. They leave it and found a new story
  (its id derived from the first of them as linking derives ids, or from it and "split" when that claim
  founded the story it leaves), and both verdicts are computed again.

Merges and splits hold through incremental linking, which never moves a linked claim; ``link --rebuild`` links
every claim from scratch and does not replay them (their reviews stay, as the record of what was done).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy.orm import Session

from ..store import links as db
from ..store.engine import writer
from ..store.schema import StoryRow
from .run import Context, Members, _claim_of, _save, _story_from
from .similarity import Embedder, default_embedder
from .stories import Member, Story
from .stories import story_id as derived_id
from .verdict import VerdictLabel

if TYPE_CHECKING:
    from ..settings import Options
    from ..store import Store

FIELDS = ("rating", "verdict", "merge_into", "split")


def correct_story(store: Store, options: Options, story_id: str, field: str, value: Any, who: str,
                  why: str | None) -> str:
    """Apply one correction (see the module docstring); returns the id of the story to show afterwards.

    KeyError: no such story (or claim); ValueError: a value the field cannot take.
    """
    from ..corrections import check_note
    from . import rate

    who, why = check_note(who, why)
    if field == "rating":
        rating = {"label": value} if isinstance(value, str) else value
        if not isinstance(rating, dict) or set(rating) - {"label", "value", "url"}:
            raise ValueError('a rating is {"label", "value", "url"} or the label alone')
        number = rating.get("value")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise ValueError("a rating's value is a whole number from 1 to 5")
        label, url = rating.get("label"), rating.get("url")
        if not isinstance(label, str) or (url is not None and not isinstance(url, str)):
            raise ValueError("a rating needs a label (text) and may have a url (text)")
        rate(store, story_id, label, who, value=number, why=why, url=url)
        return story_id
    if field == "verdict":
        return set_verdict(store, story_id, value, who, why)
    if field == "merge_into":
        if not isinstance(value, str):
            raise ValueError("merge_into takes the id of the story to merge into")
        return merge(store, options, story_id, value, who, why)
    if field == "split":
        if not isinstance(value, list) or not value or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ValueError("split takes a list of claim ids of this story")
        return split(store, options, story_id, value, who, why)
    raise ValueError(f"field must be one of: {', '.join(FIELDS)}")


def set_verdict(store: Store, story_id: str, verdict: str | None, who: str, why: str) -> str:
    """Override the verdict of ``story_id`` (None: back to the computed verdict)."""
    allowed = [v.value for v in VerdictLabel]
    if verdict is not None and verdict not in allowed:
        raise ValueError(f"a verdict is one of: {', '.join(allowed)} (or null to clear the override)")
    with Session(writer(store.engine)) as session, session.begin():
        row = _row(session, story_id)
        db.add_story_review(session, story_id, "verdict", verdict, who, why)
        values = db.with_override({"verdict": row.verdict, "data": row.data}, db.verdict_override(session, story_id))
        row.verdict, row.data = values["verdict"], values["data"]
    return story_id


def merge(store: Store, options: Options, story_id: str, into: str, who: str, why: str) -> str:
    """Move every claim of ``story_id`` into story ``into``, recompute that one, delete this one."""
    if story_id == into:
        raise ValueError("a story cannot be merged into itself")
    context, embedder = Context(options), default_embedder()
    with Session(writer(store.engine)) as session, session.begin():
        source, target = _row(session, story_id), _row(session, into)
        db.move_members(session, story_id, into)
        _recompute(session, target, context, embedder)
        session.delete(source)
        db.add_story_review(session, story_id, "merge_into", into, who, why)
        db.add_story_review(session, into, "merged_from", story_id, who, why)
    return into


def split(store: Store, options: Options, story_id: str, claim_ids: list[int], who: str, why: str) -> str:
    """Take ``claim_ids`` out of ``story_id`` into a new story; returns the new story's id."""
    context, embedder = Context(options), default_embedder()
    with Session(writer(store.engine)) as session, session.begin():
        row = _row(session, story_id)
        stored = db.members_of(session, [story_id])[story_id]
        wanted = set(claim_ids)
        moving = [m for m, _ in stored if m.claim_id in wanted]
        if len(moving) != len(wanted):
            raise KeyError(f"story {story_id} has no claim {min(wanted - {m.claim_id for m in moving})}")
        if len(moving) == len(stored):
            raise ValueError("a split must leave at least one claim in the story")
        new_id = _found_story(session, moving, context, embedder)
        _recompute(session, row, context, embedder)
        db.add_story_review(session, story_id, "split", {"claims": sorted(wanted), "into": new_id}, who, why)
        db.add_story_review(session, new_id, "split_from", story_id, who, why)
    return new_id


def _row(session: Session, story_id: str) -> StoryRow:
    row = session.get(StoryRow, story_id)
    if row is None:
        raise KeyError(f"no story {story_id}")
    return row


def _found_story(session: Session, moving: list[db.StoredMember], context: Context, embedder: Embedder) -> str:
    """A new story of ``moving`` (founded by the first of them), saved with its members."""
    roots = db.articles_by_id(session, sorted({m.article.copy_of for m in moving if m.article.copy_of}))
    found = [(m, f) for m, f in context.article_facts(moving, roots) if f is not None]
    if not found:
        raise ValueError("none of these claims can found a story (no event and no claimant)")
    founder = found[0][1]
    new_id = derived_id(founder.key)
    if session.get(StoryRow, new_id) is not None:  # the founder of the story it leaves
        new_id = derived_id(f"{founder.key}:split")
        if session.get(StoryRow, new_id) is not None:
            raise ValueError(f"story {new_id}, split off with that claim before, exists already")
    db.save_story(session, {"id": new_id, "family": founder.family, "data": {}})
    session.flush()  # the row exists before its members point at it
    story = Story(new_id, founder.family, founder, founder.where, founder.start, founder.end)
    vectors = embedder.embed([f.text for _, f in found])
    for (_, f), vector in zip(found, vectors, strict=True):
        story.add(Member(f, np.asarray(vector, dtype=np.float32)))
    _write(session, story, {_claim_of(f): (m.claim_id, m.article.id) for m, f in found})
    return new_id


def _recompute(session: Session, row: StoryRow, context: Context, embedder: Embedder) -> None:
    """Stances and verdict of stored story ``row`` over the members it has now (deleted when none is left)."""
    stored = db.members_of(session, [row.id])[row.id]
    roots = db.articles_by_id(session, sorted({m.article.copy_of for m, _ in stored if m.article.copy_of}))
    loaded = _story_from(row, stored, context, roots, embedder)
    if loaded is None:
        session.delete(row)
        return
    story, members = loaded
    _write(session, story, members)


def _write(session: Session, story: Story, members: Members) -> None:
    """Save ``story`` with its verdict, then its members' stances."""
    rows = _save(session, story, members)
    session.flush()  # the story row before the members that point at it
    db.save_members(session, rows)
    session.flush()
