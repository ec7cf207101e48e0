"""Ticket commands on the store: each is one transaction with its ticket event and audit row.

Each step (``assign``, ``start``, ... ``add_note``) is an entry point: it
takes the :class:`~dcmaint.services.context.Context` and the time a person
gave (``at``, a :class:`~dcmaint.domain.parse.GivenTime` read at the command
line, naive values in the ticket's site time) and runs in its own
transaction. Logging a new ticket is
:func:`dcmaint.services.ticket_intake.log`; :func:`new` is the step it runs
(and the fault tickets of a health run run it inside their own transaction).

Times a person gives (``--at``) are checked against the ticket's history: no
step before the one it follows, none in the future. The maintenance centre
verifies a ticket, never an engineer who worked it (segregation of duties). The SLA columns of the
ticket row (``sla_due_at``, ``paused_since``, ``paused_seconds``) are brought
up to date by every step through :func:`_refresh_sla`, so listing what
breaches soon is an index range scan; what they mean is decided by
:func:`dcmaint.domain.sla.measure` alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dcmaint.domain import tickets as flow
from dcmaint.domain.parse import FUTURE_SLACK, GivenTime, enum_value
from dcmaint.domain.parts import optional_text
from dcmaint.domain.sla import Clock, SlaState, measure, ticket_clock
from dcmaint.domain.text import optional_free_text
from dcmaint.domain.tickets import FollowupKind, Handling, PauseReason, Severity, Source, TicketState, TicketStep
from dcmaint.errors import DcmaintError, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import devices as device_register
from dcmaint.services import sites
from dcmaint.services import staff as staff_register
from dcmaint.services.context import Context
from dcmaint.store.crosscheck import signature_digest
from dcmaint.store.models.base import utcnow
from dcmaint.store.models.depot import SwapRow
from dcmaint.store.models.registers import SiteRow, StaffRow
from dcmaint.store.models.tickets import TicketDeviceRow, TicketEventRow, TicketPauseRow, TicketRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

ENTITY = "ticket"
TIME_SPENT_LIMIT = timedelta(days=30)


@dataclass(frozen=True)
class TicketDraft:
    site: str
    source: str
    description: str
    severity: str = Severity.HIGH.value
    devices: Sequence[str] = ()
    caller: str | None = None
    contact: str | None = None
    reported_at: datetime | None = None
    fault_id: int | None = None


@dataclass
class Step:
    """What a command asks of one ticket."""

    ref: str
    at: GivenTime | None = None
    note: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress:
    """Where a ticket stands after a step."""

    ref: str
    state: str


@dataclass(frozen=True)
class Assigned(Progress):
    """A ticket given to the engineer on duty: who that was."""

    engineer: str


def _advance(
    context: Context, ref: str, at: GivenTime | None, note: str | None, action: Callable[[UnitOfWork, Step], None]
) -> Progress:
    """Run one step in its own transaction; ``at`` is read in the ticket's site time."""
    with context.write() as unit:
        action(unit, Step(ref.strip().upper(), at, note))
        row = find(unit, ref)
        return Progress(row.ref, row.state)


def assign(context: Context, ref: str, engineer: str, at: GivenTime | None = None, note: str | None = None) -> Progress:
    """Give the ticket to an engineer, again to hand it over (entry point)."""
    return _advance(context, ref, at, note, lambda unit, step: _assign(unit, step, engineer))


def assign_on_duty(context: Context, ref: str, at: GivenTime | None = None, note: str | None = None) -> Assigned:
    """Give the ticket to the primary on duty at its site at the time of the step (entry point).

    Nobody on duty (a gap in the roster) is a failure, not bad input: nothing is changed and the desk
    names the engineer with ``--to``.
    """
    from dcmaint.services.roster_views import duty_at

    with context.write() as unit:
        row = find(unit, ref.strip().upper())
        site = unit.session.get(SiteRow, row.site_id)
        assert site is not None
        when = _when(unit, row, at)
        duty = duty_at(unit, site.name, site.timezone, when)
        if duty.primary is None:
            raise DcmaintError(
                _("nobody is on duty at {site} at {time}: give the engineer with --to").format(
                    site=site.name, time=when.astimezone(ZoneInfo(site.timezone)).isoformat(timespec="minutes")
                )
            )
        _assign(unit, Step(row.ref, at, note), duty.primary.engineer)
        return Assigned(row.ref, row.state, duty.primary.engineer)


