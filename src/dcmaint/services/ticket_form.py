"""The maintenance form's contents, gathered from the ticket, its site, its devices and its swap records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dcmaint.domain.sla import SlaState
from dcmaint.forms.model import FormData, FormDevice, FormPart
from dcmaint.services.context import Context
from dcmaint.store import swap_queries, ticket_queries
from dcmaint.store.reader import Reader


def form_data(context: Context, ref: str, now: datetime | None = None) -> FormData:
    """What the ticket's maintenance form shows, read in one transaction (entry point)."""
    with context.read() as reader:
        return _form_data(reader, ref, now)


def _form_data(reader: Reader, ref: str, now: datetime | None) -> FormData:
    now = now or datetime.now(UTC)
    row = ticket_queries.ticket_row(reader, ref)
    reading = ticket_queries.reading(reader, row, now)
    devices = tuple(
        FormDevice(d.name, d.kind, d.vendor, d.model, d.serial, d.location)
        for d in ticket_queries.ticket_devices(reader, row.id)
    )
    parts: list[FormPart] = []
    for swap in swap_queries.swaps(reader, ticket=row.ref):
        parts.append(FormPart("in", swap.device, swap.slot, swap.part_number, swap.spare_serial, None))
        if swap.removed_serial or swap.removed_part_number:
            parts.append(FormPart("out", swap.device, swap.slot, swap.removed_part_number, swap.removed_serial, None))
    return FormData(
        ticket=row.ref,
        customer=row.customer,
        site=row.site,
        site_address=row.site_address,
        contract_no=row.contract_no,
        timezone=row.timezone,
        source=row.source,
        caller=row.caller,
        contact=row.contact,
        severity=row.severity,
        devices=devices,
        fault=row.description,
        reported_at=row.reported_at,
        started_at=row.started_at,
        restored_at=row.restored_at,
        handling=row.handling,
        sla_hours=row.sla_hours,
        sla_met=None if row.restored_at is None else reading.state is SlaState.MET,
        sla_elapsed=reading.elapsed if row.started_at is not None else None,
        sla_paused=reading.paused,
        actions=row.actions,
        time_spent=timedelta(minutes=row.time_spent_minutes) if row.time_spent_minutes is not None else None,
        parts=tuple(parts),
        engineer=row.assignee,
        signed_by=row.signed_by,
        signed_at=row.signed_at,
        score=row.score,
        comment=row.comment,
        signature_png=row.signature,
        verified_by=row.verified_by,
        verified_at=row.verified_at,
    )
