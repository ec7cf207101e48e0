"""The desk's visits: the periodic plan (``visit plan``), a visit or call (``visit log``), a complaint resolved
(``visit complaint resolve``).

Each is one transaction with its audit rows. A visit for a ticket is also the
ticket's follow-up (its ``followup`` event, the step ``ticket followup``
records), so the ticket's history and the customer record tell the same
story. Only the customer desk and the project manager visit: the engineer who
worked a ticket does not survey the customer about it. Reads are in
:mod:`dcmaint.services.visit_views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from dcmaint.domain import customers as rules
from dcmaint.domain.customers import Channel, ComplaintState, VisitKind
from dcmaint.domain.enums import AuditEntity, StaffRole
from dcmaint.domain.parse import GivenTime
from dcmaint.domain.text import identifier, optional_free_text
from dcmaint.domain.tickets import FollowupKind
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import customers, sites, staff, tickets
from dcmaint.services.context import Context
from dcmaint.store.models.base import utcnow
from dcmaint.store.models.customers import ComplaintRow, VisitPlanRow, VisitRow
from dcmaint.store.models.registers import SiteRow, StaffRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

PLAN_ENTITY = AuditEntity.VISIT_PLAN.value
VISIT_ENTITY = AuditEntity.VISIT.value
COMPLAINT_ENTITY = AuditEntity.COMPLAINT.value
#: Who may visit the customer: the desk, and the project manager.
VISITORS = frozenset({StaffRole.DESK.value, StaffRole.PM.value})


@dataclass(frozen=True)
class PlanOrder:
    """What ``visit plan`` was told: the site, every how long, by which channel; ``stop`` ends the plan."""

    site: str
    every: str | None = None
    channel: str | None = None
    stop: bool = False
    since: date | None = None  # the plan runs from this day (the site's midnight), default now


@dataclass(frozen=True)
class VisitOrder:
    """What ``visit log`` was told."""

    site: str
    by: str
    channel: str
    contact: str | None = None
    ticket: str | None = None
    score: int | None = None
    complaint: str | None = None
    note: str | None = None
    at: GivenTime | None = None


@dataclass(frozen=True)
class Logged:
    """A visit recorded: its number, kind, time, and the complaint's number when it raised one."""

    visit: int
    site: str
    kind: str
    at: datetime
    ticket: str | None
    complaint: int | None


def _plan_json(row: VisitPlanRow, site: str) -> dict[str, Any]:
    return {"site": site, "every": row.every, "channel": row.channel, "since": as_datetime(row.since).isoformat()}


def plan(context: Context, order: PlanOrder) -> dict[str, Any] | None:
    """Set a site's periodic visits, or end them with ``stop`` (entry point); the plan now in force."""
    if order.stop == (order.every is not None):
        raise UsageError(_("give either --every or --stop"))
    if order.stop and (order.channel is not None or order.since is not None):
        raise UsageError(_("--channel and --since go with --every, not with --stop"))
    with context.write() as unit:
        site = sites.find(unit, order.site)
        row = unit.session.get(VisitPlanRow, site.id)
        before = _plan_json(row, site.name) if row is not None else None
        if order.stop:
            if row is None:
                raise UsageError(_("site {site} has no visit plan to stop").format(site=site.name))
            unit.session.delete(row)
            unit.record(PLAN_ENTITY, site.name, "stop", before, None)
            return None
        assert order.every is not None
        every = rules.every(order.every, "--every")
        channel = rules.channel(order.channel, "--channel") if order.channel is not None else None
        since = _midnight(order.since, site.timezone) if order.since is not None else None
        if row is None:
            row = VisitPlanRow(site_id=site.id, since=since or utcnow(), channel=channel or Channel.PHONE.value)
            unit.session.add(row)
        elif since is not None:
            row.since = since
        row.every = every
        row.channel = channel or row.channel
        unit.session.flush()
        after = _plan_json(row, site.name)
        unit.record(PLAN_ENTITY, site.name, "set" if before is None else "change", before, after)
        return after


