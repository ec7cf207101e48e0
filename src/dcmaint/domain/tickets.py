"""Tickets: their states, the moves between them, and the records commands show. Pure logic, no I/O.

The reactive flow and the work order of the contract, as states:

    logged -> assigned -> in_progress -> restored -> form_filled -> signed -> verified -> closed

``start`` begins handling (remote or on site) and with it the SLA clock;
``restore`` stops the clock. The customer signs the maintenance form and
scores it; the maintenance centre checks it with the customer (``verify``);
only verified tickets count in KPIs. Escalation to on site, pauses for the
customer's downtime window or approval, return to factory, follow-ups and
notes are events that do not change the state. Anything else is refused
with the moves the ticket allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _, value_label

if TYPE_CHECKING:
    from dcmaint.domain.emergency import TicketPlan


class TicketState(StrEnum):
    LOGGED = "logged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESTORED = "restored"
    FORM_FILLED = "form_filled"
    SIGNED = "signed"
    VERIFIED = "verified"
    CLOSED = "closed"


class Source(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    INSPECTION = "inspection"
    MONITORING = "monitoring"


class Severity(StrEnum):
    CRITICAL = "critical"  # service down
    HIGH = "high"  # redundancy lost (a PSU, a disk in a RAID set)
    MEDIUM = "medium"  # a warning: predicted failure, degraded part
    LOW = "low"  # a question, a cosmetic fault


class Handling(StrEnum):
    REMOTE = "remote"
    ONSITE = "onsite"


class PauseReason(StrEnum):
    """The only reasons the contract lets the SLA clock stand still."""

    DOWNTIME_WINDOW = "downtime-window"  # waiting for the customer's maintenance window
    CUSTOMER_APPROVAL = "customer-approval"  # waiting for the customer's go-ahead (a change, a substitute part)


class FollowupKind(StrEnum):
    """How the desk followed up with the customer."""

    CALL = "call"
    VISIT = "visit"


class TicketStep(StrEnum):
    """What can happen to a ticket: its events (``logged`` first) and the moves a command makes (``assign``...).

    The moves are the ``dcmaint ticket`` subcommands (``reserve`` and ``swap``
    are ``spare reserve`` and ``spare swap`` for the ticket).
    """

    LOGGED = "logged"
    ASSIGN = "assign"
    START = "start"
    ESCALATE = "escalate"
    PAUSE = "pause"
    RESUME = "resume"
    RETURN_TO_FACTORY = "return-to-factory"
    RESERVE = "reserve"
    SWAP = "swap"
    RESTORE = "restore"
    FILL = "fill"
    SIGN = "sign"
    VERIFY = "verify"
    CLOSE = "close"
    FOLLOWUP = "followup"
    NOTE = "note"


S = TicketState
A = TicketStep

#: action -> (states it is allowed in, state it leads to; None: the state stays).
MOVES: dict[str, tuple[frozenset[TicketState], TicketState | None]] = {
    A.ASSIGN: (frozenset({S.LOGGED, S.ASSIGNED, S.IN_PROGRESS}), None),
    A.START: (frozenset({S.ASSIGNED}), S.IN_PROGRESS),
    A.ESCALATE: (frozenset({S.IN_PROGRESS}), None),
    A.PAUSE: (frozenset({S.IN_PROGRESS}), None),
    A.RESUME: (frozenset({S.IN_PROGRESS}), None),
    A.RETURN_TO_FACTORY: (frozenset({S.IN_PROGRESS, S.RESTORED}), None),
    A.RESERVE: (frozenset({S.LOGGED, S.ASSIGNED, S.IN_PROGRESS}), None),  # a spare set aside for the job
    A.SWAP: (frozenset({S.IN_PROGRESS, S.RESTORED}), None),  # a part replaced (restored: swapping a loaner back)
    A.RESTORE: (frozenset({S.IN_PROGRESS}), S.RESTORED),
    A.FILL: (frozenset({S.RESTORED, S.FORM_FILLED}), S.FORM_FILLED),
    A.SIGN: (frozenset({S.FORM_FILLED}), S.SIGNED),
    A.VERIFY: (frozenset({S.SIGNED}), S.VERIFIED),
    A.CLOSE: (frozenset({S.VERIFIED}), S.CLOSED),
    A.FOLLOWUP: (frozenset({S.RESTORED, S.FORM_FILLED, S.SIGNED, S.VERIFIED, S.CLOSED}), None),
    A.NOTE: (frozenset(S), None),
}


def allowed(state: TicketState) -> list[str]:
    """The actions a ticket in ``state`` accepts, in the order of the flow (plain text: JSON shows them)."""
    return [str(action) for action, (sources, _target) in MOVES.items() if state in sources]


def move(ref: str, state: TicketState, action: str) -> TicketState:
    """The state after ``action``; an illegal move is refused with the ones the ticket allows."""
    sources, target = MOVES[action]
    if state not in sources:
        raise UsageError(
            _("ticket {ticket} is {state}: it cannot {action} (allowed: {allowed})").format(
                ticket=ref, state=value_label(TicketState, state), action=action, allowed=", ".join(allowed(state))
            )
        )
    return target or state


def ticket_ref(year: int, number: int) -> str:
    return f"T-{year}-{number:06d}"


def check_score(score: int) -> int:
    if not 1 <= score <= 5:
        raise UsageError(_("invalid score {value}: the customer scores 1 to 5").format(value=score))
    return score


@dataclass(frozen=True)
class TicketEvent(Record):
    at: datetime
    actor: str
    kind: str
    state_from: str | None
    state_to: str | None
    reason: str | None
    note: str | None


@dataclass(frozen=True)
class TicketLine(Record):
    """A ticket as ``ticket list`` shows it; times are UTC in JSON and the site's time in tables."""

    ref: str
    site: str
    state: str
    severity: str
    source: str
    devices: tuple[str, ...]
    assignee: str | None
    summary: str
    reported_at: datetime
    started_at: datetime | None
    restored_at: datetime | None
    sla: str  # an SlaState value
    sla_remaining: timedelta | None
    sla_breached_by: timedelta | None
    sla_due_at: datetime | None

    def as_json(self) -> dict[str, object]:
        data = super().as_json()
        for key in ("sla_remaining", "sla_breached_by"):
            value = getattr(self, key)
            data[key] = int(value.total_seconds()) if value is not None else None
        return data


