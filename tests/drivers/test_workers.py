"""A run spread over forked worker processes behaves like one run in one process."""

from __future__ import annotations

import asyncio
import os
import pickle
import threading

from example_drivers import ReplayServerDriver

from dcmaint.drivers import DeviceIdentity, DeviceReport, ServerDriver, Target
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.runner import PollJob
from dcmaint.drivers.workers import AUTO_MIN_JOBS, run_sharded, worker_count


class WhoPolled(ServerDriver):
    """Reports the process that polled it, so the test can see the work was shared."""

    name, version = "who-polled", "1"

    async def poll(self, target: Target) -> DeviceReport:
        await asyncio.sleep(0.01)
        return DeviceReport(DeviceIdentity(serial=target.name, hostname=str(os.getpid())))


class DiesOnSeven(ServerDriver):
    """Kills its worker process when it reaches device 7: the devices that worker had left are lost."""

    name, version = "dies-on-seven", "1"

    async def poll(self, target: Target) -> DeviceReport:
        if target.name == "dev-7":
            os._exit(9)
        await asyncio.sleep(0.05 if target.name != "dev-1" else 0)
        return DeviceReport(DeviceIdentity(serial=target.name))


class Unpicklable(ServerDriver):
    name, version = "unpicklable", "1"

    async def poll(self, target: Target) -> DeviceReport:
        report = DeviceReport(DeviceIdentity(serial=target.name))
        object.__setattr__(report, "duration", threading.Lock())  # slipped past the runner's checks
        return report


def test_worker_count():
    assert worker_count(0, AUTO_MIN_JOBS - 1) == 1
    assert worker_count(0, AUTO_MIN_JOBS) == (os.cpu_count() or 1)
    assert worker_count(8, 3) == 3 and worker_count(2, 100) == 2 and worker_count(1, 100) == 1


def test_results_keep_their_order_and_the_work_is_shared(make_target):
    jobs = [PollJob(make_target(f"dev-{n}"), WhoPolled()) for n in range(12)]
    seen = []
    results = run_sharded(
        jobs, workers=3, concurrency=6, timeout=5, progress=lambda result, done, total: seen.append((done, total))
    )
    assert [r.report.identity.serial for r in results] == [f"dev-{n}" for n in range(12)]
    pollers = {r.report.identity.hostname for r in results}
    assert len(pollers) == 3 and str(os.getpid()) not in pollers
    assert seen == [(n, 12) for n in range(1, 13)]


def test_reports_survive_the_trip_between_processes(make_target):
    jobs = [PollJob(make_target(f"dev-{n}", endpoint="redfish://10.0.0.6"), ReplayServerDriver()) for n in range(4)]
    one = run_sharded(jobs, workers=1, concurrency=4, timeout=5)
    two = run_sharded(jobs, workers=2, concurrency=4, timeout=5)

    def content(report):
        return {k: v for k, v in report.as_json().items() if k not in ("polled_at", "duration")}

    assert [content(r.report) for r in one] == [content(r.report) for r in two]
    assert pickle.loads(pickle.dumps(two[0].report)) == two[0].report
    assert {f.location for f in two[0].report.faults()} == {"PSU 2", "Bay 1"}


def test_a_dying_worker_costs_only_its_unfinished_devices(make_target):
    jobs = [PollJob(make_target(f"dev-{n}"), DiesOnSeven()) for n in range(10)]
    results = run_sharded(jobs, workers=2, concurrency=1, timeout=5)
    assert [r.device for r in results] == [f"dev-{n}" for n in range(10)]
    lost = {r.device for r in results if r.error is ErrorKind.CRASHED}
    assert "dev-7" in lost and all(int(d.split("-")[1]) % 2 == 1 for d in lost)  # only the odd shard
    assert all(r.ok for r in results if int(r.device.split("-")[1]) % 2 == 0)


def test_a_report_that_cannot_cross_is_that_devices_failure(make_target):
    jobs = [PollJob(make_target(f"dev-{n}"), Unpicklable()) for n in range(2)]
    results = run_sharded(jobs, workers=2, concurrency=2, timeout=5)
    assert [r.error for r in results] == [ErrorKind.INVALID_REPORT] * 2
