"""``spare swap``: a spare goes into a device slot and the removed part into the customer's custody, in one
transaction.

The contract makes every removed part, good or faulty, the customer's
property, so the part that comes out is recorded as a stock unit with
status ``removed`` and where it is kept until it is handed over
(``spare handover``). A consumable (``--consumable``) is one unit taken
from its bin (:mod:`dcmaint.services.swap_consumable`). The spare is taken with a conditional UPDATE
(``WHERE status = <what we read>``) and the slot with another (``WHERE
serial = <what we read>``): when two technicians swap the same spare, or
fit two spares into one slot, at the same moment, the database lets exactly
one of them through and the other is told what happened. Nothing is
written for the loser.

:func:`swap_spare` is the entry point: the swap's transaction, then, when
asked, the device's own word on it (:mod:`dcmaint.services.verify`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, and_, select, update

from dcmaint.domain.matching import Fit, SlotIdentity, Spare, fit_of, pick_slot
from dcmaint.domain.parts import StockStatus, optional_text
from dcmaint.domain.swaps import SwapRecord, Verification
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import devices as device_register
from dcmaint.services import staff as staff_register
from dcmaint.services.context import Context
from dcmaint.store import match_queries
from dcmaint.store.models.base import utcnow
from dcmaint.store.models.depot import ConsentRow, PartRow, StockUnitRow, SwapRow
from dcmaint.store.models.health import ComponentRow, FaultRow
from dcmaint.store.models.registers import DeviceRow, SiteRow, device_record
from dcmaint.store.models.tickets import TicketRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

if TYPE_CHECKING:
    from dcmaint.services.verify import SwapOutcome

ENTITY = "swap"


@dataclass(frozen=True)
class SwapRequest:
    """What ``spare swap`` is asked. ``device`` and ``slot`` may be left out with a ``ticket`` that is about one
    part fault: they are that fault's."""

    device: str | None
    site: str | None
    slot: str | None
    spare_serial: str | None  # None with ``consumable``
    ticket: str | None = None
    removed_serial: str | None = None
    keep_at: str | None = None
    technician: str | None = None
    consumable: str | None = None  # a consumable's part number: one unit from its bin instead of a serialised spare
    bin: str | None = None  # the consumable's bin, when the part is in more than one


def _spare_of(unit: UnitOfWork, row: StockUnitRow) -> Spare:
    part = unit.session.get(PartRow, row.part_id) if row.part_id is not None else None
    site = unit.session.get(SiteRow, row.site_id)
    assert site is not None
    return Spare(
        row.serial,
        row.part_number,
        row.part_id,
        part.part_number if part else None,
        part.part_class if part else None,
        site.name,
        row.bin,
        row.condition,
        row.status,
        row.reserved_for,
        row.received_on,
        row.quantity if row.serial is None else None,
    )


def _named(spare: Spare) -> str:
    """How lines name the part fitted: its serial, or for a consumable its number."""
    return spare.serial or _("consumable {number}").format(number=spare.labelled)


def _check_spare(unit: UnitOfWork, row: StockUnitRow, ticket: str | None) -> None:
    """Refuse a spare that is not free to fit (or not reserved for this very ticket)."""
    serial = row.serial
    if row.status == StockStatus.INSTALLED.value:
        device = unit.session.get(DeviceRow, row.device_id) if row.device_id is not None else None
        raise Conflict(
            _("spare {serial} is already installed in {device} {slot}").format(
                serial=serial, device=device.name if device else "?", slot=row.slot
            )
        )
    if row.status in (StockStatus.REMOVED.value, StockStatus.RETURNED.value):
        raise Conflict(
            _("{serial} is a part removed from a device ({status}), not a spare").format(
                serial=serial, status=row.status
            )
        )
    if row.status == StockStatus.RESERVED.value and row.reserved_for != ticket:
        raise Conflict(
            _("spare {serial} is reserved for {reserved}: give --ticket {reserved} or release it").format(
                serial=serial, reserved=row.reserved_for
            )
        )


def _slot_identity(unit: UnitOfWork, device: DeviceRow, component: ComponentRow) -> SlotIdentity:
    return SlotIdentity(
        device.site.name,
        device.name,
        component.kind,
        component.location,
        component.health,
        component.part_number,
        component.spare_part_number,
        component.serial,
        component.model,
    )


