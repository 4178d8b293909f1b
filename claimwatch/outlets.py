"""Outlets: who publishes what claimwatch reads, and how far each can count as independent evidence.

Reads ``claimwatch/data/outlets.yaml`` and, when given, the user's file of the same layout (``Options.outlets``);
writes :class:`~claimwatch.model.Outlet` records and matches an article to its outlet by URL domain (subdomains
included), Telegram channel (``t.me/<channel>`` URLs and ``@channel`` names) or name and aliases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .model import Outlet

AFFILIATIONS = ("party-official", "party-state", "party-aligned", "independent", "wire", "international",
                "research")
_TELEGRAM_HOSTS = {"t.me", "telegram.me", "telegram.org"}
_SPACES = re.compile(r"\s+")


class OutletError(ValueError):
    """An outlets file that cannot be used; the message names the file and the entry."""


class OutletRegistry:
    """Outlets by registry id, with lookups by domain, channel and name."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.outlets: dict[str, Outlet] = {}
        self._domains: dict[str, str] = {}
        self._channels: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for outlet in outlets:
            key = outlet.key or outlet.name
            self.outlets[key] = outlet
            for domain in outlet.domains:
                self._domains[domain.lower().removeprefix("www.")] = key
            for channel in outlet.telegram:
                self._channels[channel.lower().lstrip("@")] = key
            for name in (outlet.name, *outlet.aliases):
                self._names[_name_key(name)] = key

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self.outlets.values())

    def __len__(self) -> int:
        return len(self.outlets)

    def get(self, key: str | None) -> Outlet | None:
        return self.outlets.get(key) if key else None

    def match(self, url: str | None = None, name: str | None = None, channel: str | None = None) -> Outlet | None:
        """The outlet of an article: by its Telegram channel, its URL's host (or a parent domain), else its
        outlet name or an alias (case and spacing ignored)."""
        for candidate in (channel, _channel_of(url)):
            if candidate and candidate.lower().lstrip("@") in self._channels:
                return self.outlets[self._channels[candidate.lower().lstrip("@")]]
        host = _host(url)
        while host:
            if host in self._domains:
                return self.outlets[self._domains[host]]
            host = host.partition(".")[2] if host.count(".") >= 1 else ""
        if name and _name_key(name) in self._names:
            return self.outlets[self._names[_name_key(name)]]
        return None


def _name_key(name: str) -> str:
    return _SPACES.sub(" ", name.casefold().strip().removeprefix("the "))


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def _channel_of(url: str | None) -> str | None:
    """``https://t.me/rybar/12345`` -> ``rybar``."""
    if not url or _host(url) not in _TELEGRAM_HOSTS:
        return None
    parts = [p for p in urlsplit(url if "//" in url else f"//{url}").path.split("/") if p]
    if parts and parts[0] == "s":
        parts = parts[1:]
    return parts[0] if parts else None


def _outlet(entry: Any, where: str) -> Outlet:
    if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
        raise OutletError(f"{where}: every outlet needs an id and a name, got {entry!r:.120}")
    affiliation = entry.get("affiliation") or None
    if affiliation is not None and affiliation not in AFFILIATIONS:
        raise OutletError(f"{where}: outlet {entry['id']!r} has affiliation {affiliation!r}; "
                          f"use one of {', '.join(AFFILIATIONS)}")

    def words(field: str) -> tuple[str, ...]:
        value = entry.get(field) or ()
        if isinstance(value, str):
            value = [value]
        return tuple(str(v) for v in value)

    return Outlet(name=str(entry["name"]), domains=words("domains"), country=entry.get("country") or None,
                  language=entry.get("language") or None, affiliation=affiliation,
                  notes=entry.get("reason") or None, key=str(entry["id"]), side=entry.get("side") or None,
                  actor=entry.get("actor") or None, telegram=words("telegram"), aliases=words("aliases"))


def parse(text: str, where: str) -> list[Outlet]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise OutletError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("outlets", []), list):
        raise OutletError(f"{where}: expected a mapping with an 'outlets' list")
    return [_outlet(e, where) for e in data.get("outlets", [])]


@lru_cache(maxsize=8)
def load_outlets(user_file: str | None = None) -> OutletRegistry:
    """The bundled outlets merged with ``user_file`` (same layout; an entry with a bundled id replaces it)."""
    text = resources.files("claimwatch").joinpath("data/outlets.yaml").read_text("utf-8")
    merged = {o.key: o for o in parse(text, "outlets.yaml")}
    if user_file:
        try:
            user_text = Path(user_file).read_text("utf-8")
        except OSError as exc:
            raise OutletError(f"cannot read outlets file {user_file}: {exc}") from exc
        merged.update({o.key: o for o in parse(user_text, str(user_file))})
    return OutletRegistry(merged.values())
