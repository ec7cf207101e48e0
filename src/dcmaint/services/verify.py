"""``spare swap --verify``: ask the device itself whether the swap took.

A technician's word that the new part is in is not proof; the BMC's is. So
after the swap commits, the device is polled through its driver and the
slot must report the spare's serial with a healthy status (a consumable has
no serial: its slot must report healthy). The poll is also
recorded like ``health --record`` (the installed base and faults follow what
the device says, a still-broken slot reopens its fault), and the swap is
marked ``verified`` or ``unverified`` with what was seen.

A part is not always visible at once (a BMC may take minutes to inventory a
new supply), so a swap left ``unverified`` or ``not_checked`` can be
verified later: ``dcmaint spare verify SWAP`` polls again
(:func:`verify_later`), and ``health --record`` marks it verified when its
poll shows the spare healthy in the slot (:func:`pending_swaps`,
:func:`confirm`). Every outcome carries the next thing to do
(:func:`next_step`): verify, or take the ticket on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from dcmaint.domain.swaps import SwapRecord, Verification
from dcmaint.drivers.model import Component
from dcmaint.drivers.result import PollResult
from dcmaint.errors import Conflict
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.health import HealthRun, run_health
from dcmaint.store import queries
from dcmaint.store.models.depot import SwapRow
from dcmaint.store.unit import UnitOfWork


@dataclass(frozen=True)
class SwapOutcome:
    """A swap as recorded, and the one line that says what to do next (None: nothing left for the swap)."""

    swap: SwapRecord
    next_step: str | None


def next_step(swap: SwapRecord, ticket_state: str | None) -> str | None:
    """What the technician does after this swap: verify it, or move its ticket on (``ticket_state`` is its
    ticket's state, None without a ticket).

    >>> from datetime import datetime, UTC
    >>> swap = SwapRecord(7, "hq", "srv01", "psu:PSU 2", "5WBX", "866730-001", "exact", None, "hq", "5WB2", None,
    ...                   None, "T-2026-000001", "li.na", datetime.now(UTC), None, "verified", None, None)
    >>> next_step(swap, "in_progress")
    'next: `dcmaint ticket restore T-2026-000001` stops the SLA clock'
    """
    if swap.verification == Verification.UNVERIFIED:
        return _("next: check {slot} of {device}, then `dcmaint spare verify {id}` asks the device again").format(
            slot=swap.slot, device=swap.device, id=swap.id
        )
    if swap.verification == Verification.NOT_CHECKED:
        return _("next: `dcmaint spare verify {id}` asks the device whether it sees the spare").format(id=swap.id)
    if swap.ticket is not None and ticket_state == "in_progress":
        return _("next: `dcmaint ticket restore {ticket}` stops the SLA clock").format(ticket=swap.ticket)
    if swap.ticket is not None and ticket_state == "restored":
        return _("next: `dcmaint ticket fill {ticket} --actions TEXT` fills in the maintenance form").format(
            ticket=swap.ticket
        )
    return _("next: `dcmaint spare handover --site {site} --to NAME` when the customer takes the removed part").format(
        site=swap.site
    )


def outcome(context: Context, swap: SwapRecord) -> SwapOutcome:
    """The swap with its next step, its ticket's state read now."""
    state = None
    if swap.ticket is not None:
        from dcmaint.store import ticket_queries

        with context.read() as reader:
            state = ticket_queries.ticket_row(reader, swap.ticket).state
    return SwapOutcome(swap, next_step(swap, state))


def verify_later(context: Context, swap_id: int, timeout: float | None = None) -> SwapOutcome:
    """``dcmaint spare verify SWAP``: poll the device of a swap not verified yet and record its verdict (entry
    point). A verified swap, or one whose slot was swapped again since, is refused: nothing is polled."""
    from dcmaint.services.swap import swap_record
    from dcmaint.store.reader import as_datetime

    with context.write() as unit:  # read under the write lock: the checks hold for the swap as stored
        row = unit.session.get(SwapRow, swap_id)
        if row is None:
            from dcmaint.errors import NotFound

            raise NotFound(_("unknown swap {id}: `dcmaint spare swaps` lists them").format(id=swap_id))
        if row.verification == Verification.VERIFIED:
            raise Conflict(
                _("swap {id} is verified already ({when})").format(
                    id=swap_id,
                    when=as_datetime(row.verified_at).isoformat(timespec="seconds") if row.verified_at else "?",
                )
            )
        later = unit.session.scalars(
            select(SwapRow.id).where(
                SwapRow.device_id == row.device_id,
                SwapRow.kind == row.kind,
                SwapRow.location == row.location,
                SwapRow.id > row.id,
            )
        ).first()
        if later is not None:
            raise Conflict(
                _("swap {id} was followed by swap {later} in the same slot: verify that one").format(
                    id=swap_id, later=later
                )
            )
        swap = swap_record(unit, row)
    return outcome(context, verify_swap(context, swap, timeout))


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


def pending_swaps(unit: UnitOfWork) -> dict[int, list[SwapRow]]:
    """Swaps not verified yet, by device id (few at any time: one query for a whole ``health --record`` run)."""
    found: dict[int, list[SwapRow]] = {}
    for row in unit.session.scalars(
        select(SwapRow).where(SwapRow.verification != Verification.VERIFIED.value).order_by(SwapRow.id)
    ):
        found.setdefault(row.device_id, []).append(row)
    return found


def confirm(unit: UnitOfWork, rows: list[SwapRow], result: PollResult, when: datetime) -> int:
    """Mark verified each swap whose spare ``result`` shows healthy in its slot; the others stay as they are
    (a poll that does not show the part yet proves nothing against it). Returns how many were verified."""
    from dcmaint.services.swap import swap_record

    verified = 0
    for row in rows:
        swap = swap_record(unit, row)
        verdict, message = judge(result, swap)
        if verdict is not Verification.VERIFIED:
            continue
        row.verification, row.verified_at = verdict.value, when
        row.verify_message = _("{message} (seen by health --record)").format(message=message)
        unit.session.flush()
        unit.record(
            "swap", f"{swap.site}/{swap.device}:{swap.slot}", "verify", swap.as_json(), swap_record(unit, row).as_json()
        )
        verified += 1
    return verified


def judge(result: PollResult, swap: SwapRecord) -> tuple[Verification, str]:
    """Whether the poll shows the spare in its slot, healthy; and what was seen, in one line."""
    if result.report is None:
        return Verification.UNVERIFIED, _("the device could not be polled ({error}: {message})").format(
            error=result.error.value if result.error else "?", message=result.message or ""
        )
    kind, _sep, location = swap.slot.partition(":")
    found = [c for c in result.report.components if c.kind.value == kind and c.location == location]
    if not found:  # the same slot named with other spacing or case by a newer firmware
        from dcmaint.domain.matching import slot_key

        found = [
            c for c in result.report.components if c.kind.value == kind and slot_key(c.location) == slot_key(location)
        ]
    if not found:
        return Verification.UNVERIFIED, _("the device no longer reports {slot}").format(slot=swap.slot)
    component = found[0]
    if swap.spare_serial is None:
        return _judge_consumable(swap, component)
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


def _judge_consumable(swap: SwapRecord, component: Component) -> tuple[Verification, str]:
    """A consumable has no serial to look for: the slot reporting healthy again (the clogged-filter alarm gone)
    is the device's word that the new one is in."""
    if component.health.is_fault:
        reason = f" ({component.reason})" if component.reason else ""
        return Verification.UNVERIFIED, _("{slot} still reports {health}{reason} after the consumable {number}").format(
            slot=swap.slot, health=component.health.value, reason=reason, number=swap.part_number
        )
    return Verification.VERIFIED, _("{slot} reports {health} with the consumable {number}").format(
        slot=swap.slot, health=component.health.value, number=swap.part_number
    )


def store(
    unit: UnitOfWork, swap: SwapRecord, run: HealthRun, verdict: Verification, message: str, when: datetime
) -> SwapRecord:
    """Record the verdict and the poll in one transaction (the verdict first, so that recording the poll does
    not verify this swap a second time; it may verify the device's other pending swaps)."""
    from dcmaint.services.recording import record
    from dcmaint.services.swap import swap_record

    row = unit.session.scalars(select(SwapRow).where(SwapRow.id == swap.id)).one()
    before = swap.as_json()
    row.verification, row.verified_at, row.verify_message = verdict.value, when, message
    unit.session.flush()
    after = swap_record(unit, row)
    unit.record("swap", f"{swap.site}/{swap.device}:{swap.slot}", "verify", before, after.as_json())
    record(unit, run)
    return after
