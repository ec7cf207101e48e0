"""Return to factory writes: open, ship, receive, loaner, swap back, close (reads in :mod:`dcmaint.services.rma_views`).

Each command is one transaction, audited; a bad value or an illegal move
(:func:`dcmaint.domain.rma.move`) is refused before anything is written.

- A removed part stays the customer's property: while at the vendor its
  custody reads "at vendor V under RMA N"; on return it is back where it was
  kept, under its new serial when the vendor sent another unit.
- A loaner (for a device) joins the register in the original's place: it
  takes the original's rack position and management settings (driver,
  endpoint, credentials, options), so ``health`` polls it and the installed
  base is the loaner's while the original is away. ``swap-back`` gives them
  back to the original and removes the loaner from the register; its record
  stays with the RMA.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select

from dcmaint.domain import parse
from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.parse import GivenTime
from dcmaint.domain.parts import StockStatus, optional_text
from dcmaint.domain.records import Device
from dcmaint.domain.rma import RmaDetail, RmaState, RmaStep, RmaUnitKind, away_custody, move, rma_ref, target_date
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _, value_label
from dcmaint.services import devices as device_register
from dcmaint.services import sites
from dcmaint.services import tickets as ticket_flow
from dcmaint.services.context import Context
from dcmaint.services.rma_views import detail_of, find_id
from dcmaint.services.tickets import Step
from dcmaint.store.models.archive import ArchiveVersionRow
from dcmaint.store.models.depot import ConsentRow, StockUnitRow, SwapRow
from dcmaint.store.models.health import ComponentRow, DevicePollRow
from dcmaint.store.models.preventive import PmTaskRow
from dcmaint.store.models.registers import DeviceRow, SiteRow, device_record
from dcmaint.store.models.rma import RmaLoanerRow, RmaRow
from dcmaint.store.models.tickets import TicketDeviceRow, TicketRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

ENTITY = AuditEntity.RMA.value
SPARE_ENTITY = AuditEntity.SPARE.value
#: What a loaner takes over from the original while it stands in, and gives back on swap-back.
MANAGEMENT = ("rack", "rack_unit", "driver", "endpoint", "username", "credential", "tls_verify", "ca_file", "options")
CLEARED: dict[str, Any] = {"rack": None, "rack_unit": None, "driver": None, "endpoint": None, "username": None,
                           "credential": None, "tls_verify": True, "ca_file": None, "options": None}  # fmt: skip


@dataclass(frozen=True)
class Opening:
    """What ``rma open`` (or ``ticket return-to-factory``) was told."""

    vendor: str
    device: str | None = None
    part: str | None = None
    site: str | None = None
    number: str | None = None
    ticket: str | None = None
    target: date | None = None
    reason: str | None = None
    at: GivenTime | None = None


@dataclass(frozen=True)
class LoanerUnit:
    """A loaner the vendor (or the maintainer) lent: its serial and model, and its name in the register."""

    serial: str
    model: str
    vendor: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Shipment:
    at: GivenTime | None = None
    carrier: str | None = None
    tracking: str | None = None
    number: str | None = None


def _answer(unit: UnitOfWork, row: RmaRow) -> RmaDetail:
    unit.session.flush()
    return detail_of(unit, row.id, datetime.now(UTC))


def _json(row: RmaRow) -> dict[str, Any]:
    def text(value: datetime | date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "rma": row.ref,
        "number": row.number,
        "vendor": row.vendor,
        "unit_kind": row.unit_kind,
        "serial": row.serial,
        "returned_serial": row.returned_serial,
        "state": row.state,
        "opened_at": text(as_datetime(row.opened_at)),
        "target_date": text(row.target_date),
        "shipped_at": text(as_datetime(row.shipped_at) if row.shipped_at else None),
        "carrier": row.carrier,
        "tracking": row.tracking,
        "received_at": text(as_datetime(row.received_at) if row.received_at else None),
        "closed_at": text(as_datetime(row.closed_at) if row.closed_at else None),
    }


def _find(unit: UnitOfWork, text: str) -> RmaRow:
    rma_id = find_id(unit, text)
    row = unit.session.scalars(select(RmaRow).where(RmaRow.id == rma_id).with_for_update()).one()
    return row


def _live_loaner(unit: UnitOfWork, row: RmaRow) -> RmaLoanerRow | None:
    query = select(RmaLoanerRow).where(RmaLoanerRow.rma_id == row.id, RmaLoanerRow.removed_at.is_(None))
    return unit.session.scalars(query).one_or_none()


def _site(unit: UnitOfWork, row: RmaRow) -> SiteRow:
    site = unit.session.get(SiteRow, row.site_id)
    assert site is not None
    return site


def _step(unit: UnitOfWork, row: RmaRow, step: RmaStep) -> RmaState:
    loaner = _live_loaner(unit, row) is not None
    part = row.unit_kind == RmaUnitKind.PART.value
    return move(row.ref, RmaState(row.state), step, loaner_installed=loaner, part=part)


def _when(row: RmaRow, site: SiteRow, at: GivenTime | None, after: datetime, previous: str) -> datetime:
    now = datetime.now(UTC)
    return at.checked(site.timezone, now, as_datetime(after), previous) if at else max(now, as_datetime(after))


def _vendor(text: str | None, what: str) -> str:
    value = optional_text(text, what, 100)
    if value is None:
        raise UsageError(_("name the vendor with {what}").format(what=what))
    return value


# --- open ----------------------------------------------------------------------------------------------------


def open_rma(context: Context, opening: Opening) -> RmaDetail:
    """Open an RMA for a device or a removed part (entry point)."""
    with context.write() as unit:
        return _answer(unit, _open(unit, opening))


def _open(unit: UnitOfWork, opening: Opening, ticket: TicketRow | None = None) -> RmaRow:
    vendor = _vendor(opening.vendor, "--vendor")
    number = opening.number
    reason = optional_free_text(opening.reason, _("reason"))
    if (opening.device is None) == (opening.part is None):
        raise UsageError(_("give either --device or --part (the unit that goes back)"))
    device: DeviceRow | None = None
    part: StockUnitRow | None = None
    if opening.device is not None:
        kind = RmaUnitKind.DEVICE
        site, device = _device_unit(unit, opening.device, opening.site)
    else:
        assert opening.part is not None
        kind = RmaUnitKind.PART
        site, part = _part_unit(unit, opening.part, opening.site)
    if ticket is None and opening.ticket is not None:
        ticket = ticket_flow.find(unit, opening.ticket)
    if ticket is not None and ticket.site_id != site.id:
        raise UsageError(
            _("ticket {ticket} is not at site {site}, where the unit is").format(ticket=ticket.ref, site=site.name)
        )
    if number is not None:
        _number_free(unit, vendor, number, None)
    now = datetime.now(UTC)
    opened = opening.at.checked(site.timezone, now) if opening.at else now
    from zoneinfo import ZoneInfo

    target = target_date(opening.target, opened.astimezone(ZoneInfo(site.timezone)).date()) if opening.target else None
    row = RmaRow(
        ref="R-pending",
        site_id=site.id,
        vendor=vendor,
        number=number,
        unit_kind=kind.value,
        device_id=device.id if device else None,
        stock_unit_id=part.id if part else None,
        serial=device.serial if device else part.serial if part else None,
        kept_at=part.custody_location if part else None,
        ticket_id=ticket.id if ticket else None,
        reason=reason,
        state=RmaState.OPEN.value,
        opened_at=opened,
        target_date=target,
    )
    unit.session.add(row)
    unit.session.flush()
    row.ref = rma_ref(opened.year, row.id)
    unit.session.flush()
    unit_name = device.name if device else part.serial if part else None
    after = {**_json(row), "site": site.name, "unit": unit_name, "ticket": ticket.ref if ticket else None}
    unit.record(ENTITY, row.ref, "open", None, {**after, "reason": reason})
    return row


def _device_unit(
    unit: UnitOfWork, name: str, site_name: str | None
) -> tuple[SiteRow, DeviceRow]:  # fmt: skip
    device = device_register.find(unit, name, site_name)
    lent = unit.session.scalars(
        select(RmaRow.ref)
        .join(RmaLoanerRow, RmaLoanerRow.rma_id == RmaRow.id)
        .where(RmaLoanerRow.device_id == device.id)
    ).first()
    if lent is not None:
        raise UsageError(
            _("device {device} is the loaner of RMA {rma}, not the customer's unit").format(device=name, rma=lent)
        )
    live = unit.session.scalars(
        select(RmaRow.ref).where(RmaRow.device_id == device.id, RmaRow.closed_at.is_(None))
    ).first()
    if live is not None:
        raise Conflict(_("device {device} already has RMA {rma} open").format(device=name, rma=live))
    return device.site, device


def _part_unit(unit: UnitOfWork, serial: str, site_name: str | None) -> tuple[SiteRow, StockUnitRow]:
    part = unit.session.scalars(select(StockUnitRow).where(StockUnitRow.serial == serial).with_for_update()).first()
    if part is None:
        raise NotFound(_("unknown serial {serial!r}").format(serial=serial))
    if part.status != StockStatus.REMOVED.value:
        raise UsageError(
            _("{serial} is not a part removed from a device ({status}): only those go back under an RMA").format(
                serial=serial, status=value_label(StockStatus, part.status)
            )
        )
    site = unit.session.get(SiteRow, part.site_id)
    assert site is not None
    if site_name is not None and sites.find(unit, site_name).id != site.id:
        raise UsageError(_("{serial} is kept at site {site}, not {other}").format(
            serial=serial, site=site.name, other=site_name))  # fmt: skip
    live = unit.session.scalars(
        select(RmaRow.ref).where(RmaRow.stock_unit_id == part.id, RmaRow.closed_at.is_(None))
    ).first()
    if live is not None:
        raise Conflict(_("part {serial} already has RMA {rma} open").format(serial=serial, rma=live))
    return site, part


def _number_free(unit: UnitOfWork, vendor: str, number: str, own: int | None) -> None:
    query = select(RmaRow.ref).where(func.lower(RmaRow.vendor) == vendor.lower(), RmaRow.number == number)
    if own is not None:
        query = query.where(RmaRow.id != own)
    taken = unit.session.scalars(query).first()
    if taken is not None:
        raise Conflict(_("{vendor} RMA number {number} is already recorded on {rma}").format(
            vendor=vendor, number=number, rma=taken))  # fmt: skip


# --- ticket return-to-factory ----------------------------------------------------------------------------------


def from_ticket(context: Context, ref: str, opening: Opening) -> RmaDetail:
    """``ticket return-to-factory``: the ticket's step and the RMA for its device (or a part), in one transaction
    (entry point). A ticket on several devices names the one with --device."""
    with context.write() as unit:
        ticket = ticket_flow.find(unit, ref)
        if opening.device is None and opening.part is None:
            names = list(
                unit.session.scalars(
                    select(DeviceRow.name)
                    .join(TicketDeviceRow, TicketDeviceRow.device_id == DeviceRow.id)
                    .where(TicketDeviceRow.ticket_id == ticket.id)
                    .order_by(DeviceRow.name)
                )
            )
            if len(names) != 1:
                raise UsageError(
                    _("ticket {ticket} is on {count} devices: name the unit with --device or --part").format(
                        ticket=ticket.ref, count=len(names)
                    )
                )
            from dataclasses import replace

            site = unit.session.get(SiteRow, ticket.site_id)
            assert site is not None
            opening = replace(opening, device=names[0], site=site.name)
        reason = opening.reason or _("return to factory")
        ticket_flow.return_to_factory_step(unit, Step(ticket.ref, opening.at, reason))
        row = _open(unit, opening, ticket)
        return _answer(unit, row)


# --- ship, receive, close ----------------------------------------------------------------------------------------


def ship(context: Context, text: str, shipment: Shipment) -> RmaDetail:
    """The unit leaves for the vendor (entry point)."""
    with context.write() as unit:
        row = _find(unit, text)
        state = _step(unit, row, RmaStep.SHIP)
        site = _site(unit, row)
        carrier = optional_text(shipment.carrier, "--carrier", 100)
        tracking = optional_text(shipment.tracking, "--tracking", 100)
        if shipment.number is not None:
            _number_free(unit, row.vendor, shipment.number, row.id)
        when = _when(row, site, shipment.at, row.opened_at, _("the RMA's opening"))
        before = _json(row)
        row.state, row.shipped_at, row.carrier, row.tracking = state.value, when, carrier, tracking
        row.number = shipment.number or row.number
        if row.stock_unit_id is not None:
            _custody(unit, row, away_custody(row.vendor, row.ref))
        unit.record(ENTITY, row.ref, "ship", before, _json(row))
        return _answer(unit, row)


def _custody(unit: UnitOfWork, row: RmaRow, where: str | None) -> None:
    part = unit.session.get(StockUnitRow, row.stock_unit_id)
    assert part is not None
    before = {"serial": part.serial, "custody_location": part.custody_location}
    part.custody_location = where
    unit.record(SPARE_ENTITY, part.serial or str(part.id), "custody", before,
                {"serial": part.serial, "custody_location": where, "rma": row.ref})  # fmt: skip


def receive(
    context: Context, text: str, at: GivenTime | None = None, serial: str | None = None, swap_back: bool = False
) -> RmaDetail:
    """The unit is back, repaired or replaced by a unit with ``serial`` (entry point); with ``swap_back`` its loaner
    leaves in the same transaction."""
    with context.write() as unit:
        row = _find(unit, text)
        state = _step(unit, row, RmaStep.RECEIVE)
        site = _site(unit, row)
        assert row.shipped_at is not None
        when = _when(row, site, at, row.shipped_at, _("the shipment"))
        before = _json(row)
        if serial is not None and serial != row.serial:
            _new_serial(unit, row, serial)
        row.state, row.received_at = state.value, when
        if row.stock_unit_id is not None:
            _custody(unit, row, row.kept_at)
        unit.record(ENTITY, row.ref, "receive", before, _json(row))
        if swap_back:
            _swap_back(unit, row, site, None, when)
        return _answer(unit, row)


def _new_serial(unit: UnitOfWork, row: RmaRow, serial: str) -> None:
    """The vendor sent another unit: the register (or the custody record) carries its serial from now on."""
    row.returned_serial = serial
    if row.device_id is not None:
        device = unit.session.get(DeviceRow, row.device_id)
        assert device is not None
        before = device_record(device)
        device.serial = serial
        unit.session.flush()
        after = device_record(device)
        unit.record(
            AuditEntity.DEVICE.value, device_register.audit_key(after), "edit", before.as_json(), after.as_json()
        )
        return
    taken = unit.session.scalars(select(StockUnitRow.id).where(StockUnitRow.serial == serial)).first()
    if taken is not None:
        raise Conflict(_("serial {serial} is already in the depot's records").format(serial=serial))
    part = unit.session.get(StockUnitRow, row.stock_unit_id)
    assert part is not None
    unit.record(SPARE_ENTITY, part.serial or str(part.id), "vendor-replaced", {"serial": part.serial},
                {"serial": serial, "rma": row.ref})  # fmt: skip
    part.serial = serial


def close(context: Context, text: str, at: GivenTime | None = None) -> RmaDetail:
    """Close a received RMA whose loaner (if any) went back (entry point)."""
    with context.write() as unit:
        row = _find(unit, text)
        state = _step(unit, row, RmaStep.CLOSE)
        site = _site(unit, row)
        assert row.received_at is not None
        last = unit.session.scalar(select(func.max(RmaLoanerRow.removed_at)).where(RmaLoanerRow.rma_id == row.id))
        after = max(as_datetime(row.received_at), as_datetime(last)) if last is not None else row.received_at
        when = _when(row, site, at, after, _("the unit's return"))
        before = _json(row)
        row.state, row.closed_at = state.value, when
        unit.record(ENTITY, row.ref, "close", before, _json(row))
        return _answer(unit, row)


# --- loaners -----------------------------------------------------------------------------------------------------


def loaner(context: Context, text: str, lent: LoanerUnit, at: GivenTime | None = None) -> RmaDetail:
    """Register a loaner in the place of the RMA's device (entry point)."""
    with context.write() as unit:
        row = _find(unit, text)
        _install_loaner(unit, row, lent, at)
        return _answer(unit, row)


