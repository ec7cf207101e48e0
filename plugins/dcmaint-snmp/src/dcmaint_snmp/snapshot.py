"""What an agent answered, as plain values keyed by numeric OID: the one thing every profile parses.

A poll GETs some scalars and walks some subtrees; whatever came back is a
:class:`Snapshot`. Profiles read it through typed accessors that never raise
on a missing or oddly typed value (an agent that omits a column, or sends a
string where the MIB says integer, gives ``None``, and the profile decides
what that means). The same snapshot can be read from ``.snmprec`` text, the
format snmpsim serves, so a profile's unit tests and the simulator share
their fixtures.

OIDs are dotted strings without a leading dot (``"1.3.6.1.2.1.33.1.2.1.0"``).

>>> snap = Snapshot.from_snmprec('''
... 1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.534.1
... 1.3.6.1.2.1.33.1.2.4.0|2|87
... 1.3.6.1.2.1.33.1.1.2.0|4|9PX 3000
... 1.3.6.1.2.1.33.1.9.1.0|4x|e6b58be8af95
... ''')
>>> snap.integer("1.3.6.1.2.1.33.1.2.4.0"), snap.text("1.3.6.1.2.1.33.1.1.2.0"), snap.oid(SYS_OBJECT_ID)
(87, '9PX 3000', '1.3.6.1.4.1.534.1')
>>> snap.text("1.3.6.1.2.1.33.1.9.1.0"), snap.integer("1.3.6.1.2.1.33.1.1.2.0")
('测试', None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

#: MIB-2 system group, asked of every agent.
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYSTEM = (SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME)


class Type(StrEnum):
    """SMI types, named by their ``.snmprec`` tag (RFC 2578 / snmpsim's data format)."""

    INTEGER = "2"
    OCTETS = "4"
    NULL = "5"
    OID = "6"
    IPADDRESS = "64"
    COUNTER32 = "65"
    GAUGE32 = "66"
    TIMETICKS = "67"
    OPAQUE = "68"
    COUNTER64 = "70"


NUMERIC = frozenset({Type.INTEGER, Type.COUNTER32, Type.GAUGE32, Type.TIMETICKS, Type.COUNTER64})


@dataclass(frozen=True)
class Value:
    """One varbind's value: ``data`` is an int (numeric types), bytes (octets, opaque, IP address) or a dotted
    OID string; NULL is ``None``. noSuchObject, noSuchInstance and endOfMibView never become values."""

    type: Type
    data: int | bytes | str | None


_OID = re.compile(r"\d+(\.\d+)*")


def normal_oid(oid: str) -> str:
    """``oid`` without a leading dot; ValueError when it is not numeric (names need a MIB compiler: none here)."""
    text = oid.strip().lstrip(".")
    if not _OID.fullmatch(text):
        raise ValueError(f"not a numeric OID: {oid!r}")
    return text


def oid_key(oid: str) -> tuple[int, ...]:
    """Sort key: numeric order, as agents walk (``1.10`` after ``1.9``)."""
    return tuple(int(part) for part in oid.split("."))


def decode_text(data: bytes) -> str:
    """Octets as text: UTF-8, else GB18030 (Chinese vendors' agents), else Latin-1; NULs and surrounding
    whitespace dropped (agents pad fixed-size fields). Control characters are left for the core to escape."""
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    return text.replace("\x00", "").strip()


class Snapshot(Mapping[str, Value]):
    """An immutable mapping of OID to :class:`Value`, with accessors for what profiles need."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Value] | Iterable[tuple[str, Value]] = ()) -> None:
        items = values.items() if isinstance(values, Mapping) else values
        self._values: dict[str, Value] = {normal_oid(oid): value for oid, value in items}

    # Mapping protocol
    def __getitem__(self, oid: str) -> Value:
        return self._values[normal_oid(oid)]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._values, key=oid_key))

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Snapshot({len(self._values)} values)"

    def merged(self, other: Mapping[str, Value]) -> Snapshot:
        """This snapshot with ``other``'s values added (``other`` wins on the same OID)."""
        return Snapshot({**self._values, **{normal_oid(oid): value for oid, value in other.items()}})

    # Typed accessors: None when absent or of another type.
    def value(self, oid: str) -> Value | None:
        return self._values.get(normal_oid(oid))

    def integer(self, oid: str) -> int | None:
        """A numeric value; also a decimal number sent as a string (some agents do)."""
        found = self.value(oid)
        if found is None:
            return None
        if found.type in NUMERIC and isinstance(found.data, int):
            return found.data
        if found.type is Type.OCTETS and isinstance(found.data, bytes):
            text = decode_text(found.data)
            if re.fullmatch(r"-?\d+", text):
                return int(text)
        return None

    def text(self, oid: str) -> str | None:
        """An octet string as text (:func:`decode_text`); None when absent, empty or not a string."""
        found = self.value(oid)
        if found is None or found.type is not Type.OCTETS or not isinstance(found.data, bytes):
            return None
        return decode_text(found.data) or None

    def octets(self, oid: str) -> bytes | None:
        found = self.value(oid)
        if found is None or not isinstance(found.data, bytes):
            return None
        return found.data

    def oid(self, oid: str) -> str | None:
        found = self.value(oid)
        if found is None or found.type is not Type.OID or not isinstance(found.data, str):
            return None
        return found.data

    def column(self, column: str) -> dict[str, Value]:
        """Every instance under ``column`` (a table column's OID), keyed by the index suffix (``"1"``, ``"1.3"``),
        in walk order."""
        prefix = normal_oid(column) + "."
        found = {oid[len(prefix) :]: value for oid, value in self._values.items() if oid.startswith(prefix)}
        return {index: found[index] for index in sorted(found, key=oid_key)}

    def indexes(self, entry: str, columns: Iterable[int]) -> list[str]:
        """The row indexes of table ``entry`` (its ``...Entry`` OID) that have a value in any of ``columns``."""
        seen: set[str] = set()
        for number in columns:
            seen.update(self.column(f"{normal_oid(entry)}.{number}"))
        return sorted(seen, key=oid_key)

    def rows(self, entry: str, columns: Mapping[str, int]) -> list[Row]:
        """Table ``entry``'s rows, each with its columns named as in ``columns`` (name -> column number)."""
        base = normal_oid(entry)
        return [Row(self, base, index, columns) for index in self.indexes(base, columns.values())]

    # .snmprec, the simulator's data format: OID|TYPE|VALUE, TYPE with an ``x`` suffix for hex-encoded values.
    @classmethod
    def from_snmprec(cls, text: str) -> Snapshot:
        values: dict[str, Value] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                oid, tag, raw = line.split("|", 2)
                hexed = tag.endswith("x")
                kind = Type(tag.rstrip("x"))
            except ValueError:
                raise ValueError(f"snmprec line {number}: expected OID|TYPE|VALUE, got {line!r}") from None
            values[normal_oid(oid)] = _parse_value(kind, raw, hexed)
        return cls(values)

    def to_snmprec(self) -> str:
        """The snapshot as ``.snmprec`` text, sorted as snmpsim requires; octets are written hex-encoded."""
        return "".join(f"{oid}|{_format_value(self._values[oid])}\n" for oid in self)


class Row:
    """One row of a table: ``row.integer("status")``, ``row.text("serial")``; ``row.index`` is the OID suffix."""

    __slots__ = ("_base", "_columns", "_snapshot", "index")

    def __init__(self, snapshot: Snapshot, base: str, index: str, columns: Mapping[str, int]) -> None:
        self._snapshot, self._base, self.index, self._columns = snapshot, base, index, columns

    def oid_of(self, name: str) -> str:
        return f"{self._base}.{self._columns[name]}.{self.index}"

    def integer(self, name: str) -> int | None:
        return self._snapshot.integer(self.oid_of(name))

    def text(self, name: str) -> str | None:
        return self._snapshot.text(self.oid_of(name))

    def oid(self, name: str) -> str | None:
        return self._snapshot.oid(self.oid_of(name))

    def octets(self, name: str) -> bytes | None:
        return self._snapshot.octets(self.oid_of(name))

    def __repr__(self) -> str:
        return f"Row({self._base}, index={self.index})"


def _parse_value(kind: Type, raw: str, hexed: bool) -> Value:
    if kind is Type.NULL:
        return Value(kind, None)
    if hexed:
        data = bytes.fromhex(raw)
        if kind in NUMERIC:
            return Value(kind, int.from_bytes(data, "big"))
        return Value(kind, data.decode("ascii") if kind is Type.OID else data)
    if kind in NUMERIC:
        return Value(kind, int(raw))
    if kind is Type.OID:
        return Value(kind, normal_oid(raw))
    if kind is Type.IPADDRESS:
        return Value(kind, bytes(int(part) for part in raw.split(".")))
    return Value(kind, raw.encode("utf-8"))


def _format_value(value: Value) -> str:
    if value.data is None:
        return f"{value.type.value}|"
    if isinstance(value.data, int):
        return f"{value.type.value}|{value.data}"
    if isinstance(value.data, str):
        return f"{value.type.value}|{value.data}"
    if value.type is Type.IPADDRESS:
        return f"{value.type.value}|{'.'.join(str(byte) for byte in value.data)}"
    return f"{value.type.value}x|{value.data.hex()}"
