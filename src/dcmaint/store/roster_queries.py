"""Read queries of duty rosters: a site's rotations, overrides and leave as domain records.

They run on a :class:`~dcmaint.store.reader.Reader` or inside a write's unit of
work (``ticket assign`` asks who is on duty in its own transaction). Ranges
are filtered here in Python, not in SQL, so no time parameter depends on how
a backend stores timestamps; a site's overrides and leave are hundreds of rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from dcmaint.domain.holiday_roster import HolidayDuty
from dcmaint.domain.rosters import Leave, Override, Period, Rotation, Shift
from dcmaint.domain.rosters import holiday_shifts as domain_holiday_shifts
from dcmaint.store.reader import Rows, as_date, as_datetime


def day(value: object) -> date:
    """A stored date, whatever form the backend hands it back in."""
    found = as_date(value)
    assert found is not None
    return found


def site_zones(rows: Rows, site: str | None = None) -> dict[str, str]:
    """Site name -> zone, of one site or of every site with a rotation."""
    if site is not None:
        found = rows.rows("SELECT name, timezone FROM sites WHERE name = :name", {"name": site})
    else:
        found = rows.rows(
            "SELECT DISTINCT s.name, s.timezone FROM sites s "
            "JOIN roster_rotations r ON r.site_id = s.id ORDER BY s.name"
        )
    return {row["name"]: row["timezone"] for row in found}


def rotations(rows: Rows, site: str | None = None, name: str | None = None) -> list[Rotation]:
    """Rotations by name, of one site or all; with their engineers in turn order."""
    where, params = [], {}
    if site is not None:
        where.append("s.name = :site")
        params["site"] = site
    if name is not None:
        where.append("r.name = :name")
        params["name"] = name
    sql = (
        "SELECT r.id, r.name, s.name AS site, s.timezone, r.period, r.handover, r.starts_on, r.ends_on "
        "FROM roster_rotations r JOIN sites s ON s.id = r.site_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY r.name"
    )
    found = rows.rows(sql, params)
    if not found:
        return []
    members: dict[int, list[str]] = defaultdict(list)
    for row in rows.rows(
        "SELECT m.rotation_id, st.name FROM roster_members m JOIN staff st ON st.id = m.staff_id "
        "ORDER BY m.rotation_id, m.position"
    ):
        members[row["rotation_id"]].append(row["name"])
    return [
        Rotation(
            row["name"],
            row["site"],
            row["timezone"],
            Period(row["period"]),
            time.fromisoformat(row["handover"]),
            tuple(members[row["id"]]),
            day(row["starts_on"]),
            as_date(row["ends_on"]),
        )
        for row in found
    ]


def overrides(rows: Rows, site: str | None, start: datetime, end: datetime) -> list[Override]:
    """Overrides (of one site or all) overlapping ``[start, end)``, by start."""
    sql = (
        "SELECT s.name AS site, a.name AS engineer, b.name AS covers, o.starts_at, o.ends_at, o.note "
        "FROM roster_overrides o JOIN sites s ON s.id = o.site_id "
        "JOIN staff a ON a.id = o.staff_id JOIN staff b ON b.id = o.covers_id"
        + (" WHERE s.name = :site" if site is not None else "")
    )
    out = []
    for row in rows.rows(sql, {"site": site} if site is not None else {}):
        lo, hi = as_datetime(row["starts_at"]), as_datetime(row["ends_at"])
        if lo < end and start < hi:
            out.append(Override(row["site"], row["engineer"], row["covers"], lo, hi, row["note"]))
    return sorted(out, key=lambda o: (o.start, o.site, o.engineer))


def leave(rows: Rows, first: date, last: date, engineer: str | None = None) -> list[Leave]:
    """Leave overlapping the days ``first`` to ``last``, by engineer and start."""
    sql = "SELECT st.name, l.first_day, l.last_day, l.note FROM staff_leave l JOIN staff st ON st.id = l.staff_id"
    found = rows.rows(sql + (" WHERE st.name = :name" if engineer else ""), {"name": engineer} if engineer else {})
    out = []
    for row in found:
        item = Leave(row["name"], day(row["first_day"]), day(row["last_day"]), row["note"])
        if item.first <= last and first <= item.last:
            out.append(item)
    return sorted(out, key=lambda item: (item.engineer, item.first))


def phones(rows: Rows) -> dict[str, str | None]:
    """Staff name -> phone number, from the staff register."""
    return {row["name"]: row["phone"] for row in rows.rows("SELECT name, phone FROM staff")}


def holiday_duty_counts(rows: Rows, site: str, year: int, leaving_out: str) -> dict[str, int]:
    """Holiday duty days per engineer at ``site`` in ``year``, the holiday ``leaving_out`` not counted."""
    sql = (
        "SELECT p.name AS primary_name, q.name AS secondary_name FROM holiday_duties d "
        "JOIN holiday_rosters h ON h.id = d.roster_id JOIN sites s ON s.id = h.site_id "
        "JOIN staff p ON p.id = d.primary_id LEFT JOIN staff q ON q.id = d.secondary_id "
        "WHERE s.name = :site AND h.year = :year AND h.holiday <> :holiday"
    )
    counts: dict[str, int] = {}
    for row in rows.rows(sql, {"site": site, "year": year, "holiday": leaving_out}):
        for name in (row["primary_name"], row["secondary_name"]):
            if name is not None:
                counts[name] = counts.get(name, 0) + 1
    return counts


def holiday_duties(rows: Rows, roster_id: int) -> list[HolidayDuty]:
    sql = (
        "SELECT d.day, p.name AS primary_name, q.name AS secondary_name FROM holiday_duties d "
        "JOIN staff p ON p.id = d.primary_id LEFT JOIN staff q ON q.id = d.secondary_id "
        "WHERE d.roster_id = :id ORDER BY d.day"
    )
    return [
        HolidayDuty(day(row["day"]), row["primary_name"], row["secondary_name"])
        for row in rows.rows(sql, {"id": roster_id})
    ]


def holiday_shifts(rows: Rows, site: str | None, start: datetime, end: datetime) -> list[Shift]:
    """The days of stored holiday duty rosters (of one site or all) overlapping ``[start, end)``, as shifts."""
    sql = (
        "SELECT s.name AS site, s.timezone, h.holiday, d.day, p.name AS primary_name, q.name AS secondary_name "
        "FROM holiday_duties d JOIN holiday_rosters h ON h.id = d.roster_id JOIN sites s ON s.id = h.site_id "
        "JOIN staff p ON p.id = d.primary_id LEFT JOIN staff q ON q.id = d.secondary_id"
        + (" WHERE s.name = :site" if site is not None else "")
    )
    first, last = (start - timedelta(days=1)).date(), (end + timedelta(days=1)).date()
    out: list[Shift] = []
    for row in rows.rows(sql, {"site": site} if site is not None else {}):
        when = day(row["day"])
        if first <= when <= last:
            found = domain_holiday_shifts(
                row["site"], row["timezone"], row["holiday"], when, row["primary_name"], row["secondary_name"]
            )
            out += [s for s in found if s.start < end and start < s.end]
    return out