def _install_loaner(unit: UnitOfWork, row: RmaRow, lent: LoanerUnit, at: GivenTime | None) -> None:
    _step(unit, row, RmaStep.LOANER)
    site = _site(unit, row)
    original = unit.session.get(DeviceRow, row.device_id)
    assert original is not None
    serial = parse.serial(lent.serial, "--serial")
    model = optional_text(lent.model, "--model", 100)
    if model is None:
        raise UsageError(_("give the loaner's model with --model"))
    vendor = optional_text(lent.vendor, "--vendor", 100) or row.vendor
    name = parse.name(lent.name, "--name") if lent.name else _free_name(unit, original)
    if len(name) > 64:
        raise UsageError(_("the loaner's name {name!r} is too long: give one with --name").format(name=name))
    when = _when(row, site, at, row.opened_at, _("the RMA's opening"))
    moved = {key: getattr(original, key) for key in MANAGEMENT}
    loaner_device = Device(
        site.name,
        name,
        original.kind,
        vendor,
        model,
        serial,
        original.room,
        original.rack,
        original.rack_unit,
        original.covered,
        original.driver,
        original.endpoint,
        original.username,
        original.credential,
        original.tls_verify,
        original.ca_file,
        None,  # the loaner's certificate is its own: pinned again when first polled
        _("loaner for {device} under RMA {rma}").format(device=original.name, rma=row.ref),
        json.loads(original.options) if original.options else {},
    )
    before = device_record(original)
    for key, value in CLEARED.items():
        setattr(original, key, value)
    unit.session.flush()  # the original's endpoint is free before the loaner takes it
    after = device_record(original)
    unit.record(AuditEntity.DEVICE.value, device_register.audit_key(after), "away", before.as_json(), after.as_json())
    device_register.add(unit, loaner_device)
    unit.session.flush()
    added = device_register.find(unit, name, site.name)
    unit.session.add(
        RmaLoanerRow(
            rma_id=row.id,
            device_id=added.id,
            name=name,
            serial=serial,
            vendor=vendor,
            model=model,
            moved=json.dumps(moved, ensure_ascii=False, sort_keys=True),
            installed_at=when,
        )
    )
    unit.record(ENTITY, row.ref, "loaner", None, {"rma": row.ref, "loaner": name, "serial": serial, "model": model,
                                                 "vendor": vendor, "installed_at": when.isoformat()})  # fmt: skip


