"""Duty rosters as files: iCalendar for engineers' phones and a site's shared calendar, and the holiday
roster as the customer's document (pdf/html/md through :mod:`dcmaint.forms`).

The iCalendar file is written by the ``icalendar`` library (imported here,
lazily), never by hand: one event per shift, overrides applied, and one
all-day event per holiday duty day. UIDs are stable, so importing the file
again updates the events instead of duplicating them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dcmaint.domain import parse
from dcmaint.domain.holiday_roster import HolidayDuty
from dcmaint.domain.rosters import HOLIDAY_PREFIX, Shift, roster_shifts
from dcmaint.errors import NotFound, UsageError
from dcmaint.forms.content import Sheet
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.holiday_rosters import HolidayChoice, roster
from dcmaint.store import roster_queries as q
from dcmaint.store.reader import Rows

MOST_EXPORT = timedelta(days=400)
PRODID = "-//dcmaint//duty roster//EN"


@dataclass(frozen=True)
class HolidayDay:
    site: str
    duty: HolidayDuty


def _holiday_days(rows: Rows, site: str | None, first: date, last: date) -> list[HolidayDay]:
    sql = (
        "SELECT s.name AS site, d.day, p.name AS primary_name, q.name AS secondary_name FROM holiday_duties d "
        "JOIN holiday_rosters h ON h.id = d.roster_id JOIN sites s ON s.id = h.site_id "
        "JOIN staff p ON p.id = d.primary_id LEFT JOIN staff q ON q.id = d.secondary_id"
        + (" WHERE s.name = :site" if site else "")
    )
    out = []
    for row in rows.rows(sql, {"site": site} if site else {}):
        day = q.day(row["day"])
        if first <= day <= last:
            out.append(HolidayDay(row["site"], HolidayDuty(day, row["primary_name"], row["secondary_name"])))
    return sorted(out, key=lambda item: (item.duty.day, item.site))


def ical(
    context: Context,
    site: str | None,
    engineer: str | None,
    start: str,
    end: str,
) -> bytes:
    """The shifts and holiday duty days of one site or one engineer over ``[start, end)`` (entry point)."""
    if (site is None) == (engineer is None):
        raise UsageError(_("give either --site or --engineer"))
    with context.read() as reader:
        zones = q.site_zones(reader, site)
        if site is not None and not zones:
            raise NotFound(_("unknown site {name!r}").format(name=site))
        phones = q.phones(reader)
        if engineer is not None and engineer not in phones:
            raise NotFound(_("unknown staff member {name!r}").format(name=engineer))
        zone = zones[site] if site is not None else "UTC"
        lo = parse.site_datetime(start, "--from", zone)
        hi = parse.site_datetime(end, "--to", zone)
        if hi <= lo:
            raise UsageError(_("the range ends ({end}) before it starts ({start})").format(end=end, start=start))
        if hi - lo > MOST_EXPORT:
            raise UsageError(_("the range is longer than {days} days").format(days=MOST_EXPORT.days))
        shifts = roster_shifts(
            q.rotations(reader, site), q.overrides(reader, site, lo, hi), lo, hi, q.holiday_shifts(reader, site, lo, hi)
        )
        # Holiday duty days are all-day events of their own (below), whoever covers part of one.
        shifts = [s for s in shifts if not s.rotation.startswith(HOLIDAY_PREFIX) or s.covering is not None]
        days = _holiday_days(reader, site, lo.date(), (hi - timedelta(seconds=1)).date())
    if engineer is not None:
        shifts = [s for s in shifts if s.engineer == engineer]
        days = [d for d in days if engineer in (d.duty.primary, d.duty.secondary)]
    return calendar_bytes(shifts, days, phones, site or engineer or "", engineer)


def calendar_bytes(
    shifts: list[Shift], days: list[HolidayDay], phones: dict[str, str | None], name: str, only: str | None = None
) -> bytes:
    """The iCalendar file of ``shifts`` and holiday ``days`` (only ``only``'s duty days when given)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Duty roster: {name}").format(name=name))
    stamp = datetime.now(UTC).replace(microsecond=0)
    for shift in shifts:
        event = Event()
        event.add("uid", f"{shift.site}.{shift.rotation}.{shift.role.value}.{shift.start:%Y%m%dT%H%M%SZ}@dcmaint")
        event.add("dtstamp", stamp)
        event.add("dtstart", shift.start.astimezone(UTC))
        event.add("dtend", shift.end.astimezone(UTC))
        event.add(
            "summary",
            _("{role} on duty at {site}: {name}").format(
                role=_("primary") if shift.role.value == "primary" else _("secondary"),
                site=shift.site,
                name=shift.engineer,
            ),
        )
        details = [_("phone {phone}").format(phone=phones.get(shift.engineer) or "-")]
        if shift.covering:
            details.append(_("covering {name}").format(name=shift.covering))
        event.add("description", "; ".join(details))
        calendar.add_component(event)
    for item in days:
        for role, who in ((_("primary"), item.duty.primary), (_("secondary"), item.duty.secondary)):
            if who is None or (only is not None and who != only):
                continue
            event = Event()
            event.add("uid", f"{item.site}.holiday.{role}.{item.duty.day:%Y%m%d}@dcmaint")
            event.add("dtstamp", stamp)
            event.add("dtstart", item.duty.day)
            event.add("dtend", item.duty.day + timedelta(days=1))
            event.add(
                "summary", _("Holiday duty at {site} ({role}): {name}").format(site=item.site, role=role, name=who)
            )
            event.add("description", _("phone {phone}").format(phone=phones.get(who) or "-"))
            calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def holiday_sheet(context: Context, site: str, choice: HolidayChoice, lang: str) -> Sheet:
    """The stored holiday roster as the customer's document, worded in ``lang`` (entry point)."""
    from dcmaint.forms.holiday_roster import build

    found = roster(context, site, choice)
    return build(
        lang=lang,
        site=found.site,
        customer=found.customer,
        timezone=found.timezone,
        holiday=found.holiday,
        year=found.year,
        duties=found.duties,
        makeup_days=found.makeup_days,
        phones=found.phones,
        published_at=found.published_at,
        late_reason=found.late_reason,
    )
