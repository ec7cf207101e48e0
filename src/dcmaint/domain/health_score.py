"""The health score of a device and of a system (device class), 0 to 100, from what an inspection saw.

The rule, as docs/inspections.md states it ("The health score"):

- A device starts at 100.
- Each open fault of a part (a disk, a PSU, a fan, ...) costs 25 when critical, 10 when warning, 5 when
  its health is unknown.
- Each active alarm of its own (one not about a faulty part) costs 15 when critical, 5 otherwise.
- Each sensor reading out of range costs 15 when critical, 10 otherwise.
- Each checklist item answered "not ok", and each reading outside its range, costs 10.
- A poll that failed (unreachable, refused, timed out) costs 20: nothing is known about the parts.
- The score never goes below 0.

Faults counted are those open when the inspection ends, so a fault fixed on
site and closed by a later poll no longer costs anything, and a fault that
has been open since an earlier inspection still does. The device register
keeps no purchase or warranty dates, so age and warranty are not part of the
score (docs/inspections.md says so).

A system's score is the mean of its devices' scores, rounded half up; the
site's is the mean over all devices, the room counted as one device. The
trend compares a score with the previous inspection's: ``up`` or ``down``
when it moved by more than 2 points, ``same`` otherwise, ``new`` when
there is nothing to compare with.

>>> device_score(Deductions(part_faults={"critical": 1}, checks_failed=1))
65
>>> system_score([100, 65, 70]), trend(65, 80), trend(79, 80), trend(80, None)
(78, 'down', 'same', 'new')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

FULL = 100
PART_FAULT = {"critical": 25, "warning": 10, "unknown": 5}
ALARM = {"critical": 15, "warning": 5, "unknown": 5}
SENSOR = {"critical": 15, "warning": 10, "unknown": 10}
CHECK_FAILED = 10
POLL_FAILED = 20
STEADY = 2  # a move of this many points or less is "same"


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"  # nothing to compare with: the site's first inspection, or a device new to it


@dataclass(frozen=True)
class Deductions:
    """What counts against a device, by kind and health (``{"critical": 1}``)."""

    part_faults: Mapping[str, int] = field(default_factory=dict)
    alarms: Mapping[str, int] = field(default_factory=dict)
    sensors: Mapping[str, int] = field(default_factory=dict)
    checks_failed: int = 0  # checklist items not ok and readings out of range
    poll_failed: bool = False


def _cost(counts: Mapping[str, int], table: Mapping[str, int]) -> int:
    return sum(table.get(health, table["unknown"]) * count for health, count in counts.items())


def device_score(d: Deductions) -> int:
    """100 less every deduction of the rule, never below 0."""
    lost = _cost(d.part_faults, PART_FAULT) + _cost(d.alarms, ALARM) + _cost(d.sensors, SENSOR)
    lost += CHECK_FAILED * d.checks_failed + (POLL_FAILED if d.poll_failed else 0)
    return max(FULL - lost, 0)


def system_score(scores: Sequence[int]) -> int | None:
    """The mean, rounded half up; None for a system with no device."""
    if not scores:
        return None
    return (2 * sum(scores) + len(scores)) // (2 * len(scores))


def trend(now: int | None, before: int | None) -> str:
    """``up``, ``down``, ``same`` (moved by ``STEADY`` points or less) or ``new`` (nothing to compare)."""
    if now is None or before is None:
        return Trend.NEW.value
    if now > before + STEADY:
        return Trend.UP.value
    if now < before - STEADY:
        return Trend.DOWN.value
    return Trend.SAME.value