@dataclass(frozen=True)
class Pause(Record):
    reason: str
    started_at: datetime
    ended_at: datetime | None
    note: str | None


@dataclass(frozen=True)
class TicketDetail(Record):
    """One ticket in full (``ticket show``); durations are whole seconds in JSON."""

    ref: str
    site: str
    timezone: str
    state: str
    source: str
    severity: str
    caller: str | None
    contact: str | None
    devices: tuple[str, ...]
    description: str
    assignee: str | None
    handling: str | None
    fault_id: int | None
    reported_at: datetime
    started_at: datetime | None
    restored_at: datetime | None
    sla_hours: int
    sla: str
    sla_elapsed: timedelta
    sla_paused: timedelta
    sla_remaining: timedelta | None
    sla_breached_by: timedelta | None
    sla_due_at: datetime | None
    actions: str | None
    time_spent_minutes: int | None
    signed_by: str | None
    signed_at: datetime | None
    score: int | None
    comment: str | None
    signature: bool
    verified_by: str | None
    verified_at: datetime | None
    closed_at: datetime | None
    allowed: tuple[str, ...]
    pauses: tuple[Pause, ...]
    events: tuple[TicketEvent, ...]
    rmas: tuple[str, ...] = ()  # its returns to factory (``rma show``)
    emergency_plans: tuple[TicketPlan, ...] = ()  # the plans of its devices' systems at its site

    def as_json(self) -> dict[str, object]:
        data = super().as_json()
        for key in ("sla_elapsed", "sla_paused", "sla_remaining", "sla_breached_by"):
            value = getattr(self, key)
            data[key] = int(value.total_seconds()) if value is not None else None
        data["pauses"] = [p.as_json() for p in self.pauses]
        data["events"] = [e.as_json() for e in self.events]
        data["emergency_plans"] = [p.as_json() for p in self.emergency_plans]
        return data