def start(context: Context, ref: str, handling: str, at: GivenTime | None = None, note: str | None = None) -> Progress:
    """Start handling, ``remote`` or ``onsite``: the SLA clock starts (entry point)."""
    return _advance(context, ref, at, note, lambda unit, step: _start(unit, step, handling))


def escalate(context: Context, ref: str, reason: str, at: GivenTime | None = None) -> Progress:
    """Remote handling did not restore it: someone goes on site, the clock runs on (entry point)."""
    return _advance(context, ref, at, reason, _escalate)


def pause(context: Context, ref: str, reason: str, at: GivenTime | None = None, note: str | None = None) -> Progress:
    """Stop the SLA clock for a ``downtime-window`` or ``customer-approval`` (entry point)."""
    return _advance(context, ref, at, note, lambda unit, step: _pause(unit, step, reason))


def resume(context: Context, ref: str, at: GivenTime | None = None, note: str | None = None) -> Progress:
    """Restart the SLA clock after a pause (entry point)."""
    return _advance(context, ref, at, note, _resume)


def restore(context: Context, ref: str, at: GivenTime | None = None, note: str | None = None) -> Progress:
    """Service is restored: the SLA clock stops (entry point)."""
    return _advance(context, ref, at, note, _restore)


def fill(
    context: Context, ref: str, actions: str, time_spent: timedelta | None = None, at: GivenTime | None = None
) -> Progress:
    """Fill the maintenance form: what was done and how long it took, at most :data:`TIME_SPENT_LIMIT`, as
    ``parse.duration`` read it at the command line (entry point)."""
    return _advance(context, ref, at, None, lambda unit, step: _fill(unit, step, actions, time_spent))


def sign(
    context: Context,
    ref: str,
    by: str,
    score: int,
    comment: str | None = None,
    signature: bytes | None = None,
    at: GivenTime | None = None,
) -> Progress:
    """The customer signs the form and scores the work, 1 to 5 (entry point)."""
    return _advance(context, ref, at, None, lambda unit, step: _sign(unit, step, by, score, comment, signature))


def verify(
    context: Context, ref: str, by: str | None = None, at: GivenTime | None = None, note: str | None = None
) -> Progress:
    """The maintenance centre checked the form with the customer; ``by`` defaults to the actor (entry point)."""
    return _advance(context, ref, at, note, lambda unit, step: _verify(unit, step, by))


def close(context: Context, ref: str, at: GivenTime | None = None, note: str | None = None) -> Progress:
    """Close a verified ticket (entry point)."""
    return _advance(context, ref, at, note, _close)


def followup(context: Context, ref: str, kind: str, note: str, at: GivenTime | None = None) -> Progress:
    """The desk's follow-up ``call`` or ``visit`` and what the customer said (entry point)."""
    return _advance(context, ref, at, note, lambda unit, step: _followup(unit, step, kind))


def add_note(context: Context, ref: str, text: str, at: GivenTime | None = None) -> Progress:
    """Add a note to a ticket (entry point)."""
    return _advance(context, ref, at, text, _note)


def find(unit: UnitOfWork, ref: str) -> TicketRow:
    row = unit.session.scalars(
        select(TicketRow).where(TicketRow.ref == ref.strip().upper()).with_for_update()
    ).one_or_none()
    if row is None:
        raise NotFound(_("unknown ticket {ticket!r}").format(ticket=ref))
    return row


def for_action(unit: UnitOfWork, ref: str, action: str) -> TicketRow:
    """A ticket another command acts for (a spare reserved, a part swapped): it must exist and allow ``action``."""
    row = find(unit, ref)
    flow.move(row.ref, _state(row), action)
    return row


