"""Change requests: an upgrade evaluated, approved by the customer, implemented, confirmed by the device.

The state machine (docs/changes.md)::

    requested --approve--> approved --implement--> implemented --confirm--> confirmed
        |                     |                         |                       |
        +--reject--> rejected +--reject--> rejected     +--rollback-->  rolled_back <--rollback--+

``implement`` is refused before the customer's approval is recorded and after
a refusal; ``confirm`` is what a poll does when the device reports the target
version (``health --record``, ``archive snapshot``, ``change implement
--verify``). Every other move is refused naming the moves allowed.

>>> move(ChangeState.APPROVED, ChangeAction.IMPLEMENT)
<ChangeState.IMPLEMENTED: 'implemented'>
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _, value_label


class ChangeState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"
    CONFIRMED = "confirmed"
    ROLLED_BACK = "rolled_back"


class ChangeAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    IMPLEMENT = "implement"
    CONFIRM = "confirm"
    ROLLBACK = "rollback"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


MOVES: dict[ChangeState, dict[ChangeAction, ChangeState]] = {
    ChangeState.REQUESTED: {ChangeAction.APPROVE: ChangeState.APPROVED, ChangeAction.REJECT: ChangeState.REJECTED},
    ChangeState.APPROVED: {ChangeAction.IMPLEMENT: ChangeState.IMPLEMENTED, ChangeAction.REJECT: ChangeState.REJECTED},
    ChangeState.IMPLEMENTED: {
        ChangeAction.CONFIRM: ChangeState.CONFIRMED,
        ChangeAction.ROLLBACK: ChangeState.ROLLED_BACK,
    },
    ChangeState.CONFIRMED: {ChangeAction.ROLLBACK: ChangeState.ROLLED_BACK},
    ChangeState.REJECTED: {},
    ChangeState.ROLLED_BACK: {},
}


def allowed(state: ChangeState) -> tuple[ChangeAction, ...]:
    """The moves a change in ``state`` may make."""
    return tuple(MOVES[state])


def move(state: ChangeState, action: ChangeAction, reference: str = "") -> ChangeState:
    """The state after ``action``; an illegal move is refused naming the state and the allowed moves.

    >>> move(ChangeState.REQUESTED, ChangeAction.IMPLEMENT, "CR-1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dcmaint.errors.UsageError: change CR-1 cannot be implemented before ... (it is requested; allowed: approve, reject)
    """
    target = MOVES[state].get(action)
    if target is not None:
        return target
    moves = ", ".join(a.value for a in allowed(state)) or _("none")
    if action is ChangeAction.IMPLEMENT and state is ChangeState.REQUESTED:
        raise UsageError(
            _(
                "change {ref} cannot be implemented before the customer's approval is recorded "
                "(it is {state}; allowed: {moves})"
            ).format(ref=reference, state=value_label(ChangeState, state), moves=moves)
        )
    raise UsageError(
        _("change {ref} is {state}: {action} is not allowed (allowed: {moves})").format(
            ref=reference, state=value_label(ChangeState, state), action=action.value, moves=moves
        )
    )


def window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The downtime window: its end after its start, at most 7 days long.

    >>> from datetime import UTC
    >>> window(datetime(2026, 3, 2, 22, tzinfo=UTC), datetime(2026, 3, 2, 21, tzinfo=UTC))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dcmaint.errors.UsageError: invalid --window-end '2026-03-02T21:00:00+00:00': not after --window-start ...
    """
    if end <= start:
        raise UsageError(
            _("invalid --window-end {end!r}: not after --window-start {start!r}").format(
                end=end.isoformat(), start=start.isoformat()
            )
        )
    if (end - start).days >= 7:
        raise UsageError(
            _("invalid --window-end {end!r}: a downtime window of at most 7 days").format(end=end.isoformat())
        )
    return start, end


def reference(number: int) -> str:
    """A change's reference as people type it.

    >>> reference(12)
    'CR-12'
    """
    return f"CR-{number}"


def number(text: str) -> int:
    """``CR-12`` or ``12`` -> 12; anything else is refused naming it.

    >>> number("cr-12")
    12
    """
    value = text.strip().upper().removeprefix("CR-")
    if not value.isdigit() or not value.isascii() or len(value) > 9 or int(value) < 1:
        raise UsageError(
            _("invalid change {value!r}: expected CR-NUMBER (see `dcmaint change list`)").format(value=text)
        )
    return int(value)


@dataclass(frozen=True)
class ChangeDevice(Record):
    """One device of a change: its version when requested and what the last poll since implementation saw."""

    device: str
    version_before: str | None
    version_seen: str | None
    confirmed_at: datetime | None


@dataclass(frozen=True)
class ChangeRecord(Record):
    """A change request as ``change show`` and ``change list`` give it; keys documented in docs/json.md."""

    change: str
    site: str
    state: str
    devices: tuple[str, ...]
    component: str
    target_version: str
    advisory: str | None  # the release it answers, "VENDOR COMPONENT VERSION"
    evaluation: str
    risk: str
    window_start: datetime
    window_end: datetime
    rollback_plan: str
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approval_reference: str | None
    approved_at: datetime | None
    rejected_by: str | None
    reject_reason: str | None
    implemented_by: str | None
    implemented_at: datetime | None
    confirmed_at: datetime | None
    rollback_reason: str | None
    rolled_back_at: datetime | None
    seen: tuple[ChangeDevice, ...]

    def as_json(self) -> dict[str, Any]:
        data = super().as_json()
        data["seen"] = [d.as_json() if isinstance(d, ChangeDevice) else d for d in self.seen]
        return data
