"""Polling many devices at once without letting one of them spoil the run.

Concurrency is bounded by a semaphore; each device gets a deadline; and every
way a driver can misbehave (a contract error, any other exception, a return
value that is not a report, never returning at all) becomes that device's
:class:`~dcmaint.drivers.result.PollResult`. A poll that overruns its deadline
is cancelled and abandoned, never awaited: the run ends on time even when a
worker thread is stuck in a blocking call.

Use :func:`run_jobs` from synchronous code (the CLI); it owns its event loop
so that it can refuse to wait for stuck tasks and threads at the end, which
``asyncio.run`` would do. :func:`poll_all` is the same for callers that
already run a loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from dcmaint.config import RunnerSettings
from dcmaint.drivers.base import Driver
from dcmaint.drivers.errors import DriverError, ErrorKind
from dcmaint.drivers.manager import describe
from dcmaint.drivers.report import DeviceReport
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.target import Target
from dcmaint.drivers.threads import DaemonExecutor
from dcmaint.i18n import _

log = logging.getLogger("dcmaint.drivers.runner")

# The configuration's defaults; callers pass ``config.runner.concurrency`` and ``config.runner.timeout``.
DEFAULT_CONCURRENCY = RunnerSettings.concurrency
DEFAULT_TIMEOUT = RunnerSettings.timeout
CLOSE_GRACE = 0.5  # seconds cancelled tasks get to finish when the run closes its loop

#: Called after each device with (its result, devices done, devices in the run).
Progress = Callable[[PollResult, int, int], None]

_abandoned: set[asyncio.Task[Any]] = set()


@dataclass(frozen=True)
class PollJob:
    """One device to poll with one driver instance (instances may be shared between jobs)."""

    target: Target
    driver: Driver

    @property
    def driver_name(self) -> str:
        return type(self.driver).name or type(self.driver).__name__


def _abandon(task: asyncio.Task[Any]) -> None:
    """Cancel a task nobody will wait for, keep it referenced, and swallow its eventual outcome."""
    task.cancel()
    _abandoned.add(task)

    def forget(done: asyncio.Task[Any]) -> None:
        _abandoned.discard(done)
        if not done.cancelled():
            done.exception()  # retrieved, so asyncio does not log "exception was never retrieved"

    task.add_done_callback(forget)


async def _call_poll(job: PollJob) -> Any:
    try:
        return await job.driver.poll(job.target)
    except SystemExit as exit_:  # a driver must not end the program
        raise RuntimeError(f"SystemExit({exit_.code!r})") from None


def _judge(job: PollJob, value: Any, started: float, polled_at: datetime) -> PollResult:
    name, site = job.driver_name, job.target.site
    duration = time.monotonic() - started
    if not isinstance(value, DeviceReport):
        return PollResult.failed(job.target.name, name, ErrorKind.INVALID_REPORT,
                                 _("driver returned {type} instead of a DeviceReport").format(type=type(value).__name__),
                                 duration, polled_at, site)
    report = replace(value, polled_at=value.polled_at or polled_at,
                     duration=value.duration if value.duration is not None else round(duration, 3))
    try:
        report.as_json()
    except (TypeError, ValueError) as error:
        return PollResult.failed(job.target.name, name, ErrorKind.INVALID_REPORT,
                                 _("driver returned a report that cannot be stored: {error}").format(error=error),
                                 duration, polled_at, site)
    return PollResult.success(job.target.name, name, report, duration, polled_at, site)


async def poll_one(job: PollJob, timeout: float) -> PollResult:
    """Poll one device within ``timeout`` seconds; never raises for anything the driver does."""
    started, polled_at = time.monotonic(), datetime.now(timezone.utc)
    name, device, site = job.driver_name, job.target.name, job.target.site

    def failed(kind: ErrorKind, message: str) -> PollResult:
        return PollResult.failed(device, name, kind, message, time.monotonic() - started, polled_at, site)

    task = asyncio.ensure_future(_call_poll(job))
    try:
        done, _pending = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        _abandon(task)
        raise
    if not done:
        _abandon(task)
        return failed(ErrorKind.TIMED_OUT, _("no answer within {seconds:g} s").format(seconds=timeout))
    if task.cancelled():
        return failed(ErrorKind.CRASHED, _("driver crashed: its poll was cancelled"))
    error = task.exception()
    try:
        if isinstance(error, DriverError):
            kind = error.kind if isinstance(error.kind, ErrorKind) else ErrorKind.PROTOCOL_ERROR
            return failed(kind, str(error) or kind.value)
        if error is not None:
            return failed(ErrorKind.CRASHED, _("driver crashed: {error}").format(error=describe(error)))
        return _judge(job, task.result(), started, polled_at)
    except Exception as unreadable:  # noqa: BLE001 - e.g. an exception whose __str__ raises
        return failed(ErrorKind.CRASHED, _("driver crashed: its result cannot be read ({type})").format(
            type=type(unreadable).__name__))


async def poll_all(
    jobs: Sequence[PollJob],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    keep: bool = True,
) -> list[PollResult]:
    """Poll every job, at most ``concurrency`` at a time; results in the order of ``jobs``.

    ``keep=False`` hands each result to ``progress`` only and returns nothing: a worker process that
    streams its results to the parent need not hold a thousand reports until the end.
    """
    if concurrency < 1 or timeout <= 0:
        raise ValueError("concurrency must be at least 1 and timeout above 0")
    gate = asyncio.Semaphore(concurrency)
    results: list[PollResult | None] = [None] * len(jobs)
    finished = 0

    async def one(index: int, job: PollJob) -> None:
        nonlocal finished
        async with gate:
            result = await poll_one(job, timeout)
        if keep:
            results[index] = result
        finished += 1
        if progress is not None:
            progress(result, finished, len(jobs))

    await asyncio.gather(*(one(index, job) for index, job in enumerate(jobs)))
    return [result for result in results if result is not None]


def run_jobs(
    jobs: Sequence[PollJob],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> list[PollResult]:
    """Synchronous :func:`poll_all` on a private event loop that never waits for stuck work when it closes."""
    loop = asyncio.new_event_loop()
    loop.set_default_executor(DaemonExecutor())
    loop.set_exception_handler(_quiet_handler)
    try:
        return loop.run_until_complete(poll_all(jobs, concurrency=concurrency, timeout=timeout, progress=progress))
    finally:
        _close(loop)


def _quiet_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # Abandoned tasks are expected; they are logged, not printed.
    log.debug("event loop: %s", context.get("message"))


def _close(loop: asyncio.AbstractEventLoop) -> None:
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=CLOSE_GRACE))
    generators = loop.create_task(loop.shutdown_asyncgens())
    loop.run_until_complete(asyncio.wait({generators}, timeout=CLOSE_GRACE))
    loop.close()
    _abandoned.difference_update([task for task in _abandoned if task.get_loop() is loop])