def record_swap(unit: UnitOfWork, row: TicketRow, device_id: int, text: str, when: datetime) -> None:
    """A swap done for the ticket: an event on it, and its device on the ticket if it was not yet."""
    linked = unit.session.get(TicketDeviceRow, (row.id, device_id))
    if linked is None:
        unit.session.add(TicketDeviceRow(ticket_id=row.id, device_id=device_id))
    unit.session.add(
        TicketEventRow(
            ticket_id=row.id,
            at=when,
            actor=unit.actor,
            kind=TicketStep.SWAP.value,
            state_from=row.state,
            state_to=row.state,
            reason=None,
            note=text,
        )
    )


def _state(row: TicketRow) -> TicketState:
    return TicketState(row.state)


def _pauses(unit: UnitOfWork, row: TicketRow) -> list[TicketPauseRow]:
    return list(
        unit.session.scalars(
            select(TicketPauseRow).where(TicketPauseRow.ticket_id == row.id).order_by(TicketPauseRow.started_at)
        )
    )


def clock_of(row: TicketRow, pauses: Sequence[TicketPauseRow]) -> Clock:
    return ticket_clock(
        row.sla_hours,
        _utc(row.started_at),
        _utc(row.restored_at),
        [(as_datetime(p.started_at), _utc(p.ended_at)) for p in pauses],
    )


def _utc(value: datetime | None) -> datetime | None:
    return as_datetime(value) if value is not None else None


def _refresh_sla(unit: UnitOfWork, row: TicketRow, now: datetime) -> None:
    """Store what :func:`dcmaint.domain.sla.measure` says at the step's time in the ticket's SLA columns: the due
    time (what ``--breaching-within`` scans), the pause state, the handling time so far (final once restored,
    frozen while paused: what ``--breached`` compares for a paused clock) and, once restored, the outcome the
    KPIs count.

    Every pause ends at a later step than it started, so at a step's time the pause time measured is that
    of the closed pauses, and a running clock's due time does not depend on the moment it is measured.
    """
    pauses = _pauses(unit, row)
    reading = measure(clock_of(row, pauses), now)
    row.sla_due_at = reading.due_at
    row.paused_seconds = reading.paused.total_seconds()
    open_pause = next((p for p in pauses if p.ended_at is None), None)
    row.paused_since = open_pause.started_at if open_pause else None
    if row.started_at is not None:
        row.sla_elapsed_seconds = reading.elapsed.total_seconds()
    if row.restored_at is not None:
        row.sla_met = reading.state is SlaState.MET


def _last_event_at(unit: UnitOfWork, row: TicketRow) -> datetime:
    last = unit.session.scalars(
        select(TicketEventRow.at).where(TicketEventRow.ticket_id == row.id).order_by(TicketEventRow.at.desc())
    ).first()
    return as_datetime(last) if last is not None else as_datetime(row.reported_at)


def _when(unit: UnitOfWork, row: TicketRow, at: GivenTime | None) -> datetime:
    """The step's time: now, or a time given with --at that follows the ticket's history and is not ahead."""
    now = utcnow()
    if at is None:
        return now
    site = unit.session.get(SiteRow, row.site_id)
    assert site is not None
    return at.checked(site.timezone, now, _last_event_at(unit, row), _("the ticket's last step"))


#: An audit action is at most 16 characters (``audit_log.action``): the steps whose own word is longer.
AUDIT_ACTIONS = {TicketStep.RETURN_TO_FACTORY: "to-factory"}


def _event(
    unit: UnitOfWork,
    row: TicketRow,
    kind: TicketStep,
    when: datetime,
    before: str,
    reason: str | None = None,
    note: str | None = None,
    audited: dict[str, object] | None = None,
) -> None:
    """The step's event and its audit entry; ``audited`` adds what the contract is judged by and the entry
    must hold for ``db check`` to compare with the row (:mod:`dcmaint.store.crosscheck`)."""
    unit.session.add(
        TicketEventRow(
            ticket_id=row.id,
            at=when,
            actor=unit.actor,
            kind=kind.value,
            state_from=before,
            state_to=row.state,
            reason=reason,
            note=note,
        )
    )
    unit.record(
        ENTITY,
        row.ref,
        AUDIT_ACTIONS.get(kind, kind.value),
        {"state": before},
        {
            "state": row.state,
            "at": when.isoformat(),
            **({"reason": reason} if reason else {}),
            **({"note": note} if note else {}),
            **(audited or {}),
        },
    )


