"""Return to factory (返厂): a unit sent to its vendor for repair, and the loaner that stands in meanwhile.

The unit is a registered device or a part removed from one (a stock unit in
the customer's custody). It stays the customer's property throughout: while
away its custody reads "at vendor V under RMA N", and on return it is back in
the customer's custody (or the register, for a device).

One RMA walks open -> shipped -> received -> closed:

- ``ship``: the unit leaves for the vendor (carrier, tracking);
- ``receive``: it is back, repaired or replaced by a new unit with another serial;
- ``close``: the work is done, which needs any loaner swapped back first;
- ``loaner`` (open or shipped, for a device): a loaner is registered in its place;
- ``swap-back`` (received, with a loaner installed): the original goes back, the loaner leaves the register.

The repair department's target date makes an RMA overdue when the unit is
still away after it; a loaner still installed after the unit came back is an
action the desk owes too (:func:`attention`).

>>> move("R-2026-000001", RmaState.OPEN, RmaStep.SHIP, loaner_installed=False)
<RmaState.SHIPPED: 'shipped'>
>>> allowed(RmaState.RECEIVED, loaner_installed=True)
['swap-back']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import Untranslated, _, value_label

NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,63}$")
REF_PATTERN = re.compile(r"^R-\d{4}-\d{6}$")
LONGEST_REPAIR_DAYS = 366  # a target date a year and more away is a typo, not a repair department's promise


class RmaState(StrEnum):
    """Where a return to factory stands (``rma list``, ``rma show``)."""

    OPEN = "open"  # opened with the vendor, the unit still here
    SHIPPED = "shipped"  # the unit is at the vendor
    RECEIVED = "received"  # the unit (or its replacement) is back
    CLOSED = "closed"  # done


class RmaStep(Untranslated):
    """The moves of an RMA: words of the command line."""

    SHIP = "ship"
    RECEIVE = "receive"
    LOANER = "loaner"
    SWAP_BACK = "swap-back"
    CLOSE = "close"


class RmaUnitKind(StrEnum):
    """What goes back to the vendor."""

    DEVICE = "device"  # a registered device, whole
    PART = "part"  # a part removed from a device, in the customer's custody


class RmaFlag(StrEnum):
    """What an RMA needs from the desk (``rma list --overdue``)."""

    OVERDUE = "overdue"  # still away after the repair department's target date
    LOANER_LEFT = "loaner-left"  # the unit is back but the loaner is still installed


MOVES: dict[RmaStep, tuple[frozenset[RmaState], RmaState | None]] = {
    RmaStep.LOANER: (frozenset({RmaState.OPEN, RmaState.SHIPPED}), None),
    RmaStep.SHIP: (frozenset({RmaState.OPEN}), RmaState.SHIPPED),
    RmaStep.RECEIVE: (frozenset({RmaState.SHIPPED}), RmaState.RECEIVED),
    RmaStep.SWAP_BACK: (frozenset({RmaState.RECEIVED}), None),
    RmaStep.CLOSE: (frozenset({RmaState.RECEIVED}), RmaState.CLOSED),
}


def _possible(step: RmaStep, state: RmaState, loaner_installed: bool, part: bool) -> bool:
    sources, _target = MOVES[step]
    if state not in sources:
        return False
    if step is RmaStep.LOANER:
        return not loaner_installed and not part  # a loaner stands in for a device
    if step is RmaStep.SWAP_BACK:
        return loaner_installed
    if step is RmaStep.CLOSE:
        return not loaner_installed  # the loaner goes back to the vendor before the RMA is done
    return True


def allowed(state: RmaState, *, loaner_installed: bool, part: bool = False) -> list[str]:
    """The moves an RMA in ``state`` accepts, in the order of the flow (``part``: the unit is a removed part)."""
    return [str(step) for step in MOVES if _possible(step, state, loaner_installed, part)]


def move(ref: str, state: RmaState, step: RmaStep, *, loaner_installed: bool, part: bool = False) -> RmaState:
    """The state after ``step``; an illegal move is refused with the ones the RMA allows."""
    if not _possible(step, state, loaner_installed, part):
        allowed_now = ", ".join(allowed(state, loaner_installed=loaner_installed, part=part)) or _("none")
        if part and step is RmaStep.LOANER:
            raise UsageError(
                _("RMA {rma} is for a part: a loaner stands in for a device (allowed: {allowed})").format(
                    rma=ref, allowed=allowed_now
                )
            )
        if state in MOVES[step][0] and step is RmaStep.CLOSE:
            raise UsageError(
                _("RMA {rma} still has its loaner installed: swap it back first (allowed: {allowed})").format(
                    rma=ref, allowed=allowed_now
                )
            )
        raise UsageError(
            _("RMA {rma} is {state}: it cannot {step} (allowed: {allowed})").format(
                rma=ref, state=value_label(RmaState, state), step=step.value, allowed=allowed_now
            )
        )
    return MOVES[step][1] or state


def rma_ref(year: int, number: int) -> str:
    """Our own reference of an RMA (the vendor's number may come later, or never).

    >>> rma_ref(2026, 7)
    'R-2026-000007'
    """
    return f"R-{year}-{number:06d}"


def vendor_number(text: str, what: str) -> str:
    """The vendor's RMA number as printed on their paperwork: letters, digits, '.', '_', '/', '-' (at most 64).

    >>> vendor_number(" RMA-8812/3 ", "--number")
    'RMA-8812/3'
    """
    value = text.strip()
    if not NUMBER_PATTERN.match(value):
        raise UsageError(
            _("invalid {what} {value!r}: an RMA number is letters, digits, '.', '_', '/' or '-' (at most 64)").format(
                what=what, value=text
            )
        )
    return value


def target_date(value: date, opened: date, what: str = "--target-date") -> date:
    """The repair department's promise: not before the RMA was opened, at most a year after.

    >>> target_date(date(2026, 3, 20), date(2026, 3, 1)).isoformat()
    '2026-03-20'
    """
    if value < opened:
        raise UsageError(
            _("invalid {what} {value!r}: before the RMA was opened ({opened})").format(
                what=what, value=value.isoformat(), opened=opened.isoformat()
            )
        )
    if (value - opened).days > LONGEST_REPAIR_DAYS:
        raise UsageError(
            _("invalid {what} {value!r}: more than a year after the RMA was opened").format(
                what=what, value=value.isoformat()
            )
        )
    return value


def away_custody(vendor: str, ref: str) -> str:
    """Where a removed part is while the vendor has it: it stays the customer's property."""
    return _("at vendor {vendor} under RMA {rma}").format(vendor=vendor, rma=ref)


def is_overdue(state: RmaState, target: date | None, today: date) -> bool:
    """Overdue: the unit is not back and the repair department's target date has passed.

    >>> is_overdue(RmaState.SHIPPED, date(2026, 3, 1), date(2026, 3, 2))
    True
    >>> is_overdue(RmaState.RECEIVED, date(2026, 3, 1), date(2026, 3, 2))
    False
    """
    return target is not None and state in (RmaState.OPEN, RmaState.SHIPPED) and today > target


def attention(state: RmaState, target: date | None, today: date, loaner_installed: bool) -> tuple[RmaFlag, ...]:
    """What the desk owes on an RMA: overdue at the vendor, or a loaner still installed after the return.

    >>> attention(RmaState.RECEIVED, None, date(2026, 3, 2), True)
    (<RmaFlag.LOANER_LEFT: 'loaner-left'>,)
    """
    flags = []
    if is_overdue(state, target, today):
        flags.append(RmaFlag.OVERDUE)
    if loaner_installed and state in (RmaState.RECEIVED, RmaState.CLOSED):
        flags.append(RmaFlag.LOANER_LEFT)
    return tuple(flags)


@dataclass(frozen=True)
class RmaLine(Record):
    """One RMA in a listing (``rma list``)."""

    rma: str
    number: str | None
    site: str
    vendor: str
    unit_kind: str
    unit: str  # SITE/DEVICE for a device, the serial for a part
    serial: str | None  # the unit's serial when it left
    state: str
    ticket: str | None
    opened_at: datetime
    shipped_at: datetime | None
    received_at: datetime | None
    target_date: date | None
    loaner: str | None  # the loaner device's name while one is installed
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Loaner(Record):
    """A loaner that stood (or stands) in for the unit."""

    device: str
    serial: str
    vendor: str | None
    model: str | None
    installed_at: datetime
    removed_at: datetime | None


@dataclass(frozen=True)
class RmaDetail(Record):
    """One RMA in full (``rma show``)."""

    rma: str
    number: str | None
    site: str
    vendor: str
    unit_kind: str
    unit: str
    serial: str | None
    returned_serial: str | None  # the replacement unit's serial when the vendor sent another unit
    state: str
    ticket: str | None
    reason: str | None
    opened_at: datetime
    shipped_at: datetime | None
    carrier: str | None
    tracking: str | None
    received_at: datetime | None
    closed_at: datetime | None
    target_date: date | None
    custody: str | None  # where a part is kept now
    flags: tuple[str, ...]
    allowed: tuple[str, ...]
    loaners: tuple[Loaner, ...]

    def as_json(self) -> dict[str, object]:
        data = super().as_json()
        data["loaners"] = [loaner.as_json() for loaner in self.loaners]
        return data