def _free_name(unit: UnitOfWork, original: DeviceRow) -> str:
    """``DEVICE-loaner``, or ``DEVICE-loaner2``... when an earlier loaner kept the name for its history."""
    taken = set(unit.session.scalars(select(DeviceRow.name).where(DeviceRow.site_id == original.site_id)))
    return next(n for n in (f"{original.name}-loaner{i if i > 1 else ''}" for i in range(1, 1000)) if n not in taken)


def swap_back(context: Context, text: str, at: GivenTime | None = None) -> RmaDetail:
    """The original goes back in, the loaner leaves the register (entry point)."""
    with context.write() as unit:
        row = _find(unit, text)
        _swap_back(unit, row, _site(unit, row), at, None)
        return _answer(unit, row)


_REFERENCES = (
    (TicketDeviceRow.device_id, _("tickets")),
    (SwapRow.device_id, _("part swaps")),
    (ConsentRow.device_id, _("consents")),
    (PmTaskRow.device_id, _("preventive tasks")),
    (ArchiveVersionRow.device_id, _("archive versions")),
)


def _swap_back(unit: UnitOfWork, row: RmaRow, site: SiteRow, at: GivenTime | None, when: datetime | None) -> None:
    _step(unit, row, RmaStep.SWAP_BACK)
    lent = _live_loaner(unit, row)
    assert lent is not None and row.received_at is not None
    if when is None:
        when = _when(row, site, at, max(as_datetime(row.received_at), as_datetime(lent.installed_at)),
                     _("the unit's return"))  # fmt: skip
    original = unit.session.get(DeviceRow, row.device_id)
    assert original is not None
    loaner_row = unit.session.get(DeviceRow, lent.device_id) if lent.device_id is not None else None
    moved = json.loads(lent.moved) if lent.moved else {}
    before = device_record(original)
    kept = _leave_register(unit, loaner_row, row, when) if loaner_row is not None else ()
    for key in MANAGEMENT:
        if key in moved:
            setattr(original, key, moved[key])
    unit.session.flush()
    after = device_record(original)
    unit.record(AuditEntity.DEVICE.value, device_register.audit_key(after), "back", before.as_json(), after.as_json())
    lent.removed_at = when
    if not kept:
        lent.device_id = None
    unit.record(ENTITY, row.ref, "swap-back", {"loaner": lent.name},
                {"loaner": None, "removed_at": when.isoformat(), "kept_for": list(kept)})  # fmt: skip