def _text(value: str | None, what: str, limit: int) -> str | None:
    return optional_text(value, what, limit)


def new(unit: UnitOfWork, draft: TicketDraft, now: datetime | None = None) -> str:
    """Log a ticket; its reference is ``T-YEAR-NUMBER``."""
    now = now or utcnow()
    site = sites.find(unit, draft.site)
    source = enum_value(Source, draft.source, _("source")).value
    severity = enum_value(Severity, draft.severity, _("severity")).value
    description = optional_free_text(draft.description, _("description"))
    if description is None:
        raise UsageError(_("a ticket needs a description of the fault"))
    reported = (draft.reported_at or now).astimezone(UTC)  # SQLite keeps what it is given: store UTC
    if reported > now + FUTURE_SLACK:
        raise UsageError(_("--reported {at} is in the future").format(at=reported.isoformat(timespec="minutes")))
    devices = [device_register.find(unit, name, site.name) for name in dict.fromkeys(draft.devices)]
    row = TicketRow(
        ref=f"~{uuid.uuid4().hex[:24]}",
        site_id=site.id,
        source=source,
        caller=_text(draft.caller, _("caller"), 100),
        contact=_text(draft.contact, _("contact"), 200),
        description=description,
        severity=severity,
        state=TicketState.LOGGED.value,
        reported_at=reported,
        created_at=now,
        sla_hours=site.sla_restore_hours,
        paused_seconds=0.0,
        fault_id=draft.fault_id,
    )
    unit.session.add(row)
    unit.session.flush()
    row.ref = flow.ticket_ref(reported.astimezone(ZoneInfo(site.timezone)).year, row.id)
    for device in devices:
        unit.session.add(TicketDeviceRow(ticket_id=row.id, device_id=device.id))
    unit.session.add(
        TicketEventRow(
            ticket_id=row.id,
            at=reported,
            actor=unit.actor,
            kind=TicketStep.LOGGED.value,
            state_from=None,
            state_to=row.state,
            reason=source,
            note=None,
        )
    )
    unit.record(
        ENTITY,
        row.ref,
        "new",
        None,
        {
            "site": site.name,
            "source": source,
            "severity": severity,
            "devices": [d.name for d in devices],
            "caller": row.caller,
            "reported_at": reported.isoformat(),
            "fault_id": draft.fault_id,
            "sla_hours": row.sla_hours,
        },
    )
    return row.ref


def _assign(unit: UnitOfWork, step: Step, engineer: str) -> None:
    row = find(unit, step.ref)
    before = row.state
    target = flow.move(row.ref, _state(row), TicketStep.ASSIGN)
    person = staff_register.find(unit, engineer)
    if not person.active:
        raise UsageError(_("{name} is inactive: assign the ticket to someone on the team").format(name=person.name))
    when = _when(unit, row, step.at)
    row.assignee_id = person.id
    row.state = (TicketState.ASSIGNED if target is TicketState.LOGGED else target).value
    _event(unit, row, TicketStep.ASSIGN, when, before, reason=person.name, note=step.note)


def _start(unit: UnitOfWork, step: Step, handling: str) -> None:
    """Handling starts, remotely or on site: the SLA clock runs from here."""
    row = find(unit, step.ref)
    before = row.state
    row.state = flow.move(row.ref, _state(row), TicketStep.START).value
    when = _when(unit, row, step.at)
    row.handling = enum_value(Handling, handling, _("handling")).value
    row.started_at = when
    _refresh_sla(unit, row, when)
    _event(unit, row, TicketStep.START, when, before, reason=row.handling, note=step.note)


