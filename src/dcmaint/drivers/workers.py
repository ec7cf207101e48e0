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

Stopping: the parent decides. Workers ignore SIGINT (Ctrl-C reaches the
whole process group); on Ctrl-C or SIGTERM the parent sends each worker
SIGTERM, which cancels its polls so that they log out, waits a bounded time
and then kills what is left. A worker whose parent is gone (kill -9) gets
SIGTERM from Linux (``PR_SET_PDEATHSIG``); elsewhere it notices through
``getppid()`` or its broken pipe, and stops the same way. Each worker closes
the pipe ends it inherited from its siblings, so that a pipe whose reader is
gone breaks instead of blocking a writer forever.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection, wait

from dcmaint import signals
from dcmaint.drivers.batch import plan_calls
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.runner import STOP_GRACE, PollJob, Progress, run_jobs
from dcmaint.i18n import _

#: With ``workers=0`` (automatic), runs smaller than this stay in one process: forking costs more than it saves.
AUTO_MIN_JOBS = 64
#: Seconds a worker gets beyond the longest its shard can take before it is stopped.
GRACE = 5.0
#: Seconds a worker told to stop (SIGTERM) gets to log out and exit before it is killed.
STOP_WAIT = STOP_GRACE + 2.0
#: Seconds between a worker's checks that its parent is still there (where Linux does not tell it).
PARENT_CHECK = 0.5


def worker_count(requested: int, jobs: int) -> int:
    """0 means automatic: every core for large runs, one process for small ones."""
    if requested == 0:
        requested = (os.cpu_count() or 1) if jobs >= AUTO_MIN_JOBS else 1
    return max(1, min(requested, jobs))


def _stop_self() -> None:
    """Stop this worker as if told to (SIGTERM): its polls are cancelled and log out."""
    os.kill(os.getpid(), signal.SIGTERM)


def _watch_parent(parent: int) -> None:
    """Where no death signal comes (not Linux, or the parent died before it was asked for): poll getppid()."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        _stop_self()

    threading.Thread(target=watch, name="dcmaint-parent-watch", daemon=True).start()


def _send_results(
    jobs: list[PollJob],
    concurrency: int,
    timeout: float,
    conn: Connection,
    foreign: list[Connection | int],
    parent: int,
) -> None:
    """A worker's life. It starts with SIGINT and SIGTERM blocked (the parent forks with them blocked)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    for other in foreign:  # the parent's ends: every result pipe's reader, multiprocessing's pipes to earlier workers
        if isinstance(other, Connection):
            other.close()
        else:
            with contextlib.suppress(OSError):
                os.close(other)
    signals.die_with_parent(signal.SIGTERM)
    _watch_parent(parent)
    gone = False

    def send(result: PollResult, _done: int, _total: int) -> None:
        nonlocal gone
        if gone:
            return
        try:
            try:
                conn.send(result)  # pickled whole before anything is written
            except OSError:
                raise
            except Exception as error:  # noqa: BLE001 - a report that cannot be pickled is that device's failure
                conn.send(_unpassable(result, error))
        except OSError:  # the parent is gone or has stopped reading: stop, logging out
            gone = True
            _stop_self()

    try:
        with signals.raising():  # SIGTERM before the loop takes it over: unwind at once
            signal.pthread_sigmask(signal.SIG_UNBLOCK, signals.STOPPING)
            run_jobs(jobs, concurrency=concurrency, timeout=timeout, progress=send, keep=False)
    except signals.Stopped:
        pass  # told to stop, or the parent is gone: the polls have logged out
    finally:
        conn.close()


def _unpassable(result: PollResult, error: Exception) -> PollResult:
    return PollResult.failed(
        result.device,
        result.driver,
        ErrorKind.INVALID_REPORT,
        _("driver returned a report that cannot be passed on: {error}").format(error=type(error).__name__),
        result.duration,
        result.polled_at,
        result.site,
    )


def _pipe_fds() -> set[int]:
    """This process's file descriptors that are pipes (Linux; elsewhere none are found)."""
    import stat

    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return set()
    found = set()
    for name in names:
        with contextlib.suppress(OSError):
            if stat.S_ISFIFO(os.fstat(int(name)).st_mode):
                found.add(int(name))
    return found


def _stop(processes: list[multiprocessing.process.BaseProcess], wait_for: float) -> None:
    """SIGTERM to every worker still running, ``wait_for`` seconds at most for them to exit, then kill."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + wait_for
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(timeout=1.0)


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
    processes: list[multiprocessing.process.BaseProcess] = []
    results: list[PollResult | None] = [None] * len(jobs)
    waiting = {index: (jobs[index].target.site, jobs[index].target.name) for index in range(len(jobs))}
    parent_ends: set[int] = set()  # the parent's ends of earlier workers' pipes: later workers close them
    done = 0
    finished = False
    try:
        for shard in shards:
            reader, writer = context.Pipe(duplex=False)
            foreign: list[Connection | int] = [*readers, reader, *parent_ends]
            process = context.Process(
                target=_send_results,
                args=([jobs[i] for i in shard], share, timeout, writer, foreign, os.getpid()),
                daemon=True,
            )
            with signals.blocked():  # the worker starts with them blocked, until it has set its own handling
                before = _pipe_fds()
                process.start()
                parent_ends.update(_pipe_fds() - before or {process.sentinel})  # multiprocessing's own pipes
                processes.append(process)
                writer.close()
                readers[reader] = shard

        longest = max(len(share_of_calls) for share_of_calls in dealt)  # calls, each within ``timeout``
        deadline = time.monotonic() + timeout * math.ceil(longest / share) + GRACE
        while readers and time.monotonic() < deadline:
            for ready in wait(list(readers), timeout=max(0.0, deadline - time.monotonic())):
                if not isinstance(ready, Connection):  # wait() hands back what it was given: always a Connection
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
        finished = True
    finally:
        for reader in readers:  # a worker still sending gets a broken pipe and stops instead of blocking
            reader.close()
        with signals.blocked():  # a second Ctrl-C waits until the workers have been stopped
            if finished:
                for worker in processes:
                    worker.join(timeout=0.5)
            _stop(processes, STOP_WAIT)
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
