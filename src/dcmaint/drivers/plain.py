"""Conversion between report objects and plain JSON values, in one place.

Reports are printed with ``--format json``, stored, and compared months later
(archive diffs), so their JSON form must be plain (dict, list, str, int,
float, bool, None), finite, and keyed the same way every time. Everything that
turns a report into JSON goes through :func:`plain`; it refuses what JSON
cannot carry instead of guessing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any


def plain(value: Any, where: str = "$") -> Any:
    """``value`` as plain JSON data; TypeError naming the path of anything that is not.

    Every poll's report goes through here on its way into the store, so the
    common case takes a fast walk (:func:`_fast`) that builds no paths; only a
    value it cannot carry is walked again by :func:`_checked`, for the message.
    """
    try:
        return _fast(value)
    except _NotPlain:
        return _checked(value, where)


class _NotPlain(Exception):
    """Raised by :func:`_fast` for anything it does not take as it is: :func:`_checked` says what and where."""


#: Dataclasses' field names by class: ``dataclasses.fields`` builds its tuple on every call.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS = frozenset({str, int, bool, type(None)})


def _fast(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is not None:  # most fields are scalars: taken here, without a call each
        fields_: dict[str, Any] = {}
        for name in names:
            item = getattr(value, name)
            fields_[name] = item if type(item) in _SCALARS else _fast(item)
        return fields_
    if kind is list or kind is tuple:
        return [item if type(item) in _SCALARS else _fast(item) for item in value]
    if kind is FrozenMapping or kind is dict:
        out: dict[str, Any] = {}
        for key, item in (value._data if kind is FrozenMapping else value).items():
            if type(key) is not str:
                raise _NotPlain
            out[key] = _fast(item)
        return out
    if kind is float:
        if not math.isfinite(value):
            raise _NotPlain
        return value
    if isinstance(value, Enum):
        return _fast(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        _FIELD_NAMES[kind] = tuple(field.name for field in fields(value))
        return _fast(value)
    raise _NotPlain  # a subclass, another mapping or sequence: the careful walk decides


def _checked(value: Any, where: str) -> Any:
    if isinstance(value, Enum):  # before str: a StrEnum is a str, but JSON wants its plain value
        return _checked(value.value, where)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{where}: {value!r} cannot be stored as JSON")
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: _checked(getattr(value, field.name), f"{where}.{field.name}") for field in fields(value)}
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: key {key!r} is not a string")
            out[key] = _checked(item, f"{where}.{key}")
        return out
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [_checked(item, f"{where}[{index}]") for index, item in enumerate(value)]
    raise TypeError(f"{where}: {type(value).__name__} is not a JSON value")


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping that, unlike ``MappingProxyType``, pickles: reports cross process boundaries
    when a large poll run is spread over worker processes (dcmaint.drivers.workers)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._data)))

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (FrozenMapping, (self._data,))


def frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy, so a frozen report cannot be changed through its mappings."""
    return FrozenMapping(value)


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None
