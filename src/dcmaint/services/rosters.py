"""Duty roster changes: rotations, overrides (and swaps), leave. Reads: :mod:`dcmaint.services.roster_views`.

Times a person gives (``--from``, ``--to``) are read in the site's own zone;
days of leave are the engineer's local days. Every change is one transaction
with its audit row; bad input changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from dcmaint.domain import parse
from dcmaint.domain.rosters import Leave, Override, Period, Rotation, swap
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import sites
from dcmaint.services import staff as staff_register
from dcmaint.services.context import Context
from dcmaint.store.models.rosters import LeaveRow, OverrideRow, RotationMemberRow, RotationRow
from dcmaint.store.unit import UnitOfWork

ENTITY = "rotation"


@dataclass(frozen=True)
class RotationDraft:
    """A rotation as typed at the command line."""

    name: str
    site: str
    period: str
    handover: str
    engineers: Sequence[str]
    starts_on: str
    ends_on: str | None = None


def handover_time(text: str) -> time:
    """``HH:MM``, the local time of the hand-over."""
    value = text.strip()
    try:
        if len(value) != 5:
            raise ValueError
        return time.fromisoformat(value)
    except ValueError:
        raise UsageError(_("invalid hand-over time {value!r}: expected HH:MM").format(value=text)) from None


def _engineer(unit: UnitOfWork, name: str) -> int:
    person = staff_register.find(unit, name.strip())
    if not person.active:
        raise UsageError(_("{name} is inactive: roster someone on the team").format(name=person.name))
    return person.id


def add_rotation(context: Context, draft: RotationDraft) -> Rotation:
    """Add a rotation (entry point)."""
    name = parse.name(draft.name, _("rotation"))
    period = parse.enum_value(Period, draft.period, _("period"))
    handover = handover_time(draft.handover)
    engineers = tuple(e.strip() for e in draft.engineers if e.strip())
    if not engineers:
        raise UsageError(_("a rotation needs its engineers (--engineers a,b,c)"))
    repeated = sorted({e for e in engineers if engineers.count(e) > 1})
    if repeated:
        raise UsageError(_("{name} is twice in the rotation").format(name=repeated[0]))
    starts = parse.iso_date(draft.starts_on, "--from")
    ends = parse.iso_date(draft.ends_on, "--to") if draft.ends_on else None
    with context.write() as unit:
        site = sites.find(unit, draft.site.strip())
        ids = [_engineer(unit, e) for e in engineers]
        rotation = Rotation(name, site.name, site.timezone, period, handover, engineers, starts, ends)
        if unit.session.scalars(select(RotationRow.id).where(RotationRow.name == name)).first() is not None:
            raise Conflict(_("rotation {name!r} already exists").format(name=name))
        row = RotationRow(
            name=name,
            site_id=site.id,
            period=period.value,
            handover=handover.strftime("%H:%M"),
            starts_on=starts,
            ends_on=ends,
        )
        unit.session.add(row)
        unit.session.flush()
        for position, staff_id in enumerate(ids):
            unit.session.add(RotationMemberRow(rotation_id=row.id, position=position, staff_id=staff_id))
        unit.record(ENTITY, name, "add", None, rotation_json(rotation))
        return rotation


def rotation_json(rotation: Rotation) -> dict[str, object]:
    return {
        "name": rotation.name,
        "site": rotation.site,
        "period": rotation.period.value,
        "handover": rotation.handover.strftime("%H:%M"),
        "engineers": list(rotation.engineers),
        "starts_on": rotation.starts_on.isoformat(),
        "ends_on": rotation.ends_on.isoformat() if rotation.ends_on else None,
    }


def _range(unit: UnitOfWork, site: str, start: str, end: str) -> tuple[datetime, datetime]:
    lo = sites.local_time(unit, site, start, "--from")
    hi = sites.local_time(unit, site, end, "--to")
    if hi <= lo:
        raise UsageError(_("the range ends ({end}) before it starts ({start})").format(end=end, start=start))
    return lo, hi


def add_override(
    context: Context,
    site: str,
    engineer: str,
    covers: str,
    start: str,
    end: str,
    note: str | None = None,
    swap_back: tuple[str, str] | None = None,
) -> list[Override]:
    """``engineer`` covers ``covers`` at ``site`` for the range; with ``swap_back``, ``covers`` takes that
    range of ``engineer``'s in return (a swap). Entry point."""
    note = optional_free_text(note, _("note"))
    with context.write() as unit:
        row = sites.find(unit, site.strip())
        by, covered = _engineer(unit, engineer), _engineer(unit, covers)
        first = _range(unit, row.name, start, end)
        if swap_back is not None:
            made = list(swap(row.name, covers.strip(), engineer.strip(), first, _range(unit, row.name, *swap_back)))
        else:
            made = [Override(row.name, engineer.strip(), covers.strip(), first[0], first[1], note)]
        ids = {engineer.strip(): by, covers.strip(): covered}
        for item in made:
            unit.session.add(
                OverrideRow(
                    site_id=row.id,
                    staff_id=ids[item.engineer],
                    covers_id=ids[item.covers],
                    starts_at=item.start,
                    ends_at=item.end,
                    note=item.note if swap_back is not None else note,
                )
            )
            unit.record(
                "override",
                f"{row.name}:{item.covers}",
                "add",
                None,
                {
                    "site": row.name,
                    "engineer": item.engineer,
                    "covers": item.covers,
                    "from": item.start.isoformat(),
                    "to": item.end.isoformat(),
                },
            )
        return made


def add_leave(context: Context, engineer: str, first: str, last: str, note: str | None = None) -> Leave:
    """Record an engineer's leave, ``first`` to ``last`` inclusive (entry point)."""
    lo: date = parse.iso_date(first, "--from")
    hi: date = parse.iso_date(last, "--to")
    item = Leave(engineer.strip(), lo, hi, optional_free_text(note, _("note")))
    with context.write() as unit:
        staff_id = _engineer(unit, item.engineer)
        unit.session.add(LeaveRow(staff_id=staff_id, first_day=lo, last_day=hi, note=item.note))
        unit.record(
            "leave",
            item.engineer,
            "add",
            None,
            {"engineer": item.engineer, "from": lo.isoformat(), "to": hi.isoformat()},
        )
        return item


def end_rotation(context: Context, name: str, on: str) -> Rotation:
    """End a rotation: its last turn ends at the hand-over on ``on`` (entry point).

    How a team change is made: end the old rotation on the day the new one starts.
    """
    day = parse.iso_date(on, "--on")
    with context.write() as unit:
        row = unit.session.scalars(select(RotationRow).where(RotationRow.name == name.strip())).one_or_none()
        if row is None:
            raise NotFound(_("unknown rotation {name!r}").format(name=name))
        if day <= row.starts_on:
            raise UsageError(
                _("rotation {name!r} ends on {end} before it starts on {start}").format(
                    name=row.name, end=day.isoformat(), start=row.starts_on.isoformat()
                )
            )
        before = {"ends_on": row.ends_on.isoformat() if row.ends_on else None}
        row.ends_on = day
        unit.record(ENTITY, row.name, "edit", before, {"ends_on": day.isoformat()})
        unit.session.flush()
        from dcmaint.store import roster_queries

        return roster_queries.rotations(unit, name=row.name)[0]