def _leave_register(unit: UnitOfWork, loaner: DeviceRow, row: RmaRow, when: datetime) -> tuple[str, ...]:
    """The loaner leaves the register; one with history of its own there (its archive file, tickets, swaps) stays
    for that history only: retired, not polled, not covered, out of the rack. What kept it (empty: removed)."""
    kept = tuple(
        what for column, what in _REFERENCES if unit.session.scalar(select(func.count()).where(column == loaner.id))
    )
    record = device_record(loaner)
    if not kept:
        unit.session.delete(loaner)
        unit.session.flush()  # the loaner's endpoint is free before the original takes it back
        unit.record(AuditEntity.DEVICE.value, device_register.audit_key(record), "remove", record.as_json(), None)
        return kept
    for key, value in CLEARED.items():
        setattr(loaner, key, value)
    parts = unit.session.scalar(select(func.count()).where(ComponentRow.device_id == loaner.id))
    unit.session.execute(delete(ComponentRow).where(ComponentRow.device_id == loaner.id))
    unit.session.execute(delete(DevicePollRow).where(DevicePollRow.device_id == loaner.id))
    loaner.covered = False
    loaner.notes = _("loaner returned to {vendor} on {date} (RMA {rma}); kept for its history").format(
        vendor=row.vendor, date=when.date().isoformat(), rma=row.ref
    )
    unit.session.flush()
    after = device_record(loaner)
    unit.record(AuditEntity.DEVICE.value, device_register.audit_key(after), "retire", record.as_json(),
                {**after.as_json(), "installed_base_removed": parts})  # fmt: skip
    return kept
