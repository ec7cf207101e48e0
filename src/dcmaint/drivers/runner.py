"""Polling many devices at once without letting one of them spoil the run.

Concurrency is bounded by a semaphore; each driver call gets a deadline; and
every way a driver can misbehave becomes that device's
:class:`~dcmaint.drivers.result.PollResult` (:mod:`dcmaint.drivers.job`). A
driver that polls several devices in one call (``poll_batch``) takes one
concurrency slot and one deadline per call (:mod:`dcmaint.drivers.batch`);
each device still gets its own result. A call that overruns its deadline is
cancelled and abandoned, never awaited: the run ends on time even when a
worker thread is stuck in a blocking call.

:func:`run_discovery` asks one driver for the devices behind a manager
endpoint (``Driver.discover``) with the same deadline and isolation.

Use :func:`run_jobs` from synchronous code (the CLI); it owns its event loop
so that it can refuse to wait for stuck tasks and threads at the end, which
``asyncio.run`` would do. :func:`poll_all` is the same for callers that
already run a loop.

Ctrl-C and SIGTERM while :func:`run_jobs` runs cancel every poll in flight;
the drivers' ``finally`` blocks get :data:`STOP_GRACE` seconds to log out of
their devices before the loop closes, and then :func:`run_jobs` raises
:class:`dcmaint.signals.Interrupted` or :class:`~dcmaint.signals.Terminated`
(:mod:`dcmaint.signals`). Cancellation is the only way the core stops a
driver: the protocol's clean-up stays in the driver.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from dcmaint import signals
from dcmaint.config import RunnerSettings
from dcmaint.drivers.base import Driver
from dcmaint.drivers.batch import Call, plan_calls, poll_group, refused
from dcmaint.drivers.discovery import Discovery, judge_found
from dcmaint.drivers.job import PollJob, attempt, forget_loop, judge
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.target import Target
from dcmaint.drivers.threads import DaemonExecutor

log = logging.getLogger("dcmaint.drivers.runner")
T = TypeVar("T")

# The configuration's defaults; callers pass ``config.runner.concurrency`` and ``config.runner.timeout``.
DEFAULT_CONCURRENCY = RunnerSettings.concurrency
DEFAULT_TIMEOUT = RunnerSettings.timeout
CLOSE_GRACE = 0.5  # seconds cancelled tasks get to finish when the run closes its loop
#: Seconds cancelled polls get to log out of their devices after Ctrl-C or SIGTERM (a driver's logout
#: reserve is at most 3 s, and a login in flight may need as long again before its session can be deleted).
STOP_GRACE = 6.0

#: Called after each device with (its result, devices done, devices in the run).
Progress = Callable[[PollResult, int, int], None]

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_TIMEOUT",
    "PollJob",
    "Progress",
    "discover_one",
    "poll_all",
    "poll_one",
    "run_discovery",
    "run_jobs",
]


async def poll_one(job: PollJob, timeout: float) -> PollResult:
    """Poll one device within what is left of its ``timeout``-second deadline; never raises for what the driver does."""
    tried = await attempt(lambda: job.driver.poll(job.target), job.left(timeout))
    if tried.cut:
        return job.timed_out(timeout, tried.duration, tried.polled_at)
    if tried.kind is not None:
        return job.failed(tried.kind, tried.message, tried.duration, tried.polled_at)
    return judge(job, tried.value, tried.duration, tried.polled_at)


async def _poll_call(jobs: Sequence[PollJob], call: Call, timeout: float, gate: asyncio.Semaphore) -> list[PollResult]:
    chosen = [jobs[index] for index in call.jobs]
    if call.problem is not None:
        return refused(chosen, call.problem)
    async with gate:
        if call.batch:
            return await poll_group(chosen, timeout)
        return [await poll_one(chosen[0], timeout)]


async def poll_all(
    jobs: Sequence[PollJob],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    keep: bool = True,
) -> list[PollResult]:
    """Poll every job, at most ``concurrency`` calls at a time; results in the order of ``jobs``.

    ``keep=False`` hands each result to ``progress`` only and returns nothing: a worker process that
    streams its results to the parent need not hold a thousand reports until the end.
    """
    if concurrency < 1 or timeout <= 0:
        raise ValueError("concurrency must be at least 1 and timeout above 0")
    gate = asyncio.Semaphore(concurrency)
    results: list[PollResult | None] = [None] * len(jobs)
    finished = 0

    async def one(call: Call) -> None:
        nonlocal finished
        for index, result in zip(call.jobs, await _poll_call(jobs, call, timeout, gate), strict=True):
            if keep:
                results[index] = result
            finished += 1
            if progress is not None:
                progress(result, finished, len(jobs))

    await asyncio.gather(*(one(call) for call in plan_calls(jobs)))
    return [result for result in results if result is not None]


def run_jobs(
    jobs: Sequence[PollJob],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    keep: bool = True,
) -> list[PollResult]:
    """Synchronous :func:`poll_all` on a private event loop that never waits for stuck work when it closes.

    Raises :class:`dcmaint.signals.Stopped` after Ctrl-C or SIGTERM, once the cancelled polls have
    logged out (or :data:`STOP_GRACE` has passed), even when every poll happened to finish meanwhile.
    """
    return run_private(poll_all(jobs, concurrency=concurrency, timeout=timeout, progress=progress, keep=keep))


async def discover_one(driver: Driver, target: Target, timeout: float, spent: float = 0.0) -> Discovery:
    """Ask ``driver`` for the devices behind ``target`` within what is left of ``timeout`` seconds (``spent``
    went on the credential lookup); never raises for what the driver does."""
    left = max(timeout - spent, 0.0)
    tried = await attempt(lambda: driver.discover(target), left)
    if tried.kind is not None:
        return Discovery(kind=tried.kind, message=tried.message, duration=tried.duration)
    return judge_found(tried.value, tried.duration)


def run_discovery(driver: Driver, target: Target, *, timeout: float = DEFAULT_TIMEOUT, spent: float = 0.0) -> Discovery:
    """Synchronous :func:`discover_one` on a private event loop, isolated like a run's polls (:func:`run_jobs`)."""
    if timeout <= 0:
        raise ValueError("timeout must be above 0")
    return run_private(discover_one(driver, target, timeout, spent))


