"""Generic conversion between the records of :mod:`claimwatch.model` and JSON-able dicts.

Reads dataclass fields and their type hints (no per-record code), so a field added to ``model.py`` round-trips
without changes here. Enums are written by value, datetimes as ISO 8601 strings, tuples and lists as lists,
nested records as dicts; ``bytes`` fields (the raw input) are left out and come back as their default.

    data = to_dict(claim)           # JSON-able
    again = from_dict(Claim, data)  # equal to ``claim``
    small = to_compact(claim)       # the same without the fields at their defaults (the store keeps this)
    from_dict(Claim, small) == claim
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from functools import cache, partial
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


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType)


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


def to_compact(obj: Any) -> Any:
    """:func:`to_dict` without the fields of records that hold their default value (``None``, ``[]``, ``0.0``…):
    :func:`from_dict` gives them back, so the result rebuilds the same record in fewer bytes."""
    kind: type = type(obj)
    if hasattr(kind, "__dataclass_fields__"):
        defaults = _defaults(kind)
        out = {}
        for name in _field_names(kind):
            value = getattr(obj, name)
            if name in defaults and type(value) is type(defaults[name]) and value == defaults[name]:
                continue
            out[name] = to_compact(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [to_compact(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_compact(v) for k, v in obj.items()}
    return to_dict(obj)


@cache
def _defaults(cls: type) -> dict[str, Any]:
    """The default value of each field of a dataclass that has one (a factory's value made once, to compare)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not _MISSING:
            out[f.name] = f.default
        elif f.default_factory is not _MISSING:
            out[f.name] = f.default_factory()
    return out


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a record of type ``cls`` from :func:`to_dict` output. Unknown keys are ignored."""
    return _convert(cls, data)  # type: ignore[no-any-return]


def _convert(hint: Any, value: Any) -> Any:
    return _converter(hint)(value)


def _converter(hint: Any) -> Callable[[Any], Any]:
    """The function that converts a JSON value to ``hint``: worked out once per type hint, so rebuilding many
    records (a linking batch reads thousands of claims) does not inspect the same hints again for every value."""
    try:
        return _cached_converter(hint)
    except TypeError:  # an unhashable hint
        return _make_converter(hint)


@cache
def _cached_converter(hint: Any) -> Callable[[Any], Any]:
    return _make_converter(hint)


def _make_converter(hint: Any) -> Callable[[Any], Any]:
    """Nested converters are made here too, except a record's fields (made on first use: records may nest)."""
    if hint is Any:
        return _same
    if _is_union(hint):
        members = tuple(_converter(a) for a in typing.get_args(hint) if a is not type(None))
        return partial(_convert_union, hint, members)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (list, typing.List):  # noqa: UP006
        return partial(_convert_list, _converter(args[0] if args else Any))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return partial(_convert_tuple, _converter(args[0]))
    if origin is tuple:
        return partial(_convert_fixed_tuple, tuple(_converter(a) for a in args))
    if origin is dict:
        key_t, val_t = args if args else (Any, Any)
        return partial(_convert_dict, _converter(key_t), _converter(val_t))
    if origin is not None:
        return _same
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return partial(_record, hint)
    if isinstance(hint, type):
        return partial(_convert_type, hint)
    return _same


def _same(value: Any) -> Any:
    return value


@cache
def _field_converters(cls: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    return tuple((name, _converter(hint)) for name, hint in _serialisable_fields(cls))


def _record(cls: type, data: Any) -> Any:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__}: expected a dict, got {type(data).__name__}")
    return cls(**{name: convert(data[name]) for name, convert in _field_converters(cls) if name in data})


def _convert_union(hint: Any, members: tuple[Callable[[Any], Any], ...], value: Any) -> Any:
    if value is None:
        return None
    errors = []
    for convert in members:
        try:
            return convert(value)
        except (TypeError, ValueError) as exc:
            errors.append(str(exc))
    raise TypeError(f"no member of {hint} accepts {value!r}: {'; '.join(errors)}")


def _convert_list(item: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else [item(v) for v in value]


def _convert_tuple(item: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else tuple(item(v) for v in value)


def _convert_fixed_tuple(items: tuple[Callable[[Any], Any], ...], value: Any) -> Any:
    if value is None:
        return None
    if not items:
        return tuple(value)
    if len(items) != len(value):
        raise ValueError(f"expected {len(items)} items, got {len(value)}")
    return tuple(convert(v) for convert, v in zip(items, value, strict=True))


def _convert_dict(key: Callable[[Any], Any], val: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else {key(k): val(v) for k, v in value.items()}


def _convert_type(cls: type, value: Any) -> Any:
    if value is None:
        return None
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
