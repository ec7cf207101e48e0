"""What the storage-array profiles share: capacity options and sensors, value decoding, and snapshot building.

Arrays report capacity in the unit their MIB chose (kilobytes on NetApp,
megabytes on Huawei), sometimes as two signed 32-bit halves, and they judge
their pools themselves only coarsely. The helpers here turn that into one
shape: a ``%`` sensor per pool, judged against the user's thresholds
(``--option pool_warning=85``) unless the array itself calls the pool
degraded. The sample-building helpers keep ``Sample.build`` functions short
and make sure everything they serve is a valid ``.snmprec`` value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dcmaint.drivers import ErrorKind, Health, NotSupported, Sensor, Thresholds
from dcmaint_snmp.snapshot import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, SYS_UPTIME, Type, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

MIB = 1024 * 1024  # MB as arrays count them (MiB), in bytes
KIB = 1024


class StorageOptionError(NotSupported):
    """A ``--option`` value a storage profile cannot use: the device is ``not_configured``, not faulty."""

    kind = ErrorKind.NOT_CONFIGURED


# --- options -----------------------------------------------------------------------------------------------------


def percent_option(options: Mapping[str, str], name: str, default: float) -> float:
    """A percentage option (0-100), ``default`` when absent.

    >>> percent_option({"pool_warning": "80"}, "pool_warning", 85.0), percent_option({}, "pool_warning", 85.0)
    (80.0, 85.0)
    """
    raw = options.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = float(str(raw).strip().rstrip("%"))
    except ValueError:
        raise StorageOptionError(f"option {name}={raw!r}: expected a percentage from 0 to 100") from None
    if not 0.0 <= value <= 100.0:
        raise StorageOptionError(f"option {name}={raw!r}: expected a percentage from 0 to 100")
    return value


def capacity_thresholds(options: Mapping[str, str], prefix: str, warning: float, critical: float) -> Thresholds:
    """``{prefix}_warning`` / ``{prefix}_critical`` as upper limits in %; the warning may not exceed the critical.

    >>> capacity_thresholds({}, "pool", 85.0, 95.0)
    Thresholds(lower_critical=None, lower_warning=None, upper_warning=85.0, upper_critical=95.0)
    """
    upper_warning = percent_option(options, f"{prefix}_warning", warning)
    upper_critical = percent_option(options, f"{prefix}_critical", critical)
    if upper_warning > upper_critical:
        raise StorageOptionError(
            f"option {prefix}_warning={upper_warning:g} is above {prefix}_critical={upper_critical:g}"
        )
    return Thresholds(upper_warning=upper_warning, upper_critical=upper_critical)


# --- capacity ----------------------------------------------------------------------------------------------------


def join_high_low(high: int | None, low: int | None) -> int | None:
    """A 64-bit count from NETAPP-MIB's ``...High``/``...Low`` Integer32 halves (the low half may be negative).

    >>> join_high_low(2, -1401748464)
    11483153424
    >>> join_high_low(None, 158387408), join_high_low(0, None)
    (158387408, None)
    """
    if low is None:
        return None
    return ((high or 0) << 32) + (low & 0xFFFFFFFF)


def used_percent(used: int | None, total: int | None) -> float | None:
    """``used`` of ``total`` in %, one decimal; None without a positive total (an offline pool reports 0).

    >>> used_percent(750, 1000), used_percent(5, 0), used_percent(None, 10)
    (75.0, None, None)
    """
    if used is None or total is None or total <= 0 or used < 0:
        return None
    return round(used * 100.0 / total, 1)


def capacity_sensor(
    name: str, percent: float | None, thresholds: Thresholds, array_health: Health, location: str | None = None
) -> Sensor:
    """A pool's ``%`` used. The array's own warning or critical verdict on the pool wins; a pool the array
    calls healthy (or does not judge) is judged against the user's thresholds only, so that a full-looking
    thin pool never becomes a fault below the limit the user chose.

    >>> capacity_sensor("Pool p1 used", 96.0, Thresholds(upper_warning=85.0, upper_critical=95.0), Health.OK).health
    <Health.CRITICAL: 'critical'>
    >>> capacity_sensor("Pool p1 used", 50.0, Thresholds(upper_warning=85.0), Health.WARNING).health
    <Health.WARNING: 'warning'>
    """
    health = array_health if array_health in (Health.WARNING, Health.CRITICAL) else thresholds.judge(percent)
    return Sensor(name, percent, "%", health, thresholds, location=location)


# --- text --------------------------------------------------------------------------------------------------------

_LIST_SPLIT = re.compile(r"[,\s]+")


def number_list(text: str | None) -> list[str]:
    """The members of a NETAPP-MIB list column (``"1, 2"``, ``"1,2 "``, ``""``) as strings.

    >>> number_list("1, 2,3 "), number_list(None), number_list("")
    (['1', '2', '3'], [], [])
    """
    if not text:
        return []
    return [item for item in _LIST_SPLIT.split(text.strip()) if item]


def label_fields(text: str | None) -> dict[str, str]:
    """``Key=Value`` lines of a Huawei electronic label (``BoardType``, ``BarCode``, ``Item``, ``Description``).

    >>> label_fields("[Board Properties]\\r\\nBoardType=STL6SPCE01\\r\\nBarCode=2102353\\r\\nItem=02353PCE\\r\\nX=")
    {'BoardType': 'STL6SPCE01', 'BarCode': '2102353', 'Item': '02353PCE'}
    """
    fields: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, found, value = line.partition("=")
        if found and key.strip() and value.strip():
            fields[key.strip()] = value.strip()
    return fields


def parse_int(text: str | None) -> int | None:
    """A decimal number sent as text (``raidVDiskRPM`` is a DisplayString); None otherwise.

    >>> parse_int(" 10000 "), parse_int("N/A"), parse_int(None)
    (10000, None, None)
    """
    if text is None:
        return None
    text = text.strip()
    return int(text) if text.isdigit() else None


# --- building simulated agents -----------------------------------------------------------------------------------


def octets(text: str, encoding: str = "utf-8") -> Value:
    return Value(Type.OCTETS, text.encode(encoding))


def integer(number: int) -> Value:
    return Value(Type.INTEGER, number)


def gauge(number: int) -> Value:
    return Value(Type.GAUGE32, number)


def counter64(number: int) -> Value:
    return Value(Type.COUNTER64, number)


def string_index(text: str) -> str:
    """An OCTET STRING table index as SMI encodes it: the length, then each byte (``"10"`` -> ``2.49.48``).

    >>> string_index("0"), string_index("10")
    ('1.48', '2.49.48')
    """
    data = text.encode("ascii")
    return ".".join(str(part) for part in (len(data), *data))


def system_group(descr: str, object_id: str, name: str) -> dict[str, Value]:
    """The MIB-2 system group every simulated agent answers."""
    return {
        SYS_DESCR: octets(descr),
        SYS_OBJECT_ID: Value(Type.OID, object_id),
        SYS_UPTIME: Value(Type.TIMETICKS, 8_640_000),
        SYS_NAME: octets(name),
    }


def table(entry: str, index: str, columns: Mapping[int, Value]) -> dict[str, Value]:
    """One table row's values: ``{entry.column.index: value}``."""
    return {f"{entry}.{column}.{index}": value for column, value in columns.items()}


@dataclass(frozen=True)
class Wanted:
    """A fault a sample was asked for: the part's position (1-based) and the value given, if any."""

    position: int
    value: str | None


def wanted(faults: Sequence[FaultSpec], target: str) -> list[Wanted]:
    """The faults on ``target`` (``disk:3=rebuild`` -> position 3, value ``rebuild``); no index means part 1."""
    return [Wanted(spec.index or 1, spec.value) for spec in faults if spec.target == target]


def fault_at(found: Iterable[Wanted], position: int) -> Wanted | None:
    """The fault asked for at ``position``, if any (the last one wins when a part is named twice)."""
    hit = None
    for item in found:
        if item.position == position:
            hit = item
    return hit