def _escalate(unit: UnitOfWork, step: Step) -> None:
    """Remote work did not restore it: someone goes on site. The clock keeps running."""
    row = find(unit, step.ref)
    flow.move(row.ref, _state(row), TicketStep.ESCALATE)
    if row.handling == Handling.ONSITE.value:
        raise UsageError(_("ticket {ticket} is already handled on site").format(ticket=row.ref))
    reason = optional_free_text(step.note, _("reason"))
    if reason is None:
        raise UsageError(_("say why it goes on site with --reason"))
    when = _when(unit, row, step.at)
    row.handling = Handling.ONSITE.value
    _event(unit, row, TicketStep.ESCALATE, when, row.state, reason=Handling.ONSITE.value, note=reason)


def _pause(unit: UnitOfWork, step: Step, reason: str) -> None:
    row = find(unit, step.ref)
    flow.move(row.ref, _state(row), TicketStep.PAUSE)
    why = enum_value(PauseReason, reason, _("pause reason")).value
    if row.paused_since is not None:
        raise UsageError(_("ticket {ticket} is already paused: resume it first").format(ticket=row.ref))
    when = _when(unit, row, step.at)
    unit.session.add(
        TicketPauseRow(ticket_id=row.id, reason=why, started_at=when, note=optional_free_text(step.note, _("note")))
    )
    unit.session.flush()
    _refresh_sla(unit, row, when)
    _event(unit, row, TicketStep.PAUSE, when, row.state, reason=why, note=step.note)


def _end_pause(unit: UnitOfWork, row: TicketRow, when: datetime) -> bool:
    open_pause = unit.session.scalars(
        select(TicketPauseRow).where(TicketPauseRow.ticket_id == row.id, TicketPauseRow.ended_at.is_(None))
    ).first()
    if open_pause is None:
        return False
    open_pause.ended_at = when
    unit.session.flush()
    return True


def _resume(unit: UnitOfWork, step: Step) -> None:
    row = find(unit, step.ref)
    flow.move(row.ref, _state(row), TicketStep.RESUME)
    when = _when(unit, row, step.at)
    if not _end_pause(unit, row, when):
        raise UsageError(_("ticket {ticket} is not paused").format(ticket=row.ref))
    _refresh_sla(unit, row, when)
    _event(unit, row, TicketStep.RESUME, when, row.state, note=step.note)


def _return_to_factory(unit: UnitOfWork, step: Step) -> None:
    """The unit goes to the vendor for repair (a loaner may stand in): recorded with why and what."""
    row = find(unit, step.ref)
    flow.move(row.ref, _state(row), TicketStep.RETURN_TO_FACTORY)
    reason = optional_free_text(step.note, _("reason"))
    if reason is None:
        raise UsageError(_("say what goes back and why with --reason"))
    when = _when(unit, row, step.at)
    _event(unit, row, TicketStep.RETURN_TO_FACTORY, when, row.state, note=reason)


#: The step inside another command's transaction (``ticket return-to-factory`` opens the RMA with it).
return_to_factory_step = _return_to_factory


def _restore(unit: UnitOfWork, step: Step) -> None:
    """Service is back: the clock stops (an open pause ends here too)."""
    row = find(unit, step.ref)
    before = row.state
    row.state = flow.move(row.ref, _state(row), TicketStep.RESTORE).value
    when = _when(unit, row, step.at)
    _end_pause(unit, row, when)
    row.restored_at = when
    _refresh_sla(unit, row, when)
    _event(
        unit,
        row,
        TicketStep.RESTORE,
        when,
        before,
        reason=(SlaState.MET if row.sla_met else SlaState.BREACHED).value,
        note=step.note,
    )


