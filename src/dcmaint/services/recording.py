"""``health --record``: the latest report, the installed base and deduplicated faults.

A fault seen on every poll is one open fault with first/last seen; it closes
when a successful poll no longer shows it. A poll that failed (unreachable,
auth) proves nothing about the parts, so it leaves faults and the installed
base as they were. A swap not verified yet is marked verified when a poll
shows its spare healthy in the slot (:func:`dcmaint.services.verify.confirm`).
A fault that says a consumable is worn (a clogged CRAC filter) brings its
preventive task forward (:func:`dcmaint.services.preventive.fault_seen`).
Opening and closing a fault, a part changing its serial in a slot, and a swap
verified this way are audited; refreshing ``last_seen`` is not (it would
flood the log with one row per part per poll).

A fleet's run is recorded in chunks of :data:`CHUNK` devices, one transaction
each, with set-based SQL (:mod:`dcmaint.services.recording_batch`): a few
queries and bulk statements per chunk, whatever its size, so one transaction
never holds the whole fleet's locks. Collectors may record the same devices at
the same time: each chunk takes its devices' locks in a fixed (sorted) order,
so they take turns, and a chunk that still collides is run again on its own
(:mod:`dcmaint.store.retry`); the chunks committed before it stay.
Recording is idempotent: a poll no newer than the one already stored (the
same poll twice, or a slower collector's older one) changes nothing, so a
fault is opened once and gets one ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from dcmaint.drivers.result import PollResult

if TYPE_CHECKING:  # the ORM and the batch code are imported when a run is recorded, not with this module:
    # ``health --record`` imports it before polling, and records in a thread once the poll is under way
    from dcmaint.services import recording_batch
    from dcmaint.services.context import Context
    from dcmaint.services.health import HealthRun
    from dcmaint.store.models.health import FaultRow
    from dcmaint.store.unit import UnitOfWork

#: Devices recorded per transaction by :func:`record_run`: few enough that one transaction holds the locks of
#: a few hundred devices for a fraction of a second, many enough that the per-transaction cost (the locks, the
#: audit head, the commit) is spread thin.
CHUNK = 250


@dataclass(frozen=True)
class RecordSummary:
    devices: int
    opened: int
    closed: int
    still_open: int
    swaps_verified: int = 0  # pending swaps this run's polls showed done
    archived: int = 0  # polls that changed a device's configuration: each a new version of its archive file


def fault_json(device: str, row: FaultRow) -> dict[str, object]:
    return {
        "device": device,
        "kind": row.kind,
        "location": row.location,
        "health": row.health,
        "reason": row.reason,
        "part_number": row.part_number,
        "spare_part_number": row.spare_part_number,
        "serial": row.serial,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
    }


def record(unit: UnitOfWork, run: HealthRun) -> RecordSummary:
    """Store one health run in ``unit``; registered devices only (ad-hoc targets have nowhere to go).

    Set-based (:mod:`dcmaint.services.recording_batch`): a few queries for the whole run, not a few per device.
    A device whose configuration changed gets a new version of its archive file
    (:func:`dcmaint.services.archive.archive_polls`: one query for the whole run).
    """
    from dcmaint.services import recording_batch

    return _record(unit, recording_batch.resolve(unit, run.results))


def _record(unit: UnitOfWork, polled: Sequence[recording_batch.Polled]) -> RecordSummary:
    from dcmaint.services import recording_batch
    from dcmaint.services.archive import archive_polls

    tally = recording_batch.Tally()
    recording_batch.record_polled(unit, polled, tally)
    archived = len(archive_polls(unit, tally.answered))
    return RecordSummary(tally.devices, tally.opened, tally.closed, tally.still_open, tally.verified, archived)


def chunks(results: Sequence[PollResult], size: int) -> list[Sequence[PollResult]]:
    """The registered devices' results of a run in slices of ``size``, in the run's order (at least one slice,
    empty for a run of ad-hoc targets only, so that recording it still opens the store as before).

    >>> [len(part) for part in chunks([], 3)]
    [0]
    """
    if size < 1:
        raise ValueError(f"chunk size {size} is not a positive number")
    registered = [result for result in results if result.site is not None]
    return [registered[start : start + size] for start in range(0, len(registered), size)] or [[]]


def record_run(
    context: Context, run: HealthRun, *, open_tickets: bool, chunk: int = CHUNK
) -> tuple[RecordSummary, tuple[str, ...] | None]:
    """Store ``run`` and, with ``open_tickets``, open tickets for its faults, safely beside other collectors
    (see the module's docstring): ``chunk`` devices per transaction, each retried on its own; the summary
    and the tickets opened (None when not asked). A run still polling is recorded as its results arrive by
    :class:`dcmaint.services.recording_stream.StreamRecorder`."""
    summaries: list[RecordSummary] = []
    opened: list[str] = []
    for part in chunks(run.results, chunk):
        summary, tickets = record_chunk(context, part, open_tickets=open_tickets)
        summaries.append(summary)
        opened.extend(tickets)
    return sum_summaries(summaries), (tuple(opened) if open_tickets else None)


def record_chunk(
    context: Context, part: Sequence[PollResult], *, open_tickets: bool
) -> tuple[RecordSummary, list[str]]:
    """One chunk of registered devices' results in one transaction, retried on its own: its devices' locks in
    one statement, the polls recorded, tickets opened for their faults when asked."""
    from dcmaint.services.fault_tickets import open_for_faults

    def work(unit: UnitOfWork) -> tuple[RecordSummary, list[str]]:
        from dcmaint.services import recording_batch

        polled = recording_batch.resolve(unit, part)
        ids = [p.device.id for p in polled]
        unit.serialise("device", ids)
        summary = _record(unit, polled)
        return summary, (open_for_faults(unit, ids) if open_tickets else [])

    return context.retried(work)


def sum_summaries(summaries: Sequence[RecordSummary]) -> RecordSummary:
    """The summaries of a run's chunks as one."""
    return RecordSummary(*(sum(getattr(s, f.name) for s in summaries) for f in fields(RecordSummary)))
