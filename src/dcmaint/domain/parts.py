"""The parts catalogue and depot stock as the rest of the program sees them, and their rules.

A part's class uses the words drivers report components with
(:class:`dcmaint.drivers.health.ComponentKind`), so that matching a faulty
component to a spare compares like with like: "memory" is stored as ``dimm``,
a "humidifier tank" as ``humidifier``. Pure logic, no I/O: the catalogue and
stock services call these checks for every entry a user types or imports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from dcmaint.domain.import_columns import key
from dcmaint.domain.records import Record
from dcmaint.domain.text import identifier, optional_free_text
from dcmaint.drivers.health import ComponentKind
from dcmaint.errors import UsageError
from dcmaint.i18n import _


class NumberKind(StrEnum):
    """Kinds of a part's other numbers (``part_numbers.kind``)."""

    SPARE = "spare"
    OPTION = "option"
    FRU = "fru"
    OTHER = "other"


NUMBER_KINDS: tuple[str, ...] = tuple(kind.value for kind in NumberKind)

#: Words accepted for a class besides the ComponentKind values themselves.
CLASS_ALIASES: dict[str, str] = {
    "memory": "dimm",
    "ram": "dimm",
    "内存": "dimm",
    "内存条": "dimm",
    "hdd": "disk",
    "ssd": "disk",
    "drive": "disk",
    "硬盘": "disk",
    "磁盘": "disk",
    "power supply": "psu",
    "电源": "psu",
    "电源模块": "psu",
    "风扇": "fan",
    "网卡": "nic",
    "电池": "battery",
    "cache battery": "battery",
    "缓存电池": "battery",
    "raid controller": "controller",
    "控制器": "controller",
    "阵列卡": "controller",
    "raid卡": "controller",
    "处理器": "cpu",
    "光模块": "transceiver",
    "sfp": "transceiver",
    "过滤网": "filter",
    "滤网": "filter",
    "空调滤网": "filter",
    "humidifier_tank": "humidifier",
    "humidifier tank": "humidifier",
    "加湿罐": "humidifier",
    "加湿器": "humidifier",
    "其他": "other",
    "其它": "other",
}

#: Classes that are consumables unless an entry says otherwise.
CONSUMABLE_CLASSES: frozenset[str] = frozenset({"filter", "humidifier"})

_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/#+\-]{0,99}$")


class StockStatus(StrEnum):
    IN_STOCK = "in_stock"
    RESERVED = "reserved"
    INSTALLED = "installed"
    REMOVED = "removed"  # taken out of a device, in the customer's custody
    RETURNED = "returned"  # sent back to the vendor


class Condition(StrEnum):
    """A unit's condition: a spare is received ``new`` or ``refurbished``; a part taken out of a device is
    ``used``, or ``faulty`` when its slot was unhealthy."""

    NEW = "new"
    REFURBISHED = "refurbished"
    USED = "used"
    FAULTY = "faulty"


#: The conditions a spare can be received in (``spare add --condition``, a stock list's column).
RECEIVED_CONDITIONS = (Condition.NEW, Condition.REFURBISHED)


@dataclass(frozen=True)
class PartNumber(Record):
    number: str
    kind: str


@dataclass(frozen=True)
class Substitute(Record):
    part_number: str
    note: str | None


