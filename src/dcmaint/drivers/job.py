"""One call into a driver under a deadline, and what its answer is worth: shared by single and batch polls.

Every way a driver can misbehave (a contract error, any other exception, a
return value that is not a report, never returning at all) becomes a
:class:`~dcmaint.drivers.result.PollResult`; nothing a driver does escapes
as an exception. A call that overruns its deadline is cancelled and
abandoned, never awaited.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from dcmaint.drivers.base import Driver
from dcmaint.drivers.errors import DriverError, ErrorKind, describe
from dcmaint.drivers.report import DeviceReport
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.target import Target
from dcmaint.i18n import _

_abandoned: set[asyncio.Task[Any]] = set()


@dataclass(frozen=True)
class PollJob:
    """One device to poll with one driver instance (instances may be shared between jobs).

    ``spent`` is the part of the device's deadline already used before its poll (the lookup of its
    credential, :mod:`dcmaint.drivers.credentials`): one deadline covers everything done for a device.
    """

    target: Target
    driver: Driver
    spent: float = 0.0

    def left(self, timeout: float) -> float:
        """Seconds of a ``timeout``-second deadline this device's poll may still take."""
        return max(timeout - self.spent, 0.0)

    def timed_out(self, timeout: float, duration: float, polled_at: datetime) -> PollResult:
        """The result of a poll cut at its deadline, naming the deadline the user set and the lookup's share."""
        if self.spent > 0:
            message = _(
                "no answer within {seconds:g} s (the credential lookup took {spent:g} s of the {timeout:g} s deadline)"
            ).format(seconds=round(self.left(timeout), 2), spent=round(self.spent, 2), timeout=timeout)
        else:
            message = _("no answer within {seconds:g} s").format(seconds=timeout)
        return self.failed(ErrorKind.TIMED_OUT, message, duration, polled_at)

    @property
    def driver_name(self) -> str:
        return type(self.driver).name or type(self.driver).__name__

    def failed(self, kind: ErrorKind, message: str, duration: float, polled_at: datetime) -> PollResult:
        return PollResult.failed(
            self.target.name, self.driver_name, kind, message, duration, polled_at, self.target.site
        )


@dataclass(frozen=True)
class Attempt:
    """What one driver call came to: its return value, or why there is none (``kind`` and ``message``)."""

    value: Any
    kind: ErrorKind | None
    message: str
    started: float
    polled_at: datetime
    #: True when the deadline cut the call (not when the driver raised ``TimedOut`` itself).
    cut: bool = False

    @property
    def duration(self) -> float:
        return time.monotonic() - self.started


def abandon(task: asyncio.Task[Any]) -> None:
    """Cancel a task nobody will wait for, keep it referenced, and swallow its eventual outcome."""
    task.cancel()
    _abandoned.add(task)

    def forget(done: asyncio.Task[Any]) -> None:
        _abandoned.discard(done)
        if not done.cancelled():
            done.exception()  # retrieved, so asyncio does not log "exception was never retrieved"

    task.add_done_callback(forget)


def forget_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Drop the abandoned tasks of a closed loop."""
    _abandoned.difference_update([task for task in _abandoned if task.get_loop() is loop])


async def _guarded(call: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await call()
    except SystemExit as exit_:  # a driver must not end the program
        raise RuntimeError(f"SystemExit({exit_.code!r})") from None


def error_of(error: BaseException) -> tuple[ErrorKind, str]:
    """The result's kind and message for an exception a driver raised (or returned, in a batch answer)."""
    if isinstance(error, DriverError):
        kind = error.kind if isinstance(error.kind, ErrorKind) else ErrorKind.PROTOCOL_ERROR
        return kind, str(error) or kind.value
    return ErrorKind.CRASHED, _("driver crashed: {error}").format(error=describe(error))


async def attempt(call: Callable[[], Awaitable[Any]], timeout: float) -> Attempt:
    """Await ``call()`` for at most ``timeout`` seconds; never raises for anything the driver does."""
    started, polled_at = time.monotonic(), datetime.now(UTC)

    def outcome(value: Any = None, kind: ErrorKind | None = None, message: str = "", cut: bool = False) -> Attempt:
        return Attempt(value, kind, message, started, polled_at, cut)

    task = asyncio.ensure_future(_guarded(call))
    try:
        done, _pending = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        abandon(task)
        raise
    if not done:
        abandon(task)
        return outcome(
            kind=ErrorKind.TIMED_OUT, message=_("no answer within {seconds:g} s").format(seconds=timeout), cut=True
        )
    if task.cancelled():
        return outcome(kind=ErrorKind.CRASHED, message=_("driver crashed: its poll was cancelled"))
    try:
        error = task.exception()
        if error is not None:
            return outcome(None, *error_of(error))
        return outcome(task.result())
    except Exception as unreadable:  # noqa: BLE001 - e.g. an exception whose __str__ raises
        return outcome(kind=ErrorKind.CRASHED, message=unreadable_message(unreadable))


def unreadable_message(error: BaseException) -> str:
    return _("driver crashed: its result cannot be read ({type})").format(type=type(error).__name__)


def judge(job: PollJob, value: Any, duration: float, polled_at: datetime) -> PollResult:
    """The device's result for what the driver answered for it: a stored report, or ``invalid_report``."""
    if not isinstance(value, DeviceReport):
        return job.failed(
            ErrorKind.INVALID_REPORT,
            _("driver returned {type} instead of a DeviceReport").format(type=type(value).__name__),
            duration,
            polled_at,
        )
    report = replace(
        value,
        polled_at=value.polled_at or polled_at,
        duration=value.duration if value.duration is not None else round(duration, 3),
    )
    try:
        report.as_json()
    except (TypeError, ValueError) as error:
        return job.failed(
            ErrorKind.INVALID_REPORT,
            _("driver returned a report that cannot be stored: {error}").format(error=error),
            duration,
            polled_at,
        )
    return PollResult.success(job.target.name, job.driver_name, report, duration, polled_at, job.target.site)
