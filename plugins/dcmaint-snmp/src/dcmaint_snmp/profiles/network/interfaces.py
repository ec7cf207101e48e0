"""IF-MIB: down uplinks and error-ridden ports as alarms, without crying wolf.

Two rules keep a healthy switch quiet:

* Only uplinks matter when down. An access port that is admin-up and
  oper-down is a PC switched off. Uplinks are named by the ``uplinks``
  option (ifName or ifDescr, shell wildcards allowed, comma separated);
  without it, the ports whose description (ifAlias) says "uplink";
  ``uplinks=none`` turns the check off. An uplink an administrator shut
  (ifAdminStatus down) is off on purpose.
* Error counters are cumulative since the counters were last reset, so a few
  historic CRC errors on a port that carried billions of frames are no fault.
  A port is reported only when, in one direction, its errors are at least
  ``error_min`` (default 1000) AND at least ``error_ratio`` (default 0.001,
  0.1 %) of the frames (errors + unicast + multicast + broadcast packets, the
  64-bit ifXTable counters, else ifTable's 32-bit unicast counters).
  ``error_ratio=off`` turns the check off. Counters are never judged against
  an earlier poll: the profile is a pure function of one answer.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from dcmaint.drivers import Alarm, Component, ComponentRef, Health
from dcmaint_snmp.profiles.network import mib
from dcmaint_snmp.snapshot import Row, Snapshot

DEFAULT_ERROR_MIN = 1000
DEFAULT_ERROR_RATIO = 0.001
#: ifOperStatus values that mean the link does not carry traffic (down, notPresent, lowerLayerDown).
_DOWN = {2: "down", 6: "not present (a part such as its transceiver is missing)", 7: "down (lower layer down)"}


@dataclass(frozen=True)
class Interface:
    """One ifTable row joined with its ifXTable row."""

    index: str
    name: str | None
    descr: str | None
    alias: str | None
    admin: int | None
    oper: int | None
    in_errors: int | None
    out_errors: int | None
    in_packets: int | None
    out_packets: int | None

    @property
    def label(self) -> str:
        return self.name or self.descr or f"ifIndex {self.index}"

    def called(self, pattern: str) -> bool:
        """Whether ``pattern`` (a name or a shell wildcard) names this interface, by ifName or ifDescr."""
        pattern = pattern.strip().lower()
        return any(fnmatch.fnmatchcase(text.lower(), pattern) for text in (self.name, self.descr) if text)


def interfaces(snapshot: Snapshot) -> list[Interface]:
    """Every interface of ifTable, in ifIndex order."""
    extended = {row.index: row for row in snapshot.rows(mib.IF_X_ENTRY, mib.IF_X_COLUMNS)}
    found = []
    for row in snapshot.rows(mib.IF_ENTRY, mib.IF_COLUMNS):
        extra = extended.get(row.index)
        found.append(
            Interface(
                index=row.index,
                name=extra.text("name") if extra else None,
                descr=row.text("descr"),
                alias=extra.text("alias") if extra else None,
                admin=row.integer("admin"),
                oper=row.integer("oper"),
                in_errors=row.integer("in_errors"),
                out_errors=row.integer("out_errors"),
                in_packets=_packets(extra, "in") if extra else None,
                out_packets=_packets(extra, "out") if extra else None,
            )
        )
        if found[-1].in_packets is None and found[-1].out_packets is None:
            # No ifXTable counters: ifTable's 32-bit unicast counters (they wrap, so the ratio errs high; RFC 2863
            # asks for the 64-bit ones on every interface faster than 20 Mbit/s).
            found[-1] = replace(found[-1], in_packets=row.integer("in_ucast"), out_packets=row.integer("out_ucast"))
    return found


def _packets(row: Row, direction: str) -> int | None:
    """The frames an interface carried one way: unicast + multicast + broadcast (64-bit ifXTable counters)."""
    values = [row.integer(f"hc_{direction}_{cast}") for cast in ("ucast", "mcast", "bcast")]
    present = [value for value in values if value is not None]
    return sum(present) if present else None


@dataclass(frozen=True)
class Rules:
    """The options that decide what an interface alarm is (docs/drivers/snmp-network.md, "Interfaces")."""

    uplinks: tuple[str, ...] | None  # None: ports whose ifAlias says "uplink"
    error_min: int
    error_ratio: float | None  # None: no error alarms

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> Rules:
        """Read ``uplinks``, ``error_min`` and ``error_ratio``; a value that is not a number keeps the default.

        >>> Rules.from_options({"uplinks": "GE1/0/1, XGE1/0/*", "error_ratio": "off"})
        Rules(uplinks=('GE1/0/1', 'XGE1/0/*'), error_min=1000, error_ratio=None)
        """
        raw = options.get("uplinks")
        uplinks: tuple[str, ...] | None = None
        if raw is not None:
            uplinks = () if raw.strip().lower() in ("", "none", "off") else tuple(p.strip() for p in raw.split(","))
        ratio_text = options.get("error_ratio", "").strip().lower()
        ratio: float | None = DEFAULT_ERROR_RATIO
        if ratio_text in ("off", "none", "0"):
            ratio = None
        elif ratio_text:
            ratio = _number(ratio_text, DEFAULT_ERROR_RATIO)
        minimum = int(_number(options.get("error_min", ""), DEFAULT_ERROR_MIN))
        return cls(tuple(p for p in uplinks if p) if uplinks else uplinks, minimum, ratio)

    def is_uplink(self, interface: Interface) -> bool:
        if self.uplinks is None:
            return "uplink" in (interface.alias or "").lower()
        return any(interface.called(pattern) for pattern in self.uplinks)


def _number(text: str, default: float) -> float:
    try:
        value = float(text)
    except ValueError:
        return default
    return value if value >= 0 else default


Optic = Callable[[Interface], Component | None]


def interface_alarms(snapshot: Snapshot, options: Mapping[str, str], optic: Optic) -> list[Alarm]:
    """Down uplinks (critical) and ports with too many errors (warning). ``optic`` finds the transceiver fitted in
    a port: an alarm names it (``component=``) when that transceiver is itself faulty, so one broken optic is one
    fault; a healthy optic is not blamed for a cable or the far end."""
    rules = Rules.from_options(options)
    found = interfaces(snapshot)
    alarms: list[Alarm] = []
    for interface in found:
        fitted = optic(interface)
        about = fitted.ref if fitted is not None and fitted.is_fault else None
        if interface.admin == 1 and interface.oper in _DOWN and rules.is_uplink(interface):
            alarms.append(
                Alarm(
                    f"Uplink {interface.label} is {_DOWN[interface.oper]}",
                    Health.CRITICAL,
                    code="IF.UPLINK_DOWN",
                    source=interface.label,
                    component=about,
                )
            )
        if rules.error_ratio is not None and interface.admin == 1:
            alarms += _error_alarms(interface, rules, about)
    named = [p for p in rules.uplinks or () if not any(ch in p for ch in "*?[")]
    for pattern in named:
        if not any(interface.called(pattern) for interface in found):
            alarms.append(
                Alarm(
                    f"Uplink {pattern} is not on the switch (a removed line card or a wrong 'uplinks' option)",
                    Health.CRITICAL,
                    code="IF.UPLINK_MISSING",
                    source=pattern,
                )
            )
    return alarms


def _error_alarms(interface: Interface, rules: Rules, about: ComponentRef | None) -> list[Alarm]:
    alarms = []
    for direction, errors, packets in (
        ("input", interface.in_errors, interface.in_packets),
        ("output", interface.out_errors, interface.out_packets),
    ):
        if errors is None or errors < rules.error_min:
            continue
        ratio = errors / (errors + (packets or 0))
        assert rules.error_ratio is not None
        if ratio >= rules.error_ratio:
            alarms.append(
                Alarm(
                    f"{interface.label}: {errors} {direction} errors, {ratio:.2%} of frames"
                    " since the counters were reset",
                    Health.WARNING,
                    code=f"IF.{direction.upper()}_ERRORS",
                    source=interface.label,
                    component=about,
                )
            )
    return alarms
