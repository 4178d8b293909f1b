"""Generic conversion between the records of :mod:`claimwatch.model` and JSON-able dicts.

Reads dataclass fields and their type hints (no per-record code), so a field added to ``model.py`` round-trips
without changes here. Enums are written by value, datetimes as ISO 8601 strings, tuples and lists as lists,
nested records as dicts; ``bytes`` fields (the raw input) are left out and come back as their default.

    data = to_dict(claim)           # JSON-able
    again = from_dict(Claim, data)  # equal to ``claim``
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union

T = TypeVar("T")

_MISSING = dataclasses.MISSING


@cache
def _hints(cls: type) -> dict[str, Any]:
    """Resolved type hints of a dataclass (its module's names are in scope for string annotations)."""
    module = sys.modules.get(cls.__module__)
    return typing.get_type_hints(cls, vars(module) if module else None)


@cache
def _serialisable_fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """``(name, type hint)`` of the fields of a dataclass that are serialised (bytes fields are not)."""
    hints = _hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        hint = hints.get(f.name, Any)
        if _is_bytes(hint):
            continue
        out.append((f.name, hint))
    return tuple(out)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(name for name, _ in _serialisable_fields(cls))


def _is_bytes(hint: Any) -> bool:
    if hint is bytes:
        return True
    return _is_union(hint) and bytes in typing.get_args(hint)


@cache
def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType)


@cache
def _generic(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    """``(origin, args)`` of a type hint (cached: rebuilding records asks for them per field and per value)."""
    return typing.get_origin(hint), typing.get_args(hint)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_dict(obj: Any) -> Any:
    """A JSON-able value for ``obj``: a record becomes a dict of its fields (bytes fields left out)."""
    kind: type = type(obj)
    if kind in _PLAIN:
        return obj
    if hasattr(kind, "__dataclass_fields__"):
        return {name: to_dict(getattr(obj, name)) for name in _field_names(kind)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (bytes, bytearray)):
        raise TypeError("bytes are not serialised (raw input is stored separately)")
    return obj


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a record of type ``cls`` from :func:`to_dict` output. Unknown keys are ignored."""
    return _convert(cls, data)  # type: ignore[no-any-return]


def _record(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__}: expected a dict, got {type(data).__name__}")
    kwargs = {}
    for name, hint in _serialisable_fields(cls):
        if name in data:
            kwargs[name] = _convert(hint, data[name])
    return cls(**kwargs)


def _convert(hint: Any, value: Any) -> Any:
    if hint is Any:
        return value
    if _is_union(hint):
        return _convert_union(hint, value)
    if value is None:
        return None
    origin, args = _generic(hint)
    if origin is not None:
        return _convert_generic(origin, args, value)
    if isinstance(hint, type):
        return _convert_type(hint, value)
    return value


def _convert_union(hint: Any, value: Any) -> Any:
    args = [a for a in _generic(hint)[1] if a is not type(None)]
    if value is None:
        return None
    errors = []
    for arg in args:
        try:
            return _convert(arg, value)
        except (TypeError, ValueError) as exc:
            errors.append(str(exc))
    raise TypeError(f"no member of {hint} accepts {value!r}: {'; '.join(errors)}")


def _convert_generic(origin: Any, args: tuple[Any, ...], value: Any) -> Any:
    if origin in (list, typing.List):  # noqa: UP006
        return [_convert(args[0] if args else Any, v) for v in value]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        if not args:
            return tuple(value)
        if len(args) != len(value):
            raise ValueError(f"expected {len(args)} items, got {len(value)}")
        return tuple(_convert(a, v) for a, v in zip(args, value, strict=True))
    if origin is dict:
        key_t, val_t = args if args else (Any, Any)
        return {_convert(key_t, k): _convert(val_t, v) for k, v in value.items()}
    return value


def _convert_type(cls: type, value: Any) -> Any:
    if dataclasses.is_dataclass(cls):
        return _record(cls, value)
    if issubclass(cls, Enum):
        return cls(value)
    if cls is datetime:
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if cls is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if cls in (int, str, bool, float):
        if not isinstance(value, cls) or (cls is int and isinstance(value, bool)):
            raise TypeError(f"expected {cls.__name__}, got {value!r}")
        return value
    return value
