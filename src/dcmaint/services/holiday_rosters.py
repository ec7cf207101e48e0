"""The holiday duty roster of a site: generated fairly, stored, and published to the customer on time.

The contract (clause 10 and the delivery rules) wants the holiday duty roster
with the customer at least one week before the holiday's first day. ``publish``
records when it went and refuses a later time unless a reason is recorded
with it. The days come from :mod:`dcmaint.services.holiday_calendar`; the
roster itself is :func:`dcmaint.domain.holiday_roster.generate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from dcmaint.domain import parse
from dcmaint.domain.holiday_roster import (
    HolidayDuty,
    HolidayPeriod,
    generate,
    holiday_named,
    late,
    publish_deadline,
)
from dcmaint.domain.records import Record
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import Conflict, DcmaintError, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import sites
from dcmaint.services import staff as staff_register
from dcmaint.services.context import Context
from dcmaint.services.holiday_calendar import holiday_period, range_period
from dcmaint.store import roster_queries as q
from dcmaint.store.models.registers import SiteRow
from dcmaint.store.models.rosters import HolidayDutyRow, HolidayRosterRow
from dcmaint.store.reader import Rows, as_datetime
from dcmaint.store.unit import UnitOfWork

ENTITY = "holiday roster"
DEFAULT_MOST_RUNNING = 3
MOST_RUNNING = 31


@dataclass(frozen=True)
class HolidayChoice:
    """Which holiday, as typed: ``--holiday NAME --year Y``, or ``--from --to`` for any range of days."""

    holiday: str | None = None
    year: int | None = None
    first: str | None = None
    last: str | None = None


@dataclass(frozen=True)
class HolidayRoster(Record):
    """A site's stored holiday duty roster, with phone numbers from the staff register."""

    site: str
    customer: str
    timezone: str
    holiday: str
    year: int
    first_day: date
    last_day: date
    makeup_days: tuple[date, ...]
    duties: tuple[HolidayDuty, ...]
    phones: dict[str, str | None]
    publish_by: datetime
    published_at: datetime | None
    late_reason: str | None

    def as_json(self) -> dict[str, Any]:
        zone = ZoneInfo(self.timezone)
        return {
            "site": self.site,
            "holiday": self.holiday,
            "year": self.year,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "makeup_days": [d.isoformat() for d in self.makeup_days],
            "duties": [
                {
                    "day": d.day.isoformat(),
                    "primary": d.primary,
                    "primary_phone": self.phones.get(d.primary),
                    "secondary": d.secondary,
                    "secondary_phone": self.phones.get(d.secondary) if d.secondary else None,
                }
                for d in self.duties
            ],
            "publish_by": self.publish_by.astimezone(zone).isoformat(timespec="minutes"),
            "published_at": self.published_at.astimezone(zone).isoformat(timespec="minutes")
            if self.published_at
            else None,
            "late_reason": self.late_reason,
        }


def _period(calendar: str, choice: HolidayChoice) -> HolidayPeriod:
    if choice.holiday is not None:
        if choice.first is not None or choice.last is not None:
            raise UsageError(_("give either --holiday and --year or --from and --to, not both"))
        if choice.year is None:
            raise UsageError(_("--holiday needs --year"))
        return holiday_period(calendar, holiday_named(choice.holiday), choice.year)
    if choice.first is None or choice.last is None:
        raise UsageError(_("give --holiday NAME --year Y, or --from and --to"))
    return range_period(calendar, parse.iso_date(choice.first, "--from"), parse.iso_date(choice.last, "--to"))


def _key(choice: HolidayChoice) -> tuple[str, int]:
    """The stored key of a holiday roster (without reading any calendar)."""
    if choice.holiday is not None:
        if choice.year is None:
            raise UsageError(_("--holiday needs --year"))
        return holiday_named(choice.holiday).value, choice.year
    if choice.first is None:
        raise UsageError(_("give --holiday NAME --year Y, or --from and --to"))
    first = parse.iso_date(choice.first, "--from")
    return f"custom-{first.isoformat()}", first.year


