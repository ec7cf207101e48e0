"""The site register: a customer's machine room under one contract."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

from sqlalchemy import func, select

from dcmaint.domain.records import Site
from dcmaint.errors import Conflict, NotFound
from dcmaint.i18n import _
from dcmaint.store.models.registers import DeviceRow, SiteRow, site_record
from dcmaint.services.limits import check_text_lengths
from dcmaint.store.unit import UnitOfWork

ENTITY = "site"


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

    def given(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def find(unit: UnitOfWork, name: str) -> SiteRow:
    row = unit.session.scalars(select(SiteRow).where(SiteRow.name == name)).one_or_none()
    if row is None:
        raise NotFound(_("unknown site {name!r}").format(name=name))
    return row


def add(unit: UnitOfWork, site: Site) -> Site:
    check_text_lengths(site, SiteRow, site.name)
    if unit.session.scalars(select(SiteRow.id).where(SiteRow.name == site.name)).first() is not None:
        raise Conflict(_("site {name!r} already exists").format(name=site.name))
    row = SiteRow(**site.__dict__)
    unit.session.add(row)
    unit.record(ENTITY, site.name, "add", None, site.as_json())
    return site


def edit(unit: UnitOfWork, name: str, changes: SiteChanges) -> Site:
    row = find(unit, name)
    before = site_record(row)
    after = replace(before, **changes.given())
    check_text_lengths(after, SiteRow, name)
    for key, value in changes.given().items():
        setattr(row, key, value)
    if after != before:
        unit.record(ENTITY, name, "edit", before.as_json(), after.as_json())
    return after


def remove(unit: UnitOfWork, name: str) -> None:
    row = find(unit, name)
    in_use = unit.session.scalar(select(func.count()).select_from(DeviceRow).where(DeviceRow.site_id == row.id))
    if in_use:
        raise Conflict(
            _("site {name!r} still has {count} devices: remove or move them first").format(name=name, count=in_use)
        )
    unit.record(ENTITY, name, "remove", site_record(row).as_json(), None)
    unit.session.delete(row)