def run_private(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` on its own event loop whose default executor never waits, cancelled by Ctrl-C or SIGTERM."""
    loop = asyncio.new_event_loop()
    loop.set_default_executor(DaemonExecutor())
    loop.set_exception_handler(_quiet_handler)
    main = loop.create_task(work)
    with signals.cancelling(loop, main.cancel) as stop:
        try:
            results = loop.run_until_complete(main)
        except asyncio.CancelledError:
            if stop.caught is None:
                raise
            raise stop.caught from None
        finally:
            _close(loop, STOP_GRACE if stop.caught is not None else 0.0)
        if stop.caught is not None:
            raise stop.caught
    return results


def _quiet_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # Abandoned tasks are expected; they are logged, not printed.
    log.debug("event loop: %s", context.get("message"))


def _close(loop: asyncio.AbstractEventLoop, settle: float = 0.0) -> None:
    """Let what is left finish for ``settle`` seconds, cancel the rest, then close without waiting for it.

    After Ctrl-C or SIGTERM the polls are already cancelled and are logging out: cancelling them
    again would also cancel the work they shield meanwhile (a login in flight whose session must
    be learnt to be deleted), so they first get ``settle`` seconds to end on their own.
    """
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if pending and settle > 0:
        loop.run_until_complete(asyncio.wait(pending, timeout=settle))
        pending = [task for task in pending if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=CLOSE_GRACE))
    generators = loop.create_task(loop.shutdown_asyncgens())
    loop.run_until_complete(asyncio.wait({generators}, timeout=CLOSE_GRACE))
    loop.close()
    forget_loop(loop)
