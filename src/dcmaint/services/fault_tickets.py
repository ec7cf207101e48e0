"""``health --record --open-tickets``: monitoring opens a ticket for each open fault that has none.

One ticket per fault, never two: the fault row is the occurrence (a part
that fails again after being mended is a new fault and a new ticket), and
``tickets.fault_id`` is unique. A BMC alarm that restates a part fault (iLO's
"power supply failure" next to PSU 2 critical) is no fault row of its own:
the driver links it to the part and :func:`dcmaint.services.health.faults_of`
folds it into the part's fault, so it rides on that part's ticket. An alarm
left as a fault of its own is about something else and gets its own ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select

from dcmaint.domain.tickets import Severity, Source
from dcmaint.i18n import _
from dcmaint.services import tickets
from dcmaint.store.models.health import FaultRow
from dcmaint.store.models.registers import DeviceRow, SiteRow
from dcmaint.store.models.tickets import TicketDeviceRow, TicketRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

if TYPE_CHECKING:
    from dcmaint.services.health import HealthRun

#: Fault health -> ticket severity. A failed part in a redundant set (a PSU, a RAID disk) is high, not
#: critical: the service still runs; the desk raises it by hand when it does not.
SEVERITY = {"critical": Severity.HIGH, "warning": Severity.MEDIUM, "unknown": Severity.MEDIUM}


def _description(device: str, fault: FaultRow) -> str:
    identity = ", ".join(
        f"{label} {value}"
        for label, value in (
            (_("part"), fault.part_number),
            (_("spare"), fault.spare_part_number),
            (_("serial"), fault.serial),
        )
        if value
    )
    text = f"{device}: {fault.kind} {fault.location}: {fault.reason or fault.health}"
    return f"{text} ({identity})" if identity else text


def open_for_faults(unit: UnitOfWork, device_ids: Iterable[int]) -> list[str]:
    """Open a monitoring ticket for every open fault of these devices that has no ticket; their references.

    One query finds those faults for all the devices (a fleet's run asks for hundreds, most with none)."""
    opened = []
    ids = sorted(set(device_ids))
    faults: list[FaultRow] = []
    for start in range(0, len(ids), 5000):
        faults += unit.session.scalars(
            select(FaultRow)
            .where(FaultRow.device_id.in_(ids[start : start + 5000]), FaultRow.closed_at.is_(None))
            .where(~select(TicketRow.id).where(TicketRow.fault_id == FaultRow.id).exists())
            .order_by(FaultRow.device_id, FaultRow.kind, FaultRow.location)
        )
    for fault in faults:
        device = unit.session.get(DeviceRow, fault.device_id)
        assert device is not None
        site = unit.session.get(SiteRow, device.site_id)
        assert site is not None
        ref = tickets.new(
            unit,
            tickets.TicketDraft(
                site.name,
                Source.MONITORING.value,
                _description(device.name, fault),
                SEVERITY.get(fault.health, Severity.MEDIUM).value,
                (),
                None,
                None,
                as_datetime(fault.first_seen),
                fault.id,
            ),
        )
        row = unit.session.scalars(select(TicketRow).where(TicketRow.ref == ref)).one()
        unit.session.add(TicketDeviceRow(ticket_id=row.id, device_id=device.id))
        opened.append(ref)
    return opened


def open_for_run(unit: UnitOfWork, run: HealthRun) -> list[str]:
    """Tickets for the open faults, without a ticket, of the registered devices ``run`` polled (``--open-tickets``)."""
    from dcmaint.services import devices as device_register

    ids = [
        device_register.find(unit, result.device, result.site).id for result in run.results if result.site is not None
    ]
    return open_for_faults(unit, ids)
