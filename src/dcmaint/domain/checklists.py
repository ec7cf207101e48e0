"""Inspection checklists (巡检项目): what an engineer checks by hand on each kind of device and in the room.

A checklist is a TOML document (docs/inspections.md, "Checklists"); this
module turns the parsed document into typed items and refuses a broken one
with one line naming the file, the item and the value, so a typo in a site's
override is found when the checklists are read, never half-way through an
inspection. Answers are checked here too: whether an answer is valid for
its item, and whether it is a finding (a check answered "not ok", a reading
outside its range). Pure logic, no I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.import_columns import key
from dcmaint.errors import UsageError
from dcmaint.i18n import _

#: The room checklist's items are answered once per inspection, for the site, not per device.
ROOM = "room"
_ITEM_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class AnswerKind(StrEnum):
    CHECK = "check"  # ok / not ok, with a note
    NUMBER = "number"  # a reading with a unit and an acceptable range
    TEXT = "text"  # recorded as written, never a finding


OK_WORDS = ("ok", "正常", "是", "pass", "good", "y", "yes", "√", "✓")
NOT_OK_WORDS = ("not-ok", "not ok", "nok", "异常", "否", "fail", "bad", "n", "no", "×", "✗")
_OK = frozenset(key(word) for word in OK_WORDS)
_NOT_OK = frozenset(key(word) for word in NOT_OK_WORDS)


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    zh: str
    en: str
    answer: AnswerKind
    checklist: str  # the checklist's name ("servers", "room")
    unit: str = ""
    low: float | None = None
    high: float | None = None

    def wording(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def range_text(self) -> str:
        """``10–35 °C``; empty for checks and text."""
        if self.answer is not AnswerKind.NUMBER:
            return ""
        low = "" if self.low is None else f"{self.low:g}"
        high = "" if self.high is None else f"{self.high:g}"
        return f"{low}–{high} {self.unit}".strip()


@dataclass(frozen=True)
class Checklist:
    name: str
    zh: str
    en: str
    kinds: tuple[str, ...]  # empty: the room checklist, answered once per site
    items: tuple[ChecklistItem, ...]
    source: str  # the file it was read from, for messages


@dataclass(frozen=True)
class Answer:
    """An answer as checked: ``ok`` False is a finding; ``value`` is the number read, when it is one."""

    text: str
    ok: bool
    value: float | None = None


def _broken(source: str, item: str, what: str, value: object) -> UsageError:
    return UsageError(
        _("{file}: item {item}: invalid {what} {value!r}").format(file=source, item=item, what=what, value=value)
    )


def _text(raw: Mapping[str, Any], name: str, source: str, item: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _broken(source, item, name, value)
    return value.strip()


def _bound(raw: Mapping[str, Any], name: str, source: str, item: str) -> float | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _broken(source, item, name, value)
    return float(value)


def _item(raw: Any, checklist: str, source: str, index: int) -> ChecklistItem:
    where = f"#{index}"
    if not isinstance(raw, dict):
        raise _broken(source, where, "item", raw)
    ident = raw.get("id")
    if not isinstance(ident, str) or not _ITEM_ID.match(ident):
        raise _broken(source, where, "id", ident)
    known = {"id", "zh", "en", "answer", "unit", "min", "max"}
    extra = sorted(set(raw) - known)
    if extra:
        raise _broken(source, ident, "key", extra[0])
    kind_text = raw.get("answer")
    try:
        kind = AnswerKind(str(kind_text))
    except ValueError:
        raise _broken(source, ident, "answer", kind_text) from None
    low, high = _bound(raw, "min", source, ident), _bound(raw, "max", source, ident)
    unit = raw.get("unit", "")
    if not isinstance(unit, str):
        raise _broken(source, ident, "unit", unit)
    if kind is AnswerKind.NUMBER:
        if low is None and high is None:
            raise _broken(source, ident, "min", None)
        if low is not None and high is not None and low > high:
            raise _broken(source, ident, "max", raw.get("max"))
    elif low is not None or high is not None or unit:  # a range or unit on a check or text item
        name = "min" if low is not None else "max" if high is not None else "unit"
        raise _broken(source, ident, name, raw.get(name))
    return ChecklistItem(
        ident, _text(raw, "zh", source, ident), _text(raw, "en", source, ident), kind, checklist, unit, low, high
    )


def parse_checklist(document: Mapping[str, Any], source: str) -> Checklist:
    """A parsed TOML checklist as typed items; a broken one is a UsageError naming ``source``, item and value.

    >>> doc = {"checklist": {"name": "ups", "zh": "UPS", "en": "UPS", "kinds": ["ups"]},
    ...        "item": [{"id": "ups.load", "zh": "负载率", "en": "Load", "answer": "number", "unit": "%", "max": 80}]}
    >>> parse_checklist(doc, "ups.toml").items[0].range_text()
    '–80 %'
    >>> parse_checklist({**doc, "item": [{"id": "ups.load", "zh": "x", "en": "x", "answer": "yes"}]}, "ups.toml")
    Traceback (most recent call last):
    dcmaint.errors.UsageError: ups.toml: item ups.load: invalid answer 'yes'
    """
    head = document.get("checklist")
    if not isinstance(head, dict):
        raise _broken(source, "-", "[checklist]", head)
    name = head.get("name")
    if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9_-]*$", name):
        raise _broken(source, "-", "name", name)
    kinds = head.get("kinds")
    if not isinstance(kinds, list) or any(k not in DeviceKind._value2member_map_ for k in kinds):
        bad = kinds if not isinstance(kinds, list) else next(k for k in kinds if k not in DeviceKind._value2member_map_)
        raise _broken(source, "-", "kinds", bad)
    if (name == ROOM) != (not kinds):
        raise _broken(source, "-", "kinds", kinds)
    raw_items = document.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        raise _broken(source, "-", "[[item]]", raw_items)
    items = tuple(_item(raw, name, source, n) for n, raw in enumerate(raw_items, 1))
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise _broken(source, item.id, "id", item.id)
        seen.add(item.id)
    return Checklist(name, _text(head, "zh", source, "-"), _text(head, "en", source, "-"), tuple(kinds), items, source)


@dataclass(frozen=True)
class Checklists:
    """Every checklist in force for a site: the items of a device kind, the room's, and lookup by id."""

    lists: tuple[Checklist, ...]

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for checklist in self.lists:
            for item in checklist.items:
                if item.id in seen:
                    raise _broken(checklist.source, item.id, "id", item.id)
                seen[item.id] = checklist.source

    def for_kind(self, kind: str) -> tuple[ChecklistItem, ...]:
        return tuple(item for c in self.lists if kind in c.kinds for item in c.items)

    def room(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for c in self.lists if not c.kinds for item in c.items)

    def item(self, ident: str) -> ChecklistItem | None:
        return next((item for c in self.lists for item in c.items if item.id == ident), None)

    def all_items(self) -> Iterable[ChecklistItem]:
        return (item for c in self.lists for item in c.items)


def check_answer(item: ChecklistItem, text: str) -> Answer | None:
    """``text`` as an answer to ``item``, or None when it is no valid answer (not a number, not ok/not ok).

    >>> item = ChecklistItem("room.temperature", "机房温度", "Room", AnswerKind.NUMBER, "room", "°C", 18, 27)
    >>> check_answer(item, "29.5"), check_answer(item, "warm")
    (Answer(text='29.5', ok=False, value=29.5), None)
    >>> check_answer(ChecklistItem("room.fire", "消防", "Fire", AnswerKind.CHECK, "room"), "异常").ok
    False
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    if item.answer is AnswerKind.TEXT:
        return Answer(cleaned, True)
    if item.answer is AnswerKind.CHECK:
        folded = key(cleaned)
        if folded in _OK:
            return Answer("ok", True)
        if folded in _NOT_OK:
            return Answer("not-ok", False)
        return None
    number_text = cleaned.removesuffix(item.unit).strip() if item.unit else cleaned
    try:
        value = float(number_text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    inside = (item.low is None or value >= item.low) and (item.high is None or value <= item.high)
    return Answer(f"{value:g}", inside, value)