def _refuse_unseen_swap(unit: UnitOfWork, device: DeviceRow, component: ComponentRow, slot: SlotIdentity) -> None:
    """A slot swapped since its last poll holds a part nobody has seen in place: only a technician who names it
    (``--removed-serial``) may swap it again. Two technicians recording the same repair are refused this way
    whether their commands overlap or follow each other."""
    last = unit.session.scalars(
        select(SwapRow)
        .where(
            SwapRow.device_id == device.id,
            SwapRow.kind == slot.kind,
            SwapRow.location == slot.location,
            SwapRow.swapped_at >= component.last_seen,
        )
        .order_by(SwapRow.id.desc())
    ).first()
    if last is None:
        return
    fitted = unit.session.get(StockUnitRow, last.installed_unit_id)
    if fitted is not None and fitted.serial is None:  # a consumable: no serial to name, the device must be asked
        raise Conflict(
            _(
                "{slot} on {device} was swapped at {when} (consumable {number} fitted by {who}) and not polled "
                "since: `dcmaint spare verify {id}` asks the device first"
            ).format(
                slot=slot.slot,
                device=device.name,
                when=as_datetime(last.swapped_at).isoformat(timespec="seconds"),
                number=fitted.part_number,
                who=last.technician,
                id=last.id,
            )
        )
    raise Conflict(
        _(
            "{slot} on {device} was swapped at {when} ({serial} fitted by {who}) and not polled since: "
            "if you replaced that part, give --removed-serial {serial}"
        ).format(
            slot=slot.slot,
            device=device.name,
            when=as_datetime(last.swapped_at).isoformat(timespec="seconds"),
            serial=fitted.serial if fitted else "?",
            who=last.technician,
        )
    )


def _consent(unit: UnitOfWork, original: int, substitute: int, device: DeviceRow) -> ConsentRow | None:
    return unit.session.scalars(
        select(ConsentRow)
        .where(
            ConsentRow.site_id == device.site_id,
            ConsentRow.part_id == original,
            ConsentRow.substitute_id == substitute,
            (ConsentRow.device_id.is_(None)) | (ConsentRow.device_id == device.id),
        )
        .order_by(ConsentRow.agreed_on)
    ).first()


def _check_fit(unit: UnitOfWork, device: DeviceRow, slot: SlotIdentity, spare: Spare) -> tuple[Fit, ConsentRow | None]:
    known = match_queries.slot_parts(unit, slot.numbers, device.site_id, device.id)
    found = fit_of(slot, known, spare)
    if found is None:
        reported = ", ".join(slot.numbers) or _("no part number")
        if spare.serial is None:
            raise UsageError(
                _(
                    "consumable {number} does not fit {slot}, which reports {reported}: "
                    "`dcmaint spare match` lists what fits"
                ).format(number=spare.labelled, slot=slot.slot, reported=reported)
            )
        raise UsageError(
            _(
                "spare {serial} ({number}) does not fit {slot}, which reports {reported}: "
                "`dcmaint spare match` lists what fits"
            ).format(serial=spare.serial, number=spare.labelled, slot=slot.slot, reported=reported)
        )
    fit, original = found
    if fit is not Fit.SUBSTITUTE:
        return fit, None
    assert original is not None and spare.part_id is not None
    consent = _consent(unit, original, spare.part_id, device)
    if consent is None and spare.serial is None:
        raise Conflict(
            _(
                "consumable {number} is a substitute for {part}: it needs the customer's consent first "
                "(`dcmaint spare consent add`)"
            ).format(number=spare.catalogue_number, part=known.parts[original].part_number)
        )
    if consent is None:
        raise Conflict(
            _(
                "spare {serial} ({number}) is a substitute for {part}: it needs the customer's consent first "
                "(`dcmaint spare consent add`)"
            ).format(serial=spare.serial, number=spare.catalogue_number, part=known.parts[original].part_number)
        )
    return fit, consent


def _part_id(unit: UnitOfWork, numbers: tuple[str, ...]) -> int | None:
    """The catalogue part the first of ``numbers`` that the catalogue knows names."""
    from dcmaint.store.spare_queries import part_id

    return next((found for found in (part_id(unit, n) for n in numbers) if found is not None), None)


