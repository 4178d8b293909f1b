"""HTML pages: main text and metadata.

Reads the decoded HTML of one page; writes a :class:`Page`: the main text (trafilatura, paragraphs separated by
a blank line), title, canonical URL, site name, language and the publication date-time string exactly as the
page states it (``article:published_time`` and similar meta tags, JSON-LD ``datePublished``, ``<time
datetime>``), so the time zone survives; trafilatura's date (found by htmldate, day precision) is the fallback.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: ``<meta>`` names/properties that carry the publication time, best first.
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "dc.date.issued", "dcterms.issued", "dc.date", "date", "sailthru.date",
    "parsely-pub-date", "article.published", "cxenseparse:recs:publishtime",
)


#: Less main text than this many words is navigation or an error page, not an article.
MIN_WORDS = 5


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None


def extract_page(html: str) -> Page | None:
    """The main text and metadata of ``html``; None when no main text (``MIN_WORDS`` or more) is found.

    The text never depends on the metadata: a page whose metadata trafilatura cannot read (a date with an
    impossible time-zone offset makes it discard the whole page) keeps its text and loses that metadata only.
    """
    text = _main_text(html)
    if text is None:
        return None
    doc = _metadata(html)
    tree = _tree(html)
    published = (_published(tree) if tree is not None else None) or getattr(doc, "date", None)
    fallback = _own_metadata(tree) if doc is None and tree is not None else {}
    return Page(
        text=text,
        title=getattr(doc, "title", None) or fallback.get("title"),
        url=getattr(doc, "url", None) or fallback.get("url"),
        outlet=getattr(doc, "sitename", None) or fallback.get("outlet"),
        published=published,
        language=_language(tree) or getattr(doc, "language", None),
    )


def _main_text(html: str) -> str | None:
    """trafilatura's main text, paragraphs separated by a blank line (None: too little text)."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=False, include_comments=False,
                                          include_images=False, include_tables=True)
    except Exception as exc:  # noqa: BLE001 - trafilatura raises assorted lxml errors on broken markup
        log.debug("trafilatura failed: %s", exc)
        return None
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    paragraphs = [line for line in text.split("\n") if line.strip()]
    if sum(len(p.split()) for p in paragraphs) < MIN_WORDS:
        return None
    return "\n\n".join(paragraphs)


def _metadata(html: str) -> Any:
    """trafilatura's metadata ``Document`` of the page, or None when it cannot be read."""
    from trafilatura import extract_metadata

    try:
        return extract_metadata(html)
    except Exception as exc:  # noqa: BLE001 - htmldate raises ValueError on impossible dates, lxml its own
        log.debug("page metadata not readable: %s: %s", type(exc).__name__, exc)
        return None


def _own_metadata(tree: Any) -> dict[str, str]:
    """Title, URL and site name from ``og:`` meta tags, ``<title>`` and the canonical link, when trafilatura's
    metadata could not be read."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = " ".join((meta.get("content") or "").split())
        field = {"og:title": "title", "og:url": "url", "og:site_name": "outlet"}.get(key)
        if field and content and field not in found:
            found[field] = content
    title = next(tree.iter("title"), None)
    if "title" not in found and title is not None and (title.text or "").strip():
        found["title"] = " ".join(title.text.split())
    canonical = next((link.get("href") for link in tree.iter("link")
                      if (link.get("rel") or "").lower() == "canonical" and link.get("href")), None)
    if "url" not in found and canonical:
        found["url"] = canonical.strip()
    return found


def _tree(html: str) -> Any:
    import lxml.html

    try:
        return lxml.html.fromstring(html.encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - lxml.etree.ParserError and friends
        log.debug("lxml could not parse the page: %s", exc)
        return None


def _published(tree: Any) -> str | None:
    return _from_meta(tree) or _from_json_ld(tree) or _from_time_element(tree)


def _from_meta(tree: Any) -> str | None:
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key in PUBLISHED_META and content and key not in found:
            found[key] = content
    return next((found[k] for k in PUBLISHED_META if k in found), None)


def _from_json_ld(tree: Any) -> str | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):  # malformed, or a nesting bomb
            continue
        value = _find_key(data, "datePublished")
        if value:
            return value
    return None


def _find_key(data: Any, key: str, max_nodes: int = 100_000) -> str | None:
    """The first non-empty string under ``key`` in ``data``, depth first; iterative, so nesting costs no stack."""
    stack = [data]
    seen = 0
    while stack and seen < max_nodes:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


def _from_time_element(tree: Any) -> str | None:
    times = [t for t in tree.iter("time") if (t.get("datetime") or "").strip()]
    preferred = [t for t in times if t.get("pubdate") is not None or t.get("itemprop") == "datePublished"]
    chosen = (preferred or times)[:1]
    return chosen[0].get("datetime").strip() if chosen else None


def _language(tree: Any) -> str | None:
    if tree is None:
        return None
    lang = (tree.get("lang") or "").strip().lower()
    return lang[:2] if len(lang) >= 2 and lang[:2].isalpha() else None
