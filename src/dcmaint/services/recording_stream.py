"""Recording a run while it is still polling: ``health --record`` stores each chunk as soon as it is complete.

A fleet's poll spends most of its wall time waiting for devices, and the
process that started it only reads results off its workers' pipes. Recording
the run after the last device has answered adds all of its recording to the
wall time; recording chunks of :data:`dcmaint.services.recording.CHUNK`
results as they arrive, in a thread beside the poll, adds only what is left
when the poll ends (measured in docs/performance.md). The chunks are recorded
exactly as :func:`dcmaint.services.recording.record_run` records a finished
run's (one transaction each, retried on its own), in the order the results
arrived rather than the devices' order: each device's audit entries still
come together and in their own order.

The thread writes one chunk at a time. While it has nothing to write it takes
a smaller part (a fifth of a chunk, :data:`LEAST_SHARE`), so that what is left
when the poll ends is what arrived during the last write rather than up to a
whole chunk. Where the chunks fall changes nothing but for a device polled
twice in one run: as in two runs, a fault its first poll opens and its second
closes gets a ticket when the polls fall in two chunks. A chunk that fails (the store
unreachable after its retries) ends the recording: later results are not
recorded and :meth:`StreamRecorder.finish` raises the error, as record_run
would have at that chunk. Stopping the run (Ctrl-C, SIGTERM) lets the chunk
being written commit or roll back, records nothing more, and keeps what was
committed before, as a rerun would record it anyway.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from dcmaint.drivers.result import PollResult
from dcmaint.services.recording import CHUNK, RecordSummary, record_chunk, sum_summaries

if TYPE_CHECKING:
    from dcmaint.services.context import Context
    from dcmaint.services.health import HealthRun

log = logging.getLogger(__name__)

#: A thread with nothing to write takes a part of a chunk as small as ``chunk // LEAST_SHARE``: what is pending
#: when the poll ends is then what arrived during the last write, not up to a whole chunk.
LEAST_SHARE = 5


class StreamRecorder:
    """Takes a run's results one by one (:meth:`add`, from the poll's progress callback) and records them in
    chunks in its own thread; :meth:`finish` records the rest once the run is over. Use it as a context
    manager, so that a run that fails or is stopped does not leave the thread behind."""

    def __init__(self, context: Context, *, open_tickets: bool, chunk: int = CHUNK, least: int | None = None) -> None:
        if chunk < 1:
            raise ValueError(f"chunk size {chunk} is not a positive number")
        if least is not None and not 1 <= least <= chunk:
            raise ValueError(f"least part {least} is not between 1 and the chunk size {chunk}")
        self._context = context
        self._open_tickets = open_tickets
        self._chunk = chunk
        self._least = least if least is not None else max(1, chunk // LEAST_SHARE)
        self._pending: list[PollResult] = []
        self._submitted = 0  # chunks handed to the thread
        self._added: set[int] = set()  # id() of the results taken, so that finish() adds only the others
        self._parts: queue.Queue[Sequence[PollResult] | None] = queue.Queue()
        self._summaries: list[RecordSummary] = []
        self._tickets: list[str] = []
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._idle = threading.Event()  # the thread waits for a chunk: a smaller one is worth handing over
        self._idle.set()
        # started with the first chunk: by then the poll has forked its worker processes, and a process should
        # not fork while it runs another thread (the child would inherit the locks that thread holds)
        self._thread = threading.Thread(target=self._write, name="dcmaint-record", daemon=False)

    def add(self, result: PollResult) -> None:
        """One result as it arrives; ad-hoc targets (no site) have nowhere to go and are left out."""
        self._added.add(id(result))
        if result.site is None:
            return
        self._pending.append(result)
        if len(self._pending) >= self._chunk or (self._idle.is_set() and len(self._pending) >= self._least):
            self._submit()

    def finish(self, run: HealthRun) -> tuple[RecordSummary, tuple[str, ...] | None]:
        """Record what is left of ``run`` (the results not added, such as the devices settled without a poll,
        then the last partial chunk), wait for the thread, and sum up as record_run does; raises the error of a
        chunk that failed."""
        ended = time.perf_counter()
        for result in run.results:
            if id(result) not in self._added:
                self.add(result)
        if self._pending or not self._submitted:
            self._submit()  # an empty run still opens the store once, as record_run does
        self._parts.put(None)
        self._thread.join()
        log.debug("recording finished %.2f s after the poll ended", time.perf_counter() - ended)
        if self._error is not None:
            raise self._error
        return sum_summaries(self._summaries), (tuple(self._tickets) if self._open_tickets else None)

    def _submit(self) -> None:
        if not self._submitted:
            self._thread.start()
        self._idle.clear()
        self._parts.put(self._pending)
        self._pending = []
        self._submitted += 1

    def _write(self) -> None:
        while (part := self._parts.get()) is not None:
            if self._stop.is_set() or self._error is not None:
                continue  # stopped or failed: what is left is drained, not written
            try:
                started = time.perf_counter()
                summary, tickets = record_chunk(self._context, part, open_tickets=self._open_tickets)
                log.debug("recorded a chunk of %d results in %.2f s", len(part), time.perf_counter() - started)
            except BaseException as error:  # noqa: BLE001 - handed to the caller's thread by finish()
                self._error = error
                continue
            self._summaries.append(summary)
            self._tickets.extend(tickets)
            if self._parts.empty():
                self._idle.set()

    def __enter__(self) -> StreamRecorder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._thread.is_alive():  # the run failed or was stopped before finish(): write nothing more
            self._stop.set()
            self._parts.put(None)
            self._thread.join()