def _removed_unit(
    unit: UnitOfWork,
    device: DeviceRow,
    slot: SlotIdentity,
    serial: str | None,
    keep_at: str | None,
    now: datetime,
    earlier: StockUnitRow | None = None,
) -> StockUnitRow:
    """The part taken out, as a ``removed`` unit in the customer's custody.

    If it was itself a spare fitted by an earlier swap (found by its serial, or for a consumable given as
    ``earlier``), that unit walks on to ``removed``; any other record of the serial is a contradiction the
    technician must resolve (a misread label, usually).
    """
    condition = "faulty" if slot.health in ("warning", "critical", "unknown") else "used"
    if serial is not None:
        known = unit.session.scalars(select(StockUnitRow).where(StockUnitRow.serial == serial)).first()
        if known is not None:
            if (
                known.status == StockStatus.INSTALLED.value
                and known.device_id == device.id
                and known.slot == slot.location
            ):
                known.status, known.custody_location, known.condition = StockStatus.REMOVED.value, keep_at, condition
                known.updated_at = now
                return known
            raise Conflict(
                _(
                    "removed serial {serial!r} is already recorded ({part}, {status}): check the label and "
                    "give --removed-serial"
                ).format(serial=serial, part=known.part_number, status=known.status)
            )
    elif earlier is not None:
        earlier.status, earlier.custody_location, earlier.condition = StockStatus.REMOVED.value, keep_at, condition
        earlier.updated_at = now
        return earlier
    number = slot.part_number or slot.spare_part_number or "-"
    row = StockUnitRow(
        part_id=_part_id(unit, slot.numbers),
        part_number=number,
        site_id=device.site_id,
        serial=serial,
        condition=condition,
        quantity=1,
        status=StockStatus.REMOVED.value,
        device_id=device.id,
        slot=slot.location,
        custody_location=keep_at,
        received_on=now.date(),
        updated_at=now,
    )
    unit.session.add(row)
    return row