@dataclass(frozen=True)
class Part(Record):
    """A catalogue entry; ``numbers`` are its other numbers, ``substitutes`` its declared equivalents."""

    part_number: str
    vendor: str | None
    description: str | None
    part_class: str
    attributes: Mapping[str, Any]
    annual_failure_rate: float | None
    lead_time_days: int | None
    consumable: bool
    numbers: tuple[PartNumber, ...] = ()
    substitutes: tuple[Substitute, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data = super().as_json()
        data["numbers"] = [n.as_json() for n in self.numbers]
        data["substitutes"] = [s.as_json() for s in self.substitutes]
        return data

    def all_numbers(self) -> tuple[str, ...]:
        return (self.part_number, *(n.number for n in self.numbers))


@dataclass(frozen=True)
class StockUnit(Record):
    """One serialised spare, or a quantity of a consumable in one bin."""

    serial: str | None
    part_number: str  # as labelled on the part
    catalogue_part_number: str | None  # the catalogue entry it belongs to
    part_class: str | None
    description: str | None
    site: str
    bin: str | None
    condition: str
    quantity: int
    status: str
    reserved_for: str | None
    proof_ref: str | None
    proof_file: str | None
    received_on: date | None
    device: str | None
    slot: str | None
    custody_location: str | None
    notes: str | None
    updated_at: datetime | None = field(default=None)


@dataclass(frozen=True)
class StockEntry:
    """What a user asks to put in stock (``spare add`` or one import row), before the store is consulted."""

    site: str
    part_number: str
    serial: str | None
    bin: str | None
    condition: str
    quantity: int | None
    proof_ref: str | None
    proof_file: str | None
    received_on: date | None


def part_class(text: str) -> str:
    """The stored class for a user's word; unknown words are an error listing the choices."""
    wanted = key(text)
    for kind in ComponentKind:
        if key(kind.value) == wanted:
            return kind.value
    for word, kind_value in CLASS_ALIASES.items():
        if key(word) == wanted:
            return kind_value
    raise UsageError(
        _("invalid class {value!r}: choose one of {choices} (or memory, humidifier_tank)").format(
            value=text, choices=", ".join(k.value for k in ComponentKind)
        )
    )


def part_number(text: Any, what: str | None = None) -> str:
    """A vendor number as printed on a label: no spaces, at most 100 characters."""
    value = str(text).strip() if text is not None else ""
    if not _NUMBER.match(value):
        raise UsageError(
            _("invalid {what} {value!r}: use letters, digits and . _ / # + - (at most 100)").format(
                what=what or _("part number"), value=text
            )
        )
    return value


def failure_rate(value: Any) -> float | None:
    """Failures per unit-year, 0..1; "2%" (as spreadsheets write it) is 0.02."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    scale = 100.0 if text.endswith("%") else 1.0
    try:
        rate = float(text.rstrip("%").strip()) / scale
    except ValueError:
        rate = math.nan
    if isinstance(value, bool) or not 0.0 <= rate <= 1.0:
        raise UsageError(
            _("invalid annual failure rate {value!r}: a number from 0 to 1 (or 0% to 100%)").format(value=value)
        )
    return rate


def lead_time(value: Any) -> int | None:
    """Replenishment lead time in whole days; "14天" and "14 days" are read as 14."""
    if value is None or value == "":
        return None
    text = re.sub(r"\s*(天|日|days?|d)$", "", str(value).strip(), flags=re.IGNORECASE)
    if isinstance(value, bool) or not text.isdigit():
        raise UsageError(_("invalid lead time {value!r}: a whole number of days").format(value=value))
    return int(text)


TRUE_WORDS = ("true", "yes", "y", "1", "是", "耗材")
FALSE_WORDS = ("false", "no", "n", "0", "否", "")


def flag(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = key(str(value if value is not None else ""))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise UsageError(_("invalid {what} {value!r}: expected yes or no").format(what=what, value=value))


def optional_text(value: Any, what: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise UsageError(_("invalid {what} {value!r}: expected text").format(what=what, value=value))
    text = str(value).strip()
    if len(text) > limit:
        raise UsageError(_("{field} is longer than {limit} characters").format(field=what, limit=limit))
    return identifier(text, what) if text else None  # a name or reference: no control characters


def attributes(value: Any) -> dict[str, Any]:
    """Free attributes (capacity, speed, form_factor, interface, wattage...): scalar values only."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise UsageError(_("invalid attributes {value!r}: expected a table of name = value").format(value=value))
    result: dict[str, Any] = {}
    for name, item in value.items():
        if not isinstance(item, str | int | float | bool):
            raise UsageError(
                _("invalid attribute {name!r}: {value!r} is not a single value").format(name=name, value=item)
            )
        result[str(name)] = item
    return dict(sorted(result.items()))


def to_part(entry: Mapping[str, Any]) -> Part:
    """Validate one catalogue entry (from TOML, or a sheet row turned into the same shape)."""
    known = {
        "part_number",
        "vendor",
        "description",
        "class",
        "attributes",
        "annual_failure_rate",
        "lead_time_days",
        "consumable",
        "numbers",
        "substitutes",
    }
    unknown = sorted(set(entry) - known)
    if unknown:
        raise UsageError(
            _("unknown key {key!r}: a part has {keys}").format(key=unknown[0], keys=", ".join(sorted(known)))
        )
    if entry.get("class") in (None, ""):
        raise UsageError(_("class is missing"))
    number = part_number(entry.get("part_number"))
    kind = part_class(str(entry["class"]))
    consumable = flag(entry["consumable"], "consumable") if "consumable" in entry else kind in CONSUMABLE_CLASSES
    numbers: list[PartNumber] = []
    given = entry.get("numbers") or {}
    if not isinstance(given, Mapping):
        raise UsageError(_('invalid numbers {value!r}: expected a table such as spare = ["..."]').format(value=given))
    for number_kind, values in given.items():
        if number_kind not in NUMBER_KINDS:
            raise UsageError(
                _("unknown number kind {kind!r}: choose one of {choices}").format(
                    kind=number_kind, choices=", ".join(NUMBER_KINDS)
                )
            )
        for value in [values] if isinstance(values, str) else values or []:
            other = part_number(value, _("{kind} number").format(kind=number_kind))
            if other != number and other not in (n.number for n in numbers):
                numbers.append(PartNumber(other, number_kind))
    substitutes: list[Substitute] = []
    for item in entry.get("substitutes") or []:
        if isinstance(item, str):
            item = {"part_number": item}
        if not isinstance(item, Mapping):
            raise UsageError(
                _("invalid substitute {value!r}: expected a table with part_number and note").format(value=item)
            )
        other = part_number(item.get("part_number"), _("substitute part number"))
        if other in (number, *(n.number for n in numbers)):
            raise UsageError(_("part {number} cannot be its own substitute").format(number=number))
        note = item.get("note")
        substitutes.append(Substitute(other, optional_free_text(None if note is None else str(note), "note")))
    return Part(
        part_number=number,
        vendor=optional_text(entry.get("vendor"), "vendor", 100),
        description=optional_text(entry.get("description"), "description", 300),
        part_class=kind,
        attributes=attributes(entry.get("attributes")),
        annual_failure_rate=failure_rate(entry.get("annual_failure_rate")),
        lead_time_days=lead_time(entry.get("lead_time_days")),
        consumable=consumable,
        numbers=tuple(numbers),
        substitutes=tuple(sorted(substitutes, key=lambda s: s.part_number)),
    )