def _midnight(day: date, zone: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def _visitor(unit: UnitOfWork, name: str) -> StaffRow:
    person = staff.find(unit, name)
    if not person.active:
        raise UsageError(_("staff member {name!r} is no longer active").format(name=person.name))
    if person.role not in VISITORS:
        raise UsageError(
            _("{name} is {role}: visits are made by the customer desk or the project manager").format(
                name=person.name, role=person.role
            )
        )
    return person


def _contact(unit: UnitOfWork, site: SiteRow, name: str | None) -> str | None:
    if name is None:
        return None
    name = identifier(name, "--contact")
    known = customers.contact_names(unit, site.id)
    if name not in known:
        choices = ", ".join(known) if known else _("none yet: `dcmaint customer contact add`")
        raise NotFound(
            _("unknown contact {name!r} of site {site} (contacts: {choices})").format(
                name=name, site=site.name, choices=choices
            )
        )
    return name


def log(context: Context, order: VisitOrder) -> Logged:
    """Record a visit or call of the desk, with its score and complaint; for a ticket, also its follow-up
    (entry point)."""
    with context.write() as unit:
        return _log(unit, order)


def _log(unit: UnitOfWork, order: VisitOrder) -> Logged:
    site = sites.find(unit, order.site)
    channel = rules.channel(order.channel, "--channel")
    person = _visitor(unit, order.by)
    contact = _contact(unit, site, order.contact)
    if order.score is not None and not 1 <= order.score <= 5:
        raise UsageError(_("invalid --score {value!r}: expected a whole number from 1 to 5").format(value=order.score))
    complaint = optional_free_text(order.complaint, "--complaint")
    note = optional_free_text(order.note, "--note")
    ticket_id, ticket_ref = None, None
    if order.ticket is not None:
        found = tickets.find(unit, order.ticket)
        if found.site_id != site.id:
            other = unit.session.get(SiteRow, found.site_id)
            raise UsageError(
                _("ticket {ticket} is of site {other}, not {site}").format(
                    ticket=found.ref, other=other.name if other else "?", site=site.name
                )
            )
        kind = FollowupKind.VISIT.value if channel == Channel.ONSITE.value else FollowupKind.CALL.value
        said = note or complaint or _("follow-up visit by {name}").format(name=person.name)
        row, at = tickets.followup_in(unit, found.ref, kind, said, order.at)
        ticket_id, ticket_ref = row.id, row.ref
    else:
        at = order.at.checked(site.timezone, utcnow()) if order.at is not None else utcnow()
    visit = VisitRow(
        site_id=site.id,
        at=at,
        kind=(VisitKind.FOLLOWUP if ticket_id is not None else VisitKind.PERIODIC).value,
        channel=channel,
        staff_id=person.id,
        contact=contact,
        ticket_id=ticket_id,
        score=order.score,
        note=note,
    )
    unit.session.add(visit)
    unit.session.flush()
    raised = None
    if complaint is not None:
        raised = ComplaintRow(
            visit_id=visit.id, site_id=site.id, raised_at=at, text=complaint, state=ComplaintState.OPEN.value
        )
        unit.session.add(raised)
        unit.session.flush()
    after = {
        "site": site.name,
        "at": at.isoformat(),
        "kind": visit.kind,
        "channel": channel,
        "by": person.name,
        "contact": contact,
        "ticket": ticket_ref,
        "score": order.score,
        "complaint": raised.id if raised else None,
        "note": note,
    }
    unit.record(VISIT_ENTITY, str(visit.id), "log", None, after)
    if raised is not None:
        unit.record(COMPLAINT_ENTITY, str(raised.id), "raise", None, _complaint_json(raised, site.name, None))
    return Logged(visit.id, site.name, visit.kind, at, ticket_ref, raised.id if raised else None)


def _complaint_json(row: ComplaintRow, site: str, resolver: str | None) -> dict[str, Any]:
    return {
        "site": site,
        "visit": row.visit_id,
        "raised_at": as_datetime(row.raised_at).isoformat(),
        "text": row.text,
        "state": row.state,
        "resolution": row.resolution,
        "resolved_by": resolver,
        "resolved_at": as_datetime(row.resolved_at).isoformat() if row.resolved_at else None,
    }


def resolve(context: Context, number: int, by: str, resolution: str, at: GivenTime | None = None) -> datetime:
    """Resolve an open complaint: how, by whom, when (entry point); when it was resolved."""
    with context.write() as unit:
        row = unit.session.scalars(select(ComplaintRow).where(ComplaintRow.id == number).with_for_update()).first()
        if row is None:
            raise NotFound(_("unknown complaint {number}").format(number=number))
        site = unit.session.get(SiteRow, row.site_id)
        assert site is not None
        if row.state == ComplaintState.RESOLVED.value:
            resolver = unit.session.get(StaffRow, row.resolved_by_id) if row.resolved_by_id else None
            raise UsageError(
                _("complaint {number} is already resolved (by {name})").format(
                    number=number, name=resolver.name if resolver else "?"
                )
            )
        text = optional_free_text(resolution, "--resolution")
        if text is None:
            raise UsageError(_("say how the complaint was resolved with --resolution"))
        person = staff.find(unit, by)
        if not person.active:
            raise UsageError(_("staff member {name!r} is no longer active").format(name=person.name))
        raised = as_datetime(row.raised_at)
        when = at.checked(site.timezone, utcnow(), raised, _("the complaint")) if at is not None else utcnow()
        if when < raised:  # raised a few minutes ahead (clock drift), resolved now
            raise UsageError(_("complaint {number} was raised later than now").format(number=number))
        before = _complaint_json(row, site.name, None)
        row.state, row.resolution, row.resolved_by_id, row.resolved_at = (
            ComplaintState.RESOLVED.value,
            text,
            person.id,
            when,
        )
        unit.session.flush()
        unit.record(COMPLAINT_ENTITY, str(row.id), "resolve", before, _complaint_json(row, site.name, person.name))
        return when
