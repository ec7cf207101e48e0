"""What ``customer show``, ``visit list``, ``visit complaint list`` and ``visit due`` read.

``visit due`` lists three things, each with its due time and state (overdue,
due within the window, the words of ``pm due``):

- a site's next periodic visit (:func:`dcmaint.domain.customers.next_periodic`);
- a closed ticket's follow-up, owed within the customer's follow-up target of
  its closing, until a ``visit log --ticket`` or ``ticket followup`` records
  it (tickets closed more than :data:`~dcmaint.domain.customers.FOLLOWUP_HORIZON`
  ago are no longer chased);
- every open complaint, due within the customer's complaint target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from dcmaint.domain import customers as rules
from dcmaint.domain.customers import (
    ComplaintLine,
    ComplaintState,
    DueLine,
    Plan,
    Preferences,
    ScoreLine,
    Scores,
    VisitDueKind,
    VisitLine,
)
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned, site_zones
from dcmaint.store import customer_queries as q
from dcmaint.store.reader import Reader

#: ``customer show``'s period of scores unless told otherwise: the last year.
DEFAULT_PERIOD = timedelta(days=365)


def _site(reader: Reader, name: str | None) -> q.SiteCustomer | None:
    if name is None:
        return None
    found = q.sites(reader, name)
    if not found:
        raise NotFound(_("unknown site {name!r}").format(name=name))
    return found[0]


def _preferences(site: q.SiteCustomer, profile: q.Profile | None) -> Preferences:
    return Preferences(
        site.name,
        site.customer,
        profile.language if profile else None,
        profile.report_format if profile else None,
        (profile.followup_within if profile else None) or rules.DEFAULT_FOLLOWUP_WITHIN,
        (profile.complaint_within if profile else None) or rules.DEFAULT_COMPLAINT_WITHIN,
        profile.notes if profile else None,
    )


def _visit(row: dict[str, Any]) -> VisitLine:
    return VisitLine(
        row["id"],
        row["site"],
        row["at"],
        row["kind"],
        row["channel"],
        row["by_name"],
        row["contact"],
        row["ticket"],
        row["score"],
        row["complaint"],
        row["note"],
    )


def _complaint(row: dict[str, Any], within: str) -> ComplaintLine:
    open_ = row["state"] == ComplaintState.OPEN.value
    return ComplaintLine(
        row["id"],
        row["site"],
        row["visit_id"],
        row["raised_at"],
        row["text"],
        row["state"],
        rules.complaint_due(row["raised_at"], within) if open_ else None,
        row["resolution"],
        row["resolved_by"],
        row["resolved_at"],
    )


@dataclass(frozen=True)
class VisitFilter:
    site: str | None = None
    ticket: str | None = None
    complaints: bool = False
    since: datetime | None = None
    until: datetime | None = None


def visits(context: Context, where: VisitFilter) -> Zoned[list[VisitLine]]:
    """Visits, oldest first, with the sites' time zones (entry point)."""
    with context.read() as reader:
        site = _site(reader, where.site)
        rows = q.visits(
            reader,
            q.VisitFilter(
                site.id if site else None,
                where.ticket.strip().upper() if where.ticket else None,
                where.complaints,
                where.since,
                where.until,
            ),
        )
        return Zoned([_visit(row) for row in rows], site_zones(reader))


def complaints(context: Context, site: str | None = None, open_only: bool = False) -> Zoned[list[ComplaintLine]]:
    """Complaints, oldest first, with the sites' time zones (entry point)."""
    with context.read() as reader:
        chosen = _site(reader, site)
        targets = _targets(reader)
        rows = q.complaints(reader, chosen.id if chosen else None, open_only)
        return Zoned([_complaint(r, targets[r["site_id"]][1]) for r in rows], site_zones(reader))


def _targets(reader: Reader) -> dict[int, tuple[str, str]]:
    """(follow-up target, complaint target) of every site."""
    profiles = q.profiles(reader)
    return {site.id: _target_pair(profiles.get(site.id)) for site in q.sites(reader)}


def _target_pair(profile: q.Profile | None) -> tuple[str, str]:
    followup = (profile.followup_within if profile else None) or rules.DEFAULT_FOLLOWUP_WITHIN
    complaint = (profile.complaint_within if profile else None) or rules.DEFAULT_COMPLAINT_WITHIN
    return followup, complaint


