"""The site register: a customer's machine room under one contract (reads: :mod:`dcmaint.services.site_views`)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from dcmaint.domain import parse
from dcmaint.domain.records import Site
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.limits import check_text_lengths
from dcmaint.store.models.registers import DeviceRow, SiteRow, site_record
from dcmaint.store.unit import UnitOfWork

ENTITY = "site"
#: What a new site's contract says unless told otherwise (docs/cli.md).
DEFAULT_SLA_HOURS = 12
DEFAULT_DEPOT_DAYS = 15
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_CALENDAR = "cn"


@dataclass(frozen=True)
class SiteChanges:
    """Fields to set on edit; None leaves a field as it is."""

    customer: str | None = None
    address: str | None = None
    contract_no: str | None = None
    signed_on: date | None = None
    sla_restore_hours: int | None = None
    depot_deadline_days: int | None = None
    timezone: str | None = None
    calendar: str | None = None

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def find(unit: UnitOfWork, name: str) -> SiteRow:
    row = unit.session.scalars(select(SiteRow).where(SiteRow.name == name)).one_or_none()
    if row is None:
        raise NotFound(_("unknown site {name!r}").format(name=name))
    return row


def local_time(unit: UnitOfWork, name: str, text: str, what: str) -> datetime:
    """A date-time a person gave as ``YYYY-MM-DD[THH:MM]`` in the site's own zone, as UTC."""
    return parse.site_datetime(text, what, find(unit, name).timezone)


def new_site(name: str, details: SiteChanges) -> Site:
    """The site a registration describes, with the contract defaults for what it leaves out."""
    customer = (details.customer or "").strip()
    if not customer:
        raise UsageError(_("a site needs its customer (--customer)"))
    return Site(
        name=parse.name(name, _("site")),
        customer=customer,
        address=details.address,
        contract_no=details.contract_no,
        signed_on=details.signed_on,
        sla_restore_hours=details.sla_restore_hours or DEFAULT_SLA_HOURS,
        depot_deadline_days=details.depot_deadline_days or DEFAULT_DEPOT_DAYS,
        timezone=details.timezone or DEFAULT_TIMEZONE,
        calendar=details.calendar or DEFAULT_CALENDAR,
    )


def register(context: Context, name: str, details: SiteChanges) -> Site:
    """Register a site (entry point)."""
    site = new_site(name, details)
    with context.write() as unit:
        return add(unit, site)


def add(unit: UnitOfWork, site: Site) -> Site:
    """Add a site inside the caller's transaction (a bulk load adds many in one)."""
    check_text_lengths(site, SiteRow, site.name)
    if unit.session.scalars(select(SiteRow.id).where(SiteRow.name == site.name)).first() is not None:
        raise Conflict(_("site {name!r} already exists").format(name=site.name))
    row = SiteRow(**site.__dict__)
    unit.session.add(row)
    unit.record(ENTITY, site.name, "add", None, site.as_json())
    return site


def edit(context: Context, name: str, changes: SiteChanges) -> Site:
    """Change the fields ``changes`` gives (entry point)."""
    with context.write() as unit:
        return _edit(unit, name, changes)


def _edit(unit: UnitOfWork, name: str, changes: SiteChanges) -> Site:
    row = find(unit, name)
    before = site_record(row)
    after = replace(before, **changes.given())
    check_text_lengths(after, SiteRow, name)
    for key, value in changes.given().items():
        setattr(row, key, value)
    if after != before:
        unit.record(ENTITY, name, "edit", before.as_json(), after.as_json())
    return after


def remove(context: Context, name: str) -> None:
    """Remove a site that has no devices (entry point)."""
    with context.write() as unit:
        _remove(unit, name)


def _remove(unit: UnitOfWork, name: str) -> None:
    row = find(unit, name)
    in_use = unit.session.scalar(select(func.count()).select_from(DeviceRow).where(DeviceRow.site_id == row.id))
    if in_use:
        raise Conflict(
            _("site {name!r} still has {count} devices: remove or move them first").format(name=name, count=in_use)
        )
    kept = _records_of(unit, row.id)
    if kept:
        raise Conflict(
            _("site {name!r} still has records that keep its history ({kept}): it cannot be removed").format(
                name=name, kept=", ".join(f"{table} {count}" for table, count in kept)
            )
        )
    unit.record(ENTITY, name, "remove", site_record(row).as_json(), None)
    unit.session.delete(row)


def _records_of(unit: UnitOfWork, site_id: int) -> list[tuple[str, int]]:
    """The tables whose rows refer to the site and are not removed with it (every foreign key to ``sites``
    that is not ON DELETE CASCADE), with their counts: tickets, stock, plans, visits... Read from the schema,
    so a table added later is covered without a change here."""
    from dcmaint.store.models.base import Base

    found = []
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name != SiteRow.__tablename__ or (key.ondelete or "").upper() == "CASCADE":
                continue
            count = unit.session.scalar(select(func.count()).select_from(table).where(key.parent == site_id))
            if count:
                found.append((table.name, int(count)))
    return found