def _first_instant(first_day: date, zone: str) -> datetime:
    return datetime.combine(first_day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _team(rows: Rows, site: str, given: Sequence[str] | None, first_day: date) -> tuple[str, ...]:
    """The engineers given, or those of the site's rotations running on the holiday's first day."""
    if given:
        return tuple(dict.fromkeys(name.strip() for name in given if name.strip()))
    names: list[str] = []
    for rotation in q.rotations(rows, site):
        if rotation.starts_on <= first_day and (rotation.ends_on is None or first_day < rotation.ends_on):
            names += rotation.engineers
    team = tuple(dict.fromkeys(names))
    if not team:
        raise UsageError(
            _("site {site} has no rotation running on {date}: give the team with --team").format(
                site=site, date=first_day.isoformat()
            )
        )
    return team


def make(
    context: Context,
    site: str,
    choice: HolidayChoice,
    team: Sequence[str] | None = None,
    most_running: int = DEFAULT_MOST_RUNNING,
) -> HolidayRoster:
    """Generate (or generate again, until published) the holiday duty roster of ``site`` (entry point)."""
    if not 1 <= most_running <= MOST_RUNNING:
        raise UsageError(
            _("invalid {what} {value!r}: expected a whole number from {least} to {most}").format(
                what="--most-running", value=str(most_running), least=1, most=MOST_RUNNING
            )
        )
    with context.write() as unit:
        row = sites.find(unit, site.strip())
        period = _period(row.calendar, choice)
        people = _team(unit, row.name, team, period.first_day)
        for name in people:
            person = staff_register.find(unit, name)
            if not person.active:
                raise UsageError(_("{name} is inactive: roster someone on the team").format(name=person.name))
        away: dict[str, list[date]] = {}
        for item in q.leave(unit, period.first_day, period.last_day):
            day = item.first
            while day <= item.last:
                away.setdefault(item.engineer, []).append(day)
                day += timedelta(days=1)
        already = q.holiday_duty_counts(unit, row.name, period.year, period.name)
        duties = generate(period.days_off, people, already, away, most_running)
        return _roster(unit, _store(unit, row, period, duties, most_running))


def _store(
    unit: UnitOfWork, site: SiteRow, period: HolidayPeriod, duties: Sequence[HolidayDuty], most_running: int
) -> int:
    """Store the roster (replacing an unpublished one of the same holiday); its id."""
    existing = unit.session.scalars(
        select(HolidayRosterRow).where(
            HolidayRosterRow.site_id == site.id,
            HolidayRosterRow.holiday == period.name,
            HolidayRosterRow.year == period.year,
        )
    ).one_or_none()
    if existing is not None and existing.published_at is not None:
        raise Conflict(
            _("the {holiday} {year} roster of {site} was published already: it stays as the customer has it").format(
                holiday=period.name, year=period.year, site=site.name
            )
        )
    if existing is not None:
        unit.session.execute(delete(HolidayDutyRow).where(HolidayDutyRow.roster_id == existing.id))
        row = existing
        row.first_day, row.last_day = period.first_day, period.last_day
    else:
        row = HolidayRosterRow(
            site_id=site.id, holiday=period.name, year=period.year, first_day=period.first_day, last_day=period.last_day
        )
        unit.session.add(row)
    row.makeup_days = ",".join(d.isoformat() for d in period.makeup_workdays)
    row.most_running = most_running
    unit.session.flush()
    ids = {name: staff_register.find(unit, name).id for d in duties for name in (d.primary, d.secondary) if name}
    for duty in duties:
        unit.session.add(
            HolidayDutyRow(
                roster_id=row.id,
                day=duty.day,
                primary_id=ids[duty.primary],
                secondary_id=ids[duty.secondary] if duty.secondary else None,
            )
        )
    unit.record(
        ENTITY,
        f"{site.name}:{period.name}:{period.year}",
        "edit" if existing is not None else "add",
        None,
        {"days": [[d.day.isoformat(), d.primary, d.secondary] for d in duties]},
    )
    return row.id


def _roster(rows: Rows, roster_id: int) -> HolidayRoster:
    found = rows.rows(
        "SELECT h.id, s.name AS site, s.customer, s.timezone, h.holiday, h.year, h.first_day, h.last_day, "
        "h.makeup_days, h.published_at, h.late_reason FROM holiday_rosters h JOIN sites s ON s.id = h.site_id "
        "WHERE h.id = :id",
        {"id": roster_id},
    )[0]
    first = q.day(found["first_day"])
    zone = found["timezone"]

    return HolidayRoster(
        found["site"],
        found["customer"],
        zone,
        found["holiday"],
        found["year"],
        first,
        q.day(found["last_day"]),
        tuple(date.fromisoformat(d) for d in found["makeup_days"].split(",") if d),
        tuple(q.holiday_duties(rows, roster_id)),
        q.phones(rows),
        publish_deadline(_first_instant(first, zone)),
        as_datetime(found["published_at"]) if found["published_at"] is not None else None,
        found["late_reason"],
    )


def _find(rows: Rows, site: str, choice: HolidayChoice) -> int:
    holiday, year = _key(choice)
    found = rows.rows(
        "SELECT h.id FROM holiday_rosters h JOIN sites s ON s.id = h.site_id "
        "WHERE s.name = :site AND h.holiday = :holiday AND h.year = :year",
        {"site": site, "holiday": holiday, "year": year},
    )
    if not found:
        raise NotFound(
            _("no {holiday} {year} roster for {site}: make it with `dcmaint roster holiday`").format(
                holiday=holiday, year=year, site=site
            )
        )
    roster_id: int = found[0]["id"]
    return roster_id


def roster(context: Context, site: str, choice: HolidayChoice) -> HolidayRoster:
    """A stored holiday roster (entry point)."""
    with context.read() as reader:
        if not q.site_zones(reader, site):
            raise NotFound(_("unknown site {name!r}").format(name=site))
        return _roster(reader, _find(reader, site, choice))


class TooLate(DcmaintError):
    """The roster would reach the customer less than a week before the holiday, and no reason was given."""


def publish(
    context: Context,
    site: str,
    choice: HolidayChoice,
    at: parse.GivenTime | None = None,
    late_reason: str | None = None,
    now: datetime | None = None,
) -> HolidayRoster:
    """Record when the roster went to the customer (entry point).

    Exactly seven days before the holiday's first day (00:00 at the site) is
    on time; any later is refused unless ``late_reason`` is given, and then
    the reason is recorded with it.
    """
    now = now or datetime.now(UTC)
    reason = optional_free_text(late_reason, "--late-reason")
    with context.write() as unit:
        row = sites.find(unit, site.strip())
        roster_id = _find(unit, row.name, choice)
        stored = unit.session.get(HolidayRosterRow, roster_id)
        assert stored is not None
        sent = at.checked(row.timezone, now) if at is not None else now
        first = _first_instant(stored.first_day, row.timezone)
        if late(sent, first) and reason is None:
            zone = ZoneInfo(row.timezone)
            raise TooLate(
                _(
                    "too late to publish the {holiday} {year} roster of {site}: it was due with the customer by "
                    "{deadline}, a week before {first}; give --late-reason to record why it goes late"
                ).format(
                    holiday=stored.holiday,
                    year=stored.year,
                    site=row.name,
                    deadline=publish_deadline(first).astimezone(zone).isoformat(timespec="minutes"),
                    first=stored.first_day.isoformat(),
                )
            )
        before = {"published_at": stored.published_at.isoformat() if stored.published_at else None}
        stored.published_at = sent
        stored.late_reason = reason if late(sent, first) else None
        unit.record(
            ENTITY,
            f"{row.name}:{stored.holiday}:{stored.year}",
            "publish",
            before,
            {"published_at": sent.isoformat(), "late_reason": stored.late_reason},
        )
        unit.session.flush()
        return _roster(unit, roster_id)