def due_lines(reader: Reader, site_name: str | None, within: timedelta, now: datetime) -> list[DueLine]:
    """What ``visit due`` lists, soonest due first; only what falls due within ``within`` and what is overdue."""
    site = _site(reader, site_name)
    site_id = site.id if site else None
    names = {s.id: s.name for s in q.sites(reader)}
    targets = _targets(reader)
    lines = []
    for plan in q.plans(reader, site_id):
        due = rules.next_periodic(plan.since, plan.last_visit, plan.every)
        detail = _("every {every}").format(every=plan.every)
        lines.append(DueLine(names[plan.site_id], VisitDueKind.VISIT.value, plan.channel, due, "", detail))
    for owed in q.owed_followups(reader, now - rules.FOLLOWUP_HORIZON, site_id):
        due = rules.followup_due(owed.closed_at, targets[owed.site_id][0])
        detail = _("closed {when}").format(when=owed.closed_at.astimezone(UTC).date().isoformat())
        lines.append(DueLine(names[owed.site_id], VisitDueKind.FOLLOWUP.value, owed.ticket, due, "", detail))
    for row in q.complaints(reader, site_id, open_only=True):
        due = rules.complaint_due(row["raised_at"], targets[row["site_id"]][1])
        lines.append(DueLine(row["site"], VisitDueKind.COMPLAINT.value, str(row["id"]), due, "", row["text"]))
    shown = []
    for line in lines:
        state = rules.due_state(line.due, now, within)
        if state != "scheduled":
            shown.append(DueLine(line.site, line.kind, line.subject, line.due, state, line.detail))
    return sorted(shown, key=lambda line: (line.due, line.site, line.kind, line.subject))


def due(context: Context, site: str | None, within: timedelta) -> Zoned[list[DueLine]]:
    """Periodic visits, follow-ups and complaints due within ``within`` or overdue (entry point)."""
    with context.read() as reader:
        return Zoned(due_lines(reader, site, within, datetime.now(UTC)), site_zones(reader))


@dataclass(frozen=True)
class CustomerRecord:
    """``customer show``: the preferences, contacts, visit plan, scores and open complaints of a site."""

    preferences: Preferences
    contacts: list[rules.Contact]
    plan: Plan | None
    scores: Scores
    recent: list[VisitLine]
    open_complaints: list[ComplaintLine]
    timezone: str

    def as_json(self) -> dict[str, Any]:
        return {
            "preferences": self.preferences.as_json(),
            "contacts": [c.as_json() for c in self.contacts],
            "plan": self.plan.as_json() if self.plan else None,
            "scores": {
                **{k: v for k, v in self.scores.as_json().items() if k != "history"},
                "history": [s.as_json() for s in self.scores.history],
            },
            "recent_visits": [v.as_json() for v in self.recent],
            "open_complaints": [c.as_json() for c in self.open_complaints],
        }


RECENT = 10  # visits ``customer show`` lists


def record(context: Context, site_name: str, since: datetime | None, until: datetime | None) -> CustomerRecord:
    """The customer record of a site, its scores in ``[since, until)`` (default: the last year) (entry point)."""
    now = datetime.now(UTC)
    until = until or now
    since = since or until - DEFAULT_PERIOD
    with context.read() as reader:
        site = _site(reader, site_name)
        assert site is not None
        profile = q.profiles(reader).get(site.id)
        preferences = _preferences(site, profile)
        contacts = [
            rules.Contact(site.name, c["name"], c["role"], c["phone"], c["email"], c["channel"], c["hours"])
            for c in q.contacts(reader, site.id)
        ]
        plans = q.plans(reader, site.id)
        plan = None
        if plans:
            p = plans[0]
            plan = Plan(
                site.name,
                p.every,
                p.channel,
                p.since,
                p.last_visit,
                rules.next_periodic(p.since, p.last_visit, p.every),
            )
        all_visits = [_visit(r) for r in q.visits(reader, q.VisitFilter(site.id))]
        scored = [
            ScoreLine(v.site, v.at, v.score, v.ticket, v.by, v.channel) for v in all_visits if v.score is not None
        ]
        open_rows = q.complaints(reader, site.id, open_only=True)
        return CustomerRecord(
            preferences,
            contacts,
            plan,
            rules.scores(scored, since, until),
            list(reversed(all_visits[-RECENT:])),
            [_complaint(r, preferences.complaint_within) for r in open_rows],
            site.timezone,
        )