def _fill(unit: UnitOfWork, step: Step, actions: str, time_spent: timedelta | None) -> None:
    """The maintenance form: what was done and how long it took. Parts in and out come from the swap records."""
    row = find(unit, step.ref)
    before = row.state
    row.state = flow.move(row.ref, _state(row), TicketStep.FILL).value
    text = optional_free_text(actions, _("actions"))
    if text is None:
        raise UsageError(_("say what was done with --actions"))
    when = _when(unit, row, step.at)
    row.actions = text
    row.time_spent_minutes = int(time_spent.total_seconds() // 60) if time_spent is not None else None
    _event(unit, row, TicketStep.FILL, when, before, note=step.note)


def _sign(unit: UnitOfWork, step: Step, by: str, score: int, comment: str | None, signature: bytes | None) -> None:
    row = find(unit, step.ref)
    before = row.state
    row.state = flow.move(row.ref, _state(row), TicketStep.SIGN).value
    signer = _text(by, _("signed by"), 100)
    if signer is None:
        raise UsageError(_("name who signed with --by"))
    flow.check_score(score)
    when = _when(unit, row, step.at)
    row.signed_by, row.signed_at, row.score = signer, when, score
    row.comment = optional_free_text(comment, _("comment"))
    row.signature = signature
    _event(
        unit,
        row,
        TicketStep.SIGN,
        when,
        before,
        reason=str(score),
        note=row.comment,
        audited={"signed_by": signer, "signature_sha256": signature_digest(signature)},
    )


def _verify(unit: UnitOfWork, step: Step, by: str | None) -> None:
    """The maintenance centre has checked the form with the customer: from now on it counts in KPIs.

    Segregation of duties: whoever worked the ticket (its engineer, whoever swapped its parts or filled its
    form) does not verify it.
    """
    row = find(unit, step.ref)
    before = row.state
    target = flow.move(row.ref, _state(row), TicketStep.VERIFY)
    checker = staff_register.find(unit, by).name if by else unit.actor
    if checker in workers(unit, row):
        raise UsageError(
            _("{name} worked on ticket {ticket}: the maintenance centre verifies it, not who did the work").format(
                name=checker, ticket=row.ref
            )
        )
    row.state = target.value
    when = _when(unit, row, step.at)
    row.verified_by, row.verified_at = checker, when
    _event(unit, row, TicketStep.VERIFY, when, before, reason=checker, note=step.note)


def _close(unit: UnitOfWork, step: Step) -> None:
    row = find(unit, step.ref)
    before = row.state
    row.state = flow.move(row.ref, _state(row), TicketStep.CLOSE).value
    when = _when(unit, row, step.at)
    row.closed_at = when
    _event(unit, row, TicketStep.CLOSE, when, before, note=step.note)


def _followup(unit: UnitOfWork, step: Step, kind: str) -> None:
    """The desk's later call or visit to the customer; the customer record keeps what they said."""
    followup_in(unit, step.ref, kind, step.note, step.at)


def followup_in(
    unit: UnitOfWork, ref: str, kind: str, note: str | None, at: GivenTime | None
) -> tuple[TicketRow, datetime]:
    """The desk's follow-up inside the caller's transaction (``ticket followup``, and ``visit log --ticket`` with
    its visit): the ticket's event; the ticket and the follow-up's time."""
    row = find(unit, ref)
    flow.move(row.ref, _state(row), TicketStep.FOLLOWUP)
    kind = enum_value(FollowupKind, kind, _("follow-up")).value
    text = optional_free_text(note, _("note"))
    if text is None:
        raise UsageError(_("say what the customer said with --note"))
    when = _when(unit, row, at)
    _event(unit, row, TicketStep.FOLLOWUP, when, row.state, reason=kind, note=text)
    return row, when


def _note(unit: UnitOfWork, step: Step) -> None:
    row = find(unit, step.ref)
    text = optional_free_text(step.note, _("note"))
    if text is None:
        raise UsageError(_("the note is empty"))
    _event(unit, row, TicketStep.NOTE, _when(unit, row, step.at), row.state, note=text)


def workers(unit: UnitOfWork, row: TicketRow) -> set[str]:
    """Who worked the ticket: its engineer, the technicians of its swaps, whoever recorded its swaps or its form."""
    names = {
        *unit.session.scalars(select(SwapRow.technician).where(SwapRow.ticket == row.ref)),
        *unit.session.scalars(
            select(TicketEventRow.actor).where(
                TicketEventRow.ticket_id == row.id,
                TicketEventRow.kind.in_([TicketStep.SWAP.value, TicketStep.FILL.value]),
            )
        ),
    }
    engineer = engineer_name(unit, row.assignee_id)
    return names | {engineer} if engineer else names


def engineer_name(unit: UnitOfWork, staff_id: int | None) -> str | None:
    person = unit.session.get(StaffRow, staff_id) if staff_id is not None else None
    return person.name if person else None
