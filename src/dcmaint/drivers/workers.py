"""Spreading a poll run over several processes, so that every core does its share.

Python runs one event loop per process on one core. Parsing answers and
driving HTTP for a thousand BMCs costs more CPU than one core has in the
run's deadline (measured: about 20 ms per Redfish BMC), so large runs are
split into interleaved shards, each polled by a forked worker with its own
event loop and its share of the concurrency bound. Workers stream each result
back as soon as it is ready, which keeps progress live and means a worker
that dies costs only the devices it had not finished. The shards are dealt
whole calls (:func:`dcmaint.drivers.batch.plan_calls`), so that the devices of
one batch are polled by one process in one call.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection, wait

from dcmaint.drivers.batch import plan_calls
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.runner import PollJob, Progress, poll_all, run_jobs
from dcmaint.i18n import _

#: With ``workers=0`` (automatic), runs smaller than this stay in one process: forking costs more than it saves.
AUTO_MIN_JOBS = 64
#: Seconds a worker gets beyond the longest its shard can take before it is stopped.
GRACE = 5.0


def worker_count(requested: int, jobs: int) -> int:
    """0 means automatic: every core for large runs, one process for small ones."""
    if requested == 0:
        requested = (os.cpu_count() or 1) if jobs >= AUTO_MIN_JOBS else 1
    return max(1, min(requested, jobs))


def _send_results(jobs: list[PollJob], concurrency: int, timeout: float, conn: Connection) -> None:
    import asyncio

    def send(result: PollResult, _done: int, _total: int) -> None:
        try:
            conn.send(result)
        except Exception as error:  # noqa: BLE001 - a report that cannot be pickled is that device's failure
            conn.send(
                PollResult.failed(
                    result.device,
                    result.driver,
                    ErrorKind.INVALID_REPORT,
                    _("driver returned a report that cannot be passed on: {error}").format(error=type(error).__name__),
                    result.duration,
                    result.polled_at,
                    result.site,
                )
            )

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(poll_all(jobs, concurrency=concurrency, timeout=timeout, progress=send, keep=False))
    finally:
        conn.close()


def run_sharded(
    jobs: Sequence[PollJob],
    *,
    workers: int,
    concurrency: int,
    timeout: float,
    progress: Progress | None = None,
) -> list[PollResult]:
    """Like :func:`run_jobs`, over ``workers`` forked processes; results in the order of ``jobs``."""
    calls = plan_calls(jobs)
    count = min(worker_count(workers, len(jobs)), len(calls))
    if count <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return run_jobs(jobs, concurrency=concurrency, timeout=timeout, progress=progress)
    context = multiprocessing.get_context("fork")
    dealt = [calls[start::count] for start in range(count)]  # interleaved calls, each whole in one shard
    shards = [[index for call in share_of_calls for index in call.jobs] for share_of_calls in dealt]
    share = max(1, math.ceil(concurrency / count))
    readers: dict[Connection, list[int]] = {}
    processes = []
    for shard in shards:
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(
            target=_send_results, args=([jobs[i] for i in shard], share, timeout, writer), daemon=True
        )
        process.start()
        writer.close()
        readers[reader] = shard
        processes.append(process)

    results: list[PollResult | None] = [None] * len(jobs)
    waiting = {index: (jobs[index].target.site, jobs[index].target.name) for index in range(len(jobs))}
    longest = max(len(share_of_calls) for share_of_calls in dealt)  # calls, each within ``timeout``
    deadline = time.monotonic() + timeout * math.ceil(longest / share) + GRACE
    done = 0
    while readers and time.monotonic() < deadline:
        for ready in wait(list(readers), timeout=max(0.0, deadline - time.monotonic())):
            if not isinstance(ready, Connection):  # wait() hands back what it was given: always a Connection here
                continue
            try:
                result: PollResult = ready.recv()
            except (EOFError, OSError):
                readers.pop(ready)
                continue
            shard = readers[ready]
            index = next(i for i in shard if i in waiting and waiting[i] == (result.site, result.device))
            del waiting[index]
            results[index] = result
            done += 1
            if progress is not None:
                progress(result, done, len(jobs))
    for process in processes:
        process.join(timeout=0.5)
        if process.is_alive():
            process.kill()
    for index in sorted(waiting):
        job = jobs[index]
        lost = PollResult.failed(
            job.target.name,
            job.driver_name,
            ErrorKind.CRASHED,
            _("the worker process polling it ended without a result"),
            site=job.target.site,
        )
        results[index] = lost
        done += 1
        if progress is not None:
            progress(lost, done, len(jobs))
    return [result for result in results if result is not None]