def _take_spare(unit: UnitOfWork, row: StockUnitRow, device: DeviceRow, slot: SlotIdentity, now: datetime) -> None:
    """The conditional UPDATE that decides a race for the spare."""
    expected = (row.status, row.reserved_for)
    taken = cast(
        "CursorResult[Any]",
        unit.session.execute(
            update(StockUnitRow)
            .where(
                StockUnitRow.id == row.id,
                StockUnitRow.status == expected[0],
                StockUnitRow.reserved_for.is_(None)
                if expected[1] is None
                else StockUnitRow.reserved_for == expected[1],
            )
            .values(
                status=StockStatus.INSTALLED.value,
                device_id=device.id,
                slot=slot.location,
                site_id=device.site_id,
                reserved_for=None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if taken.rowcount != 1:
        raise Conflict(
            _("spare {serial} was taken by another swap a moment ago: `dcmaint spare show {serial}`").format(
                serial=row.serial
            )
        )


def _take_slot(
    unit: UnitOfWork, component: ComponentRow, spare: Spare, fit: Fit, slot: SlotIdentity, now: datetime
) -> None:
    """The conditional UPDATE that decides a race for the slot: it must still hold what this swap read.

    Like for like (``exact``, ``alias``) keeps the slot's numbers; anything else takes the spare's label
    until the next poll says what the device itself reports.
    """
    same_serial = ComponentRow.serial.is_(None) if slot.serial is None else ComponentRow.serial == slot.serial
    if spare.serial is None:  # a consumable leaves the serial as it was: the poll time this swap read decides
        same_serial = and_(same_serial, ComponentRow.last_seen == component.last_seen)
    numbers = {} if fit in (Fit.EXACT, Fit.ALIAS) else {"part_number": spare.labelled, "spare_part_number": None}
    taken = cast(
        "CursorResult[Any]",
        unit.session.execute(
            update(ComponentRow)
            .where(and_(ComponentRow.id == component.id, same_serial))
            .values(serial=spare.serial, health="unknown", last_seen=now, **numbers)
            .execution_options(synchronize_session=False)
        ),
    )
    if taken.rowcount != 1:
        raise Conflict(
            _("{slot} on {device} was changed by another swap a moment ago: check it and try again").format(
                slot=slot.slot, device=slot.device
            )
        )


def _close_fault(unit: UnitOfWork, device: DeviceRow, key: str, slot: SlotIdentity, now: datetime) -> int | None:
    """Close the slot's open fault: the part it was about is gone (a failed ``--verify`` poll reopens one)."""
    from dcmaint.services.recording import fault_json

    fault = unit.session.scalars(
        select(FaultRow).where(
            FaultRow.device_id == device.id,
            FaultRow.kind == slot.kind,
            FaultRow.location == slot.location,
            FaultRow.closed_at.is_(None),
        )
    ).first()
    if fault is None:
        return None
    before = fault_json(key, fault)
    fault.closed_at = now
    unit.record("fault", f"{key}:{slot.kind}:{slot.location}", "close", before, fault_json(key, fault))
    return fault.id


def _class_of(unit: UnitOfWork, row: StockUnitRow | None) -> str | None:
    """The catalogue class of a spare (the hint of an unknown slot lists that class's slots early)."""
    part = unit.session.get(PartRow, row.part_id) if row is not None and row.part_id is not None else None
    return part.part_class if part else None


def _device_slot(
    unit: UnitOfWork, request: SwapRequest, ticket: TicketRow | None, spare_class: str | None
) -> tuple[DeviceRow, str, str]:
    """The device and (kind, location) of the swap: as named, or the one part fault of the ticket."""
    if request.device is not None and request.slot is not None:
        device = device_register.find(unit, request.device, request.site)
        kind, location = pick_slot(request.slot, device.name, match_queries.slot_names(unit, device.id), spare_class)
        return device, kind, location
    if ticket is None or request.slot is not None:
        raise UsageError(
            _("name the part with --device and --slot (or give only --ticket, when the ticket is about one fault)")
        )
    from dcmaint.services.matching import ticket_slots

    found = [
        slot
        for slot in ticket_slots(unit, ticket.id, ticket.fault_id)
        if request.device is None or slot.device == request.device
    ]
    if len(found) != 1:
        raise UsageError(
            _(
                "ticket {ticket} is about {count} open part faults ({slots}): name the part with --device and --slot"
            ).format(
                ticket=ticket.ref,
                count=len(found),
                slots=", ".join(f"{slot.device} {slot.slot}" for slot in found) or _("none"),
            )
        )
    return device_register.find(unit, found[0].device, found[0].site), found[0].kind, found[0].location


def swap_spare(
    context: Context, request: SwapRequest, *, verify: bool = False, timeout: float | None = None
) -> SwapOutcome:
    """Record a spare fitted in a slot and the removed part in the customer's custody (entry point).

    With ``verify`` the swap is committed first, whatever the device says:
    the part is in the slot. Then the device is polled (within ``timeout``
    seconds, default the runner's) and its verdict recorded in a second
    transaction; the record returned carries it (``verification``), with
    the next step (verify later, or move the ticket on).
    """
    from dcmaint.services.verify import outcome, verify_swap

    with context.write() as unit:
        done = swap(unit, request)
    if verify:
        done = verify_swap(context, done, timeout)
    return outcome(context, done)


def _check_request(request: SwapRequest) -> None:
    """What is fitted is named once: a serialised spare, or a consumable (and perhaps its bin)."""
    if request.spare_serial is not None and request.consumable is not None:
        raise UsageError(_("give --spare SERIAL or --consumable PART, not both"))
    if request.spare_serial is None and request.consumable is None:
        raise UsageError(_("name the part fitted: --spare SERIAL, or --consumable PART for a consumable"))
    if request.bin is not None and request.consumable is None:
        raise UsageError(_("--bin names a consumable's bin: give --consumable PART with it"))


def _serialised(unit: UnitOfWork, row: StockUnitRow | None, serial: str | None, ticket: str | None) -> StockUnitRow:
    """The serialised spare ``--spare`` names, free to fit."""
    if row is None:
        raise NotFound(_("unknown spare serial {serial!r}").format(serial=serial))
    if row.serial is None or row.quantity != 1:
        raise UsageError(_("{serial} is a consumable quantity, not a serialised spare").format(serial=serial))
    _check_spare(unit, row, ticket)
    return row


def swap(unit: UnitOfWork, request: SwapRequest, now: datetime | None = None) -> SwapRecord:
    """The swap inside the caller's transaction (what :func:`swap_spare` commits)."""
    from dcmaint.services import swap_consumable, tickets

    now = now or utcnow()
    _check_request(request)
    ticket_text = optional_text(request.ticket, _("ticket"), 100)
    ticket_row = tickets.for_action(unit, ticket_text, "swap") if ticket_text else None
    ticket = ticket_row.ref if ticket_row else None
    keep_at_given = optional_text(request.keep_at, _("custody location"), 200)
    removed_serial = optional_text(request.removed_serial, _("removed serial"), 100)
    technician = request.technician
    if technician is not None:
        technician = staff_register.find(unit, technician).name
    part = swap_consumable.consumable_part(unit, request.consumable) if request.consumable is not None else None
    row = None
    if part is None:
        row = unit.session.scalars(select(StockUnitRow).where(StockUnitRow.serial == request.spare_serial)).first()
    spare_class = part.part_class if part is not None else _class_of(unit, row)
    device, kind, location = _device_slot(unit, request, ticket_row, spare_class)
    key = device_register.audit_key(device_record(device))
    component = unit.session.scalars(
        select(ComponentRow).where(
            ComponentRow.device_id == device.id, ComponentRow.kind == kind, ComponentRow.location == location
        )
    ).one()
    slot = _slot_identity(unit, device, component)
    if removed_serial is None:
        _refuse_unseen_swap(unit, device, component, slot)
    if part is not None:
        row = swap_consumable.choose_bin(unit, part, request.bin, device)
    else:
        row = _serialised(unit, row, request.spare_serial, ticket)
    spare = _spare_of(unit, row)
    fit, consent = _check_fit(unit, device, slot, spare)
    out_serial = removed_serial or slot.serial
    if out_serial is not None and out_serial == spare.serial:
        raise UsageError(_("the removed part cannot carry the spare's own serial {serial!r}").format(serial=out_serial))
    from_site = row.site_id
    keep_at = keep_at_given or row.bin
    earlier = swap_consumable.fitted_before(unit, device, slot.location) if out_serial is None else None
    before_spare = _unit_json(unit, row)
    if spare.serial is None:
        fitted = swap_consumable.take_one(unit, row, device, slot.location, now)
    else:
        _take_spare(unit, row, device, slot, now)
        fitted = row
    _take_slot(unit, component, spare, fit, slot, now)
    removed = _removed_unit(unit, device, slot, out_serial, keep_at, now, earlier)
    unit.session.flush()
    fault_id = _close_fault(unit, device, key, slot, now)
    record = SwapRow(
        device_id=device.id,
        kind=slot.kind,
        location=slot.location,
        installed_unit_id=fitted.id,
        removed_unit_id=removed.id,
        fit=fit.value,
        consent_id=consent.id if consent else None,
        fault_id=fault_id,
        from_site_id=from_site,
        ticket=ticket,
        technician=technician or unit.actor,
        swapped_at=now,
        verification=Verification.NOT_CHECKED,
    )
    unit.session.add(record)
    unit.session.flush()
    unit.session.refresh(row)
    unit.session.refresh(fitted)
    result = swap_record(unit, record)
    if ticket_row is not None:
        tickets.record_swap(
            unit,
            ticket_row,
            device.id,
            _("{slot} on {device}: fitted {spare}, removed {removed}").format(
                slot=slot.slot, device=device.name, spare=_named(spare), removed=removed.serial or "-"
            ),
            now,
        )
    _audit_spares(unit, row, fitted, before_spare, f"{key}:{slot.slot}")
    unit.record("spare", removed.serial or f"{key}:{slot.slot}", "remove", None, _unit_json(unit, removed))
    unit.record(ENTITY, f"{key}:{slot.slot}", "swap", None, result.as_json())
    return result


def _audit_spares(
    unit: UnitOfWork, row: StockUnitRow, fitted: StockUnitRow, before: dict[str, object], slot_key: str
) -> None:
    """``spare install`` for the unit fitted; for a consumable also ``spare take``, the bin giving up one."""
    if fitted.id == row.id:
        unit.record("spare", fitted.serial or slot_key, "install", before, _unit_json(unit, fitted))
        return
    from dcmaint.services.stock import stock_record

    after = stock_record(unit, row)
    bin_key = "/".join(p for p in (after.site, after.part_number, after.bin) if p)
    unit.record("spare", bin_key, "take", before, after.as_json())
    unit.record("spare", slot_key, "install", None, _unit_json(unit, fitted))


def _unit_json(unit: UnitOfWork, row: StockUnitRow) -> dict[str, object]:
    from dcmaint.services.stock import stock_record

    return stock_record(unit, row).as_json()


def swap_record(unit: UnitOfWork, row: SwapRow) -> SwapRecord:
    device = unit.session.get(DeviceRow, row.device_id)
    installed = unit.session.get(StockUnitRow, row.installed_unit_id)
    removed = unit.session.get(StockUnitRow, row.removed_unit_id) if row.removed_unit_id else None
    consent = unit.session.get(ConsentRow, row.consent_id) if row.consent_id else None
    from_site = unit.session.get(SiteRow, row.from_site_id)
    assert device is not None and installed is not None and from_site is not None
    return SwapRecord(
        row.id,
        device.site.name,
        device.name,
        f"{row.kind}:{row.location}",
        installed.serial,
        installed.part_number,
        row.fit,
        f"{consent.document_ref} ({consent.agreed_by}, {consent.agreed_on})" if consent else None,
        from_site.name,
        removed.serial if removed else None,
        removed.part_number if removed else None,
        removed.custody_location if removed else None,
        row.ticket,
        row.technician,
        as_datetime(row.swapped_at),
        row.fault_id,
        row.verification,
        as_datetime(row.verified_at) if row.verified_at else None,
        row.verify_message,
    )
