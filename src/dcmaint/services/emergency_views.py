"""What ``emergency list``, ``due``, ``show`` and ``print`` read, and the plans ``ticket show`` lists.

A plan's next drill is :func:`dcmaint.domain.emergency.drill_due` of its last
drill (or its adoption) and its own ``drill_every``; a retired plan has none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from dcmaint.domain import emergency
from dcmaint.domain.emergency import DrillLine, DrillState, PlanDetail, PlanLine, PlanState, TicketPlan
from dcmaint.domain.inspections import System
from dcmaint.domain.preventive import interval, state
from dcmaint.errors import NotFound
from dcmaint.i18n import _, language
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned, site_zones
from dcmaint.store import emergency_queries
from dcmaint.store.emergency_queries import PlanRow
from dcmaint.store.reader import Reader

if TYPE_CHECKING:
    from dcmaint.forms.content import Sheet

ROOM = System.ROOM.value


@dataclass(frozen=True)
class PlanFilter:
    site: str | None = None
    system: str | None = None
    retired: bool = False  # retired plans too
    due_within: timedelta | None = None  # only plans whose drill is due within this time, and overdue ones


def _title(row: PlanRow) -> str:
    return emergency.words_from(json.loads(row.content)["title"]).said(language())


def _due(row: PlanRow, now: datetime, within: timedelta) -> tuple[datetime | None, str | None]:
    if row.state != PlanState.ACTIVE.value:
        return None, None
    due = emergency.drill_due(row.created_at, row.last_drill, interval(row.drill_every, "drill_every"))
    return due, state(due, now, within).value


def _line(row: PlanRow, now: datetime, within: timedelta) -> PlanLine:
    due, state = _due(row, now, within)
    return PlanLine(
        f"{row.site}/{row.name}",
        row.site,
        row.system,
        _title(row),
        row.state,
        row.version,
        row.drill_every,
        row.last_drill,
        row.last_result,
        due,
        state,
    )


def _known_site(reader: Reader, site: str | None) -> None:
    if site is not None and reader.one("SELECT id FROM sites WHERE name = :name", {"name": site}) is None:
        raise NotFound(_("unknown site {name!r}").format(name=site))


def plan_lines(reader: Reader, where: PlanFilter, now: datetime) -> list[PlanLine]:
    """The plans ``where`` selects; with ``due_within``, soonest drill first."""
    _known_site(reader, where.site)
    systems = (where.system,) if where.system is not None else None
    within = where.due_within if where.due_within is not None else timedelta(0)
    lines = [
        _line(row, now, within)
        for row in emergency_queries.plans(reader, site=where.site, systems=systems, retired=where.retired)
    ]
    if where.due_within is not None:
        lines = [line for line in lines if line.drill_state in (DrillState.OVERDUE.value, DrillState.DUE.value)]
        lines.sort(key=lambda line: (line.drill_due or now, line.plan))
    return lines


def listing(context: Context, where: PlanFilter) -> Zoned[list[PlanLine]]:
    """The plans ``where`` selects, with the sites' time zones (entry point)."""
    with context.read() as reader:
        return Zoned(plan_lines(reader, where, datetime.now(UTC)), site_zones(reader))


def _row(reader: Reader, ref: str) -> PlanRow:
    site, name = emergency.plan_key(ref, "PLAN")
    _known_site(reader, site)
    found = emergency_queries.plans(reader, site=site, name=name, retired=True)
    if not found:
        raise NotFound(_("unknown emergency plan {value!r}").format(value=ref))
    return found[0]


def _detail(reader: Reader, ref: str, version: int | None, now: datetime) -> PlanDetail:
    row = _row(reader, ref)
    content = row.content
    if version is not None and version != row.version:
        stored = emergency_queries.version(reader, row.id, version)
        if stored is None:
            raise NotFound(
                _("{plan} has no version {version} (versions 1 to {last})").format(
                    plan=ref, version=version, last=row.version
                )
            )
        content = stored[0]
    due, state = _due(row, now, timedelta(0))
    drills = tuple(
        DrillLine(f"{d.site}/{d.name}", d.site, d.version, d.drilled_at, d.result, d.by, d.note)
        for d in emergency_queries.drills(reader, row.id)
    )
    return PlanDetail(
        f"{row.site}/{row.name}",
        row.site,
        row.customer,
        row.timezone,
        row.system,
        row.state,
        version or row.version,
        emergency_queries.versions(reader, row.id),
        row.created_at,
        row.updated_at,
        row.retired_at,
        row.retired_reason,
        due,
        state,
        json.loads(content),
        drills,
    )


def detail(context: Context, ref: str, version: int | None = None) -> PlanDetail:
    """One plan in full, the version in force or ``version`` (entry point)."""
    with context.read() as reader:
        return _detail(reader, ref, version, datetime.now(UTC))


def sheet(context: Context, ref: str, lang: str, version: int | None = None) -> Sheet:
    """The plan as a printable document worded in ``lang`` (entry point)."""
    from dcmaint.forms.emergency_plan import build

    return build(detail(context, ref, version), lang)


def for_ticket(reader: Reader, site: str, kinds: tuple[str, ...]) -> tuple[TicketPlan, ...]:
    """The active plans at ``site`` for the systems of a ticket's devices (``kinds``); a ticket on no device is
    about the room, and gets the room's plans."""
    systems = tuple(sorted(set(kinds))) if kinds else (ROOM,)
    return tuple(
        TicketPlan(f"{row.site}/{row.name}", row.system, _title(row), row.last_drill, row.last_result)
        for row in emergency_queries.plans(reader, site=site, systems=systems)
    )
