"""Batch polling: one call per endpoint, one deadline per call, and still one result per device."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from example_drivers import BatchReplayDriver, BatchReplaySyncDriver, ReplayServerDriver

from dcmaint.drivers import DeviceIdentity, DeviceReport, Health, StorageDriver, Target
from dcmaint.drivers.batch import plan_calls
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.runner import PollJob, run_jobs
from dcmaint.drivers.workers import run_sharded

GOOD, DEGRADED, TRUNCATED = "redfish://10.0.0.5", "redfish://10.0.0.6", "redfish://10.0.0.7"


@pytest.fixture
def shelf(make_target: Callable[..., Target]) -> Callable[..., Target]:
    """``shelf(name, array="a1", recording=GOOD, **options)``: a shelf of an array reached through its controller."""

    def make(name: str, array: str = "a1", recording: str = GOOD, site: str | None = None, **options: str) -> Target:
        return make_target(
            name,
            "storage",
            endpoint=f"array://{array}.example",
            site=site,
            options={"recording": recording, "array": array, **options},
        )

    return make


def test_the_targets_of_one_endpoint_are_polled_in_one_call(run_drivers, shelf) -> None:
    driver = BatchReplayDriver()
    targets = [shelf(f"shelf-{n}", recording=GOOD if n % 2 else DEGRADED) for n in range(1, 6)]
    results = run_drivers(driver, targets)
    assert driver.calls == [("shelf-1", "shelf-2", "shelf-3", "shelf-4", "shelf-5")]
    assert [(r.device, r.driver, r.status) for r in results] == [
        ("shelf-1", "batch-replay", Health.OK),
        ("shelf-2", "batch-replay", Health.CRITICAL),
        ("shelf-3", "batch-replay", Health.OK),
        ("shelf-4", "batch-replay", Health.CRITICAL),
        ("shelf-5", "batch-replay", Health.OK),
    ]
    assert all(r.report is not None and r.report.polled_at is not None for r in results)
    assert len({r.duration for r in results}) == 1  # each device is charged the one call


def test_two_endpoints_are_two_calls_and_the_run_keeps_its_order(run_drivers, shelf) -> None:
    driver = BatchReplayDriver()
    targets = [shelf("a1-s1"), shelf("a2-s1", "a2"), shelf("a1-s2"), shelf("a2-s2", "a2")]
    results = run_drivers(driver, targets)
    assert sorted(driver.calls) == [("a1-s1", "a1-s2"), ("a2-s1", "a2-s2")]
    assert [r.device for r in results] == ["a1-s1", "a2-s1", "a1-s2", "a2-s2"]


def test_a_device_left_out_of_the_answer_is_that_devices_invalid_report(run_drivers, shelf) -> None:
    first, left_out, last = run_drivers(BatchReplayDriver(), [shelf("s1"), shelf("s2", answer="omit"), shelf("s3")])
    assert (left_out.error, left_out.message) == (
        ErrorKind.INVALID_REPORT,
        "the driver's batch answer has no entry for this device",
    )
    assert first.status is Health.OK and last.status is Health.OK


def test_a_bad_entry_costs_that_device_only(run_drivers, shelf) -> None:
    targets = [
        shelf("garbage", answer="garbage"),
        shelf("down", answer="down"),
        shelf("bug", answer="crash"),
        shelf("cut", recording=TRUNCATED),
        shelf("fine"),
    ]
    results = run_drivers(BatchReplayDriver(), targets)
    assert [(r.device, r.error, r.message) for r in results] == [
        ("garbage", ErrorKind.INVALID_REPORT, "driver returned dict instead of a DeviceReport"),
        ("down", ErrorKind.UNREACHABLE, "down: host not connected to the manager"),
        ("bug", ErrorKind.CRASHED, "driver crashed: ValueError: cannot parse this host"),
        ("cut", ErrorKind.PROTOCOL_ERROR, "answer lacks 'PowerSupplies'"),
        ("fine", None, None),
    ]


@pytest.mark.parametrize(
    ("array", "kind", "message"),
    [
        ("locked", ErrorKind.AUTH_FAILED, "locked.example: login refused for None"),
        ("broken", ErrorKind.CRASHED, "driver crashed: KeyError: 'Members'"),
        ("nonsense", ErrorKind.INVALID_REPORT, "driver returned list instead of a mapping of device names to reports"),
    ],
)
def test_a_batch_that_fails_fails_every_device_of_its_group_only(run_drivers, shelf, array, kind, message) -> None:
    driver = BatchReplayDriver()
    results = run_drivers(driver, [shelf("bad-1", array), shelf("good-1"), shelf("bad-2", array)])
    assert [(r.device, r.error, r.message) for r in results] == [
        ("bad-1", kind, message),
        ("good-1", None, None),
        ("bad-2", kind, message),
    ]
    assert len(driver.calls) == 2


def test_a_hung_batch_times_out_once_for_its_group(run_drivers, shelf) -> None:
    driver = BatchReplayDriver()
    targets = [shelf(f"hung-{n}", "hang") for n in range(3)] + [shelf("good")]
    results = run_drivers(driver, targets, timeout=0.2, concurrency=1)
    assert [(r.device, r.error, r.message) for r in results] == [
        (f"hung-{n}", ErrorKind.TIMED_OUT, "no answer within 0.2 s") for n in range(3)
    ] + [("good", None, None)]
    assert sorted(driver.calls) == [("good",), ("hung-0", "hung-1", "hung-2")]


def test_one_name_twice_behind_one_endpoint_goes_into_two_calls(run_drivers, shelf) -> None:
    driver = BatchReplayDriver()
    results = run_drivers(driver, [shelf("shelf-1", site="hq"), shelf("shelf-1", site="dr"), shelf("shelf-2")])
    assert driver.calls == [("shelf-1", "shelf-2"), ("shelf-1",)]
    assert [(r.site, r.device, r.status) for r in results] == [
        ("hq", "shelf-1", Health.OK),
        ("dr", "shelf-1", Health.OK),
        (None, "shelf-2", Health.OK),
    ]


def test_a_batch_key_that_raises_costs_that_device(run_drivers, shelf) -> None:
    class PickyKey(BatchReplayDriver):
        name = "picky-key"

        def batch_key(self, target: Target) -> str:
            if target.name == "odd":
                raise LookupError("no array option")
            return super().batch_key(target)

    driver = PickyKey()
    odd, even = run_drivers(driver, [shelf("odd"), shelf("even")])
    assert (odd.error, odd.message) == (ErrorKind.CRASHED, "driver crashed: LookupError: no array option")
    assert even.status is Health.OK and driver.calls == [("even",)]


def test_the_sync_form_batches_by_its_own_key(run_drivers, shelf) -> None:
    driver = BatchReplaySyncDriver()
    targets = [shelf("x1", "x"), shelf("y1", "y"), shelf("x2", "x", answer="down")]
    calls = plan_calls([PollJob(target, driver) for target in targets])
    assert [(call.jobs, call.batch) for call in calls] == [((0, 2), True), ((1,), True)]
    assert [(r.device, r.error) for r in run_drivers(driver, targets)] == [
        ("x1", None),
        ("y1", None),
        ("x2", ErrorKind.UNREACHABLE),
    ]


def test_drivers_without_poll_batch_are_polled_one_by_one(make_target) -> None:
    driver = ReplayServerDriver()
    jobs = [PollJob(make_target(f"srv-{n}", endpoint=GOOD), driver) for n in range(3)]
    assert [(call.jobs, call.batch) for call in plan_calls(jobs)] == [((0,), False), ((1,), False), ((2,), False)]


def test_a_batch_takes_one_concurrency_slot(shelf) -> None:
    running = peak = 0
    both_in = asyncio.Event()

    class Gauged(StorageDriver):
        name, version = "gauged", "1"

        async def poll_batch(self, targets: Sequence[Target]) -> Any:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            if running == 2:
                both_in.set()
            await both_in.wait()  # the first two calls meet; a third could only start if the bound leaked
            running -= 1
            return {target.name: DeviceReport(DeviceIdentity(serial=target.name)) for target in targets}

    driver = Gauged()
    jobs = [PollJob(shelf(f"a{n}-s{m}", f"a{n}"), driver) for n in range(4) for m in range(3)]
    results = run_jobs(jobs, concurrency=2, timeout=5)
    assert peak == 2
    assert [r.report.identity.serial for r in results] == [job.target.name for job in jobs]


def test_progress_counts_devices_not_calls(shelf) -> None:
    seen: list[tuple[int, int]] = []
    jobs = [PollJob(shelf(f"s{n}"), BatchReplayDriver()) for n in range(4)]
    run_jobs(jobs, timeout=5, progress=lambda result, done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_worker_processes_keep_each_batch_whole(shelf) -> None:
    driver = BatchReplaySyncDriver()
    jobs = [PollJob(shelf(f"{array}-s{m}", array), driver) for m in range(3) for array in "abcd"]
    results = run_sharded(jobs, workers=2, concurrency=4, timeout=10)
    assert [r.device for r in results] == [job.target.name for job in jobs]
    polled_by = {r.device: r.report.identity.hostname for r in results}
    for array in "abcd":
        assert len({polled_by[f"{array}-s{m}"] for m in range(3)}) == 1, f"array {array} was split"
    assert len(set(polled_by.values())) == 2  # and the work was shared


def test_a_batch_ends_at_the_first_of_its_devices_deadlines(shelf) -> None:
    class Slow(StorageDriver):
        name, version = "slow", "1"

        async def poll_batch(self, targets: Sequence[Target]) -> Any:
            await asyncio.sleep(3600)

    driver = Slow()
    jobs = [PollJob(shelf("s1"), driver, spent=0.25), PollJob(shelf("s2"), driver)]
    results = run_jobs(jobs, timeout=1)
    assert [(r.error, r.message) for r in results] == [
        (ErrorKind.TIMED_OUT, "no answer within 0.75 s (the credential lookup took 0.25 s of the 1 s deadline)"),
        (ErrorKind.TIMED_OUT, "no answer within 1 s"),
    ]
    assert results[0].duration < 1  # the call was cut at s1's share
