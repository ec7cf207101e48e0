"""``spare swap --verify``: ask the device itself whether the swap took.

A technician's word that the new part is in is not proof; the BMC's is. So
after the swap commits, the device is polled through its driver and the
slot must report the spare's serial with a healthy status. The poll is also
recorded like ``health --record`` (the installed base and faults follow what
the device says, a still-broken slot reopens its fault), and the swap is
marked ``verified`` or ``unverified`` with what was seen.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from dcmaint.domain.swaps import SwapRecord, Verification
from dcmaint.drivers.result import PollResult
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.health import HealthRun, run_health
from dcmaint.store import queries
from dcmaint.store.models.depot import SwapRow
from dcmaint.store.unit import UnitOfWork


def verify_swap(context: Context, swap: SwapRecord, timeout: float | None = None) -> SwapRecord:
    """Poll the swap's device and record what it says of the slot (entry point).

    Two steps, two transactions: the poll runs outside any transaction (it
    may take the whole ``timeout``, default the runner's, and must not hold
    the store's write lock meanwhile), then the poll and the verdict are
    recorded together.
    """
    with context.read() as reader:
        device = queries.device(reader, swap.device, swap.site)
    run = run_health(
        [device],
        context.drivers(),
        concurrency=1,
        timeout=timeout if timeout is not None else context.config.runner.timeout,
        workers=0,
    )
    verdict, message = judge(run.results[0], swap)
    with context.write() as unit:
        return store(unit, swap, run, verdict, message, datetime.now(UTC))


def judge(result: PollResult, swap: SwapRecord) -> tuple[Verification, str]:
    """Whether the poll shows the spare in its slot, healthy; and what was seen, in one line."""
    if result.report is None:
        return Verification.UNVERIFIED, _("the device could not be polled ({error}: {message})").format(
            error=result.error.value if result.error else "?", message=result.message or ""
        )
    kind, _sep, location = swap.slot.partition(":")
    found = [c for c in result.report.components if c.kind.value == kind and c.location == location]
    if not found:
        return Verification.UNVERIFIED, _("the device no longer reports {slot}").format(slot=swap.slot)
    component = found[0]
    serial = component.part.serial if component.part else None
    if serial != swap.spare_serial:
        return Verification.UNVERIFIED, _("{slot} reports serial {found}, not the spare's {expected}").format(
            slot=swap.slot, found=serial or _("none"), expected=swap.spare_serial
        )
    if component.health.is_fault:
        reason = f" ({component.reason})" if component.reason else ""
        return Verification.UNVERIFIED, _("{slot} reports the spare {serial} but {health}{reason}").format(
            slot=swap.slot, serial=serial, health=component.health.value, reason=reason
        )
    return Verification.VERIFIED, _("{slot} reports the spare {serial}, {health}").format(
        slot=swap.slot, serial=serial, health=component.health.value
    )


def store(
    unit: UnitOfWork, swap: SwapRecord, run: HealthRun, verdict: Verification, message: str, when: datetime
) -> SwapRecord:
    """Record the poll and the verdict in one transaction."""
    from dcmaint.services.recording import record
    from dcmaint.services.swap import swap_record

    record(unit, run)
    row = unit.session.scalars(select(SwapRow).where(SwapRow.id == swap.id)).one()
    before = swap.as_json()
    row.verification, row.verified_at, row.verify_message = verdict.value, when, message
    unit.session.flush()
    after = swap_record(unit, row)
    unit.record("swap", f"{swap.site}/{swap.device}:{swap.slot}", "verify", before, after.as_json())
    return after
