"""The customer record's writes: preferences (``customer set``) and contacts (``customer contact add|remove``).

Each is one transaction with its audit row (``customer``, ``contact``). Reads
(``customer show``) are in :mod:`dcmaint.services.customer_views`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select

from dcmaint.domain import customers as rules
from dcmaint.domain import parse
from dcmaint.domain.customers import Contact, ReportFormat, ReportLanguage
from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import sites
from dcmaint.services.context import Context
from dcmaint.store.models.customers import CustomerContactRow, CustomerProfileRow
from dcmaint.store.unit import UnitOfWork

ENTITY = AuditEntity.CUSTOMER.value
CONTACT_ENTITY = AuditEntity.CONTACT.value
#: ``customer set --notes ""``: a value that clears a preference rather than setting it.
CLEAR = ""


@dataclass(frozen=True)
class PreferenceChanges:
    """What ``customer set`` was told; None leaves a preference as it is, :data:`CLEAR` clears it."""

    language: str | None = None
    report_format: str | None = None
    followup_within: str | None = None
    complaint_within: str | None = None
    notes: str | None = None

    def given(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def _checked(name: str, value: str) -> str:
    """A preference as the CLI checked it, checked again for any other caller; :data:`CLEAR` stays."""
    if value == CLEAR:
        return CLEAR
    option = "--" + name.replace("_", "-")
    if name == "language":
        return parse.enum_value(ReportLanguage, value, option).value
    if name == "report_format":
        return parse.enum_value(ReportFormat, value, option).value
    if name in ("followup_within", "complaint_within"):
        return rules.target(value, option)
    return optional_free_text(value, option) or CLEAR


def _profile_json(row: CustomerProfileRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in (f.name for f in fields(PreferenceChanges))}


def set_preferences(context: Context, site: str, changes: PreferenceChanges) -> dict[str, Any]:
    """Set the customer's preferences that ``changes`` gives (entry point); the preferences now stored."""
    given = changes.given()
    if not given:
        raise UsageError(
            _("nothing to set: give --language, --report-format, --followup-within, --complaint-within or --notes")
        )
    with context.write() as unit:
        return _set(unit, site, given)


def _set(unit: UnitOfWork, site_name: str, given: dict[str, str]) -> dict[str, Any]:
    site = sites.find(unit, site_name)
    given = {name: _checked(name, value) for name, value in given.items()}
    row = unit.session.get(CustomerProfileRow, site.id)
    before = _profile_json(row) if row is not None else None
    if row is None:
        row = CustomerProfileRow(site_id=site.id)
        unit.session.add(row)
    for name, value in given.items():
        setattr(row, name, value or None)
    unit.session.flush()
    after = _profile_json(row)
    unit.record(ENTITY, site.name, "set", before, after)
    return after


def _contact_json(row: CustomerContactRow, site: str) -> dict[str, Any]:
    return Contact(site, row.name, row.role, row.phone, row.email, row.channel, row.hours).as_json()


def add_contact(context: Context, given: Contact) -> Contact:
    """Add a person at the customer, checked by :func:`dcmaint.domain.customers.contact` (entry point)."""
    contact = rules.contact(given)
    with context.write() as unit:
        site = sites.find(unit, contact.site)
        taken = select(CustomerContactRow.id).where(
            CustomerContactRow.site_id == site.id, CustomerContactRow.name == contact.name
        )
        if unit.session.scalars(taken).first() is not None:
            raise Conflict(
                _("contact {name!r} of site {site} already exists").format(name=contact.name, site=site.name)
            )
        row = CustomerContactRow(
            site_id=site.id,
            name=contact.name,
            role=contact.role,
            phone=contact.phone,
            email=contact.email,
            channel=contact.channel,
            hours=contact.hours,
        )
        unit.session.add(row)
        unit.session.flush()
        unit.record(CONTACT_ENTITY, f"{site.name}/{contact.name}", "add", None, _contact_json(row, site.name))
    return contact


def remove_contact(context: Context, site_name: str, name: str) -> None:
    """Remove a person at the customer (entry point); the visits that name them keep the name."""
    with context.write() as unit:
        site = sites.find(unit, site_name)
        row = unit.session.scalars(
            select(CustomerContactRow).where(CustomerContactRow.site_id == site.id, CustomerContactRow.name == name)
        ).one_or_none()
        if row is None:
            raise NotFound(_("unknown contact {name!r} of site {site}").format(name=name, site=site.name))
        before = _contact_json(row, site.name)
        unit.session.delete(row)
        unit.record(CONTACT_ENTITY, f"{site.name}/{name}", "remove", before, None)


def contact_names(unit: UnitOfWork, site_id: int) -> list[str]:
    """The names of a site's contacts (what ``visit log --contact`` must name)."""
    return list(
        unit.session.scalars(
            select(CustomerContactRow.name)
            .where(CustomerContactRow.site_id == site_id)
            .order_by(CustomerContactRow.name)
        )
    )
