"""Batch polling: the calls a run makes, and one call that answers for several devices.

A driver that implements ``poll_batch`` (every host of one vCenter in one
PropertyCollector pass, every shelf of one array) is called once per group of
targets with equal ``batch_key``; every other driver once per target. Either
way each device gets its own :class:`~dcmaint.drivers.result.PollResult`: a
group's call that raises or overruns its deadline fails each of its devices
with that reason, and a device missing from the answer is that device's
``invalid_report``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from dcmaint.drivers.base import Driver
from dcmaint.drivers.errors import ErrorKind, describe
from dcmaint.drivers.job import PollJob, attempt, error_of, judge, unreadable_message
from dcmaint.drivers.result import PollResult
from dcmaint.i18n import _

_MISSING = object()


@dataclass(frozen=True)
class Call:
    """One call into a driver: the indices of the run's jobs it answers for, in the run's order.

    ``batch`` says whether it is a ``poll_batch`` call (else ``poll`` of its one job); ``problem``,
    when set, is why no call is made at all (the driver's ``batch_key`` failed): each job is crashed.
    """

    jobs: tuple[int, ...]
    batch: bool = False
    problem: str | None = None


def _batches(driver_class: type[Driver], known: dict[type[Driver], bool]) -> bool:
    if driver_class not in known:
        known[driver_class] = "poll_batch" in driver_class.capabilities()
    return known[driver_class]


def plan_calls(jobs: Sequence[PollJob]) -> list[Call]:
    """The calls that poll ``jobs``, ordered by each call's first job.

    Jobs of one batch driver *instance* with equal keys share a call; a job whose target name is
    already in that call starts another one, because the answer is keyed by name (two sites may each
    have an ``srv01`` behind one manager).
    """
    batching: dict[type[Driver], bool] = {}
    calls: list[list[int] | Call] = []
    open_calls: dict[tuple[int, str], list[list[int]]] = {}
    for index, job in enumerate(jobs):
        if not _batches(type(job.driver), batching):
            calls.append(Call((index,)))
            continue
        try:
            key = job.driver.batch_key(job.target)
            if not isinstance(key, str):
                raise TypeError(f"batch_key returned {type(key).__name__}, not str")
        except Exception as error:  # noqa: BLE001 - plugin code; costs this device only
            calls.append(Call((index,), problem=_("driver crashed: {error}").format(error=describe(error))))
            continue
        groups = open_calls.setdefault((id(job.driver), key), [])
        group = next((g for g in groups if all(jobs[i].target.name != job.target.name for i in g)), None)
        if group is None:
            group = []
            groups.append(group)
            calls.append(group)
        group.append(index)
    return [call if isinstance(call, Call) else Call(tuple(call), batch=True) for call in calls]


async def poll_group(jobs: Sequence[PollJob], timeout: float) -> list[PollResult]:
    """One ``poll_batch`` call for ``jobs`` (one driver instance, distinct names) within ``timeout``; never raises.

    Results are in the order of ``jobs``; each device is charged the batch's duration. The call ends
    when the first of its devices' deadlines does (they differ when credential lookups took a share).
    """
    driver = jobs[0].driver
    targets = tuple(job.target for job in jobs)
    tried = await attempt(lambda: driver.poll_batch(targets), min(job.left(timeout) for job in jobs))
    duration, polled_at = tried.duration, tried.polled_at
    if tried.cut:
        return [job.timed_out(timeout, duration, polled_at) for job in jobs]
    if tried.kind is not None:
        return [job.failed(tried.kind, tried.message, duration, polled_at) for job in jobs]
    answer = tried.value
    if not isinstance(answer, Mapping):
        message = _("driver returned {type} instead of a mapping of device names to reports").format(
            type=type(answer).__name__
        )
        return [job.failed(ErrorKind.INVALID_REPORT, message, duration, polled_at) for job in jobs]
    return [_one(job, answer, duration, polled_at) for job in jobs]


def _one(job: PollJob, answer: Mapping[object, object], duration: float, polled_at: datetime) -> PollResult:
    try:
        value = answer.get(job.target.name, _MISSING)
        if value is _MISSING:
            return job.failed(
                ErrorKind.INVALID_REPORT,
                _("the driver's batch answer has no entry for this device"),
                duration,
                polled_at,
            )
        if isinstance(value, BaseException):
            return job.failed(*error_of(value), duration, polled_at)
        return judge(job, value, duration, polled_at)
    except Exception as unreadable:  # noqa: BLE001 - a mapping or an error that misbehaves when read
        return job.failed(ErrorKind.CRASHED, unreadable_message(unreadable), duration, polled_at)


def refused(jobs: Sequence[PollJob], problem: str) -> list[PollResult]:
    """The results of jobs no call was made for (their driver's ``batch_key`` failed)."""
    now = datetime.now(UTC)
    return [job.failed(ErrorKind.CRASHED, problem, 0.0, now) for job in jobs]
