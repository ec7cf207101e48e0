"""The runner: bounded concurrency, per-device deadlines, and one bad driver costing one device only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from example_drivers import (
    RELEASE,
    CrashingDriver,
    ExitingDriver,
    GarbageDriver,
    HangingDriver,
    HangingSyncDriver,
    ReplayServerDriver,
    ReplaySyncDriver,
    StubbornDriver,
)

from dcmaint.drivers import DeviceIdentity, DeviceReport, Health, Sensor, ServerDriver, Target, TimedOut
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.runner import PollJob, poll_all, run_jobs
from dcmaint.secrets import Secret, resolve
from dcmaint.testing import finishes


@pytest.fixture(autouse=True)
def release_stuck_threads() -> Iterator[None]:
    RELEASE.clear()
    yield
    RELEASE.set()


def test_good_devices_get_reports_with_time_stamps(run_drivers, make_target) -> None:
    targets = [make_target("srv-1", endpoint="redfish://10.0.0.5"), make_target("srv-2", endpoint="redfish://10.0.0.6")]
    ok, degraded = run_drivers(ReplayServerDriver(), targets)
    assert (ok.device, ok.driver, ok.status, ok.error) == ("srv-1", "replay-server", Health.OK, None)
    assert degraded.status is Health.CRITICAL and degraded.ok
    assert ok.report is not None and ok.report.polled_at is not None and ok.report.duration is not None
    assert ok.as_json()["report"]["identity"]["serial"] == "CZ29170ABC"


def test_the_sync_driver_works_through_threads(run_drivers, make_target) -> None:
    [result] = run_drivers(ReplaySyncDriver(), [make_target(endpoint="redfish://10.0.0.5")])
    assert result.status is Health.OK


def test_contract_errors_become_that_devices_result(run_drivers, make_target) -> None:
    down, bad_answer = run_drivers(
        ReplayServerDriver(),
        [make_target("a", endpoint="redfish://10.9.9.9"), make_target("b", endpoint="redfish://10.0.0.7")],
    )
    assert (down.error, down.message) == (ErrorKind.UNREACHABLE, "redfish://10.9.9.9: connection refused")
    assert down.status is Health.UNKNOWN and down.report is None and not down.ok
    assert bad_answer.error is ErrorKind.PROTOCOL_ERROR and "PowerSupplies" in bad_answer.message


@pytest.mark.parametrize(
    ("driver", "kind", "message"),
    [
        (CrashingDriver(), ErrorKind.CRASHED, "driver crashed: ValueError: cannot parse answer from redfish://x"),
        (GarbageDriver(), ErrorKind.INVALID_REPORT, "driver returned dict instead of a DeviceReport"),
        (ExitingDriver(), ErrorKind.CRASHED, "driver crashed: RuntimeError: worker thread raised SystemExit: 3"),
    ],
)
def test_misbehaving_drivers_cost_one_device(run_drivers, make_target, driver, kind, message) -> None:
    bad, good = run_drivers(driver, [make_target("bad", endpoint="redfish://x")]) + run_drivers(
        ReplayServerDriver(), [make_target("good", endpoint="redfish://10.0.0.5")]
    )
    assert (bad.error, bad.message, bad.status) == (kind, message, Health.UNKNOWN)
    assert good.status is Health.OK


def test_a_report_that_cannot_be_stored_is_invalid(run_drivers, make_target) -> None:
    class NaNDriver(ServerDriver):
        name, version = "nan", "1"

        async def poll(self, target: Target) -> DeviceReport:
            return DeviceReport(DeviceIdentity(), sensors=[Sensor("Inlet", float("nan"), "Cel", Health.OK)])

    [result] = run_drivers(NaNDriver(), [make_target()])
    assert result.error is ErrorKind.INVALID_REPORT and "sensors[0].value" in result.message


def test_a_blocking_poll_function_is_a_crash_not_a_hang(run_drivers, make_target) -> None:
    class NotAsync(ServerDriver):
        name, version = "not-async", "1"

        def poll(self, target: Target) -> DeviceReport:  # type: ignore[override]
            return DeviceReport(DeviceIdentity())

    [result] = run_drivers(NotAsync(), [make_target()])
    assert result.error is ErrorKind.CRASHED and "await" in result.message


@pytest.mark.parametrize("driver", [HangingDriver(), StubbornDriver(), HangingSyncDriver()], ids=lambda d: d.name)
def test_a_hung_driver_times_out_and_the_run_ends(run_drivers, make_target, driver) -> None:
    # Each hang outlasts the guard (HangingSyncDriver's until the test releases it): the run ends without them.
    results = finishes(
        lambda: run_drivers(driver, [make_target(f"dev-{n}") for n in range(3)], timeout=0.2, concurrency=2),
        what="a run with a hung driver",
        within=25,
    )
    assert not RELEASE.is_set()
    assert [(r.error, r.message) for r in results] == [(ErrorKind.TIMED_OUT, "no answer within 0.2 s")] * 3


def test_a_credential_lookup_takes_its_share_of_the_deadline(make_target) -> None:
    # One deadline covers everything done for a device: a lookup that took 1.5 s of 2 leaves 0.5 s to poll.
    jobs = [
        PollJob(make_target("slow-secret"), HangingDriver(), spent=1.5),
        PollJob(make_target("quick"), HangingDriver()),
    ]
    slow, quick = finishes(lambda: run_jobs(jobs, timeout=2), what="a run whose polls hang", within=25)
    assert (slow.error, slow.message) == (
        ErrorKind.TIMED_OUT,
        "no answer within 0.5 s (the credential lookup took 1.5 s of the 2 s deadline)",
    )
    assert slow.duration < quick.duration  # cut at its share, not at the full deadline
    assert (quick.error, quick.message) == (ErrorKind.TIMED_OUT, "no answer within 2 s")


def test_a_drivers_own_timeout_keeps_its_message(make_target) -> None:
    class OwnDeadline(ServerDriver):
        name, version = "own-deadline", "1"

        async def poll(self, target: Target) -> DeviceReport:
            raise TimedOut("10.0.0.5: poll not finished within 2 s (waiting for /redfish/v1/Chassis/1/Thermal)")

    jobs = [PollJob(make_target(), OwnDeadline(), spent=0.5), PollJob(make_target("b"), OwnDeadline())]
    assert [(r.error, r.message) for r in run_jobs(jobs, timeout=2)] == [
        (ErrorKind.TIMED_OUT, "10.0.0.5: poll not finished within 2 s (waiting for /redfish/v1/Chassis/1/Thermal)")
    ] * 2


def test_a_poll_that_ends_within_its_share_is_unaffected(run_drivers, make_target) -> None:
    [result] = run_jobs(
        [PollJob(make_target(endpoint="redfish://10.0.0.5"), ReplayServerDriver(), spent=1.0)], timeout=2
    )
    assert result.status is Health.OK and result.error is None


def test_the_concurrency_bound_is_respected(make_target) -> None:
    running = peak = 0

    class Counting(ServerDriver):
        name, version = "counting", "1"

        async def poll(self, target: Target) -> DeviceReport:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.02)
            running -= 1
            return DeviceReport(DeviceIdentity(serial=target.name))

    jobs = [PollJob(make_target(f"dev-{n}"), Counting()) for n in range(20)]
    results = run_jobs(jobs, concurrency=3, timeout=5)
    assert peak == 3
    assert [r.report.identity.serial for r in results] == [f"dev-{n}" for n in range(20)]  # order kept


def test_progress_is_reported_per_device(make_target) -> None:
    seen: list[tuple[str, int, int]] = []
    jobs = [PollJob(make_target(f"dev-{n}", endpoint="redfish://10.0.0.5"), ReplayServerDriver()) for n in range(4)]
    run_jobs(
        jobs, concurrency=2, timeout=5, progress=lambda result, done, total: seen.append((result.device, done, total))
    )
    assert [(done, total) for _device, done, total in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(device for device, _done, _total in seen) == [f"dev-{n}" for n in range(4)]


def test_secrets_never_reach_the_result(make_target, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DCMAINT_TEST_BMC_PASSWORD", "hunter2-Secret")
    secret = resolve("env:DCMAINT_TEST_BMC_PASSWORD")

    class Leaky(ServerDriver):
        name, version = "leaky", "1"

        async def poll(self, target: Target) -> DeviceReport:
            if target.name == "contract":
                from dcmaint.drivers import AuthFailed

                raise AuthFailed(f"login {target.username}:{target.credential.reveal()} refused")
            raise KeyError(f"password={target.credential.reveal()}")

    jobs = [PollJob(make_target(name, username="admin", credential=secret), Leaky()) for name in ("contract", "crash")]
    results = run_jobs(jobs, timeout=5)
    assert [r.message for r in results] == [
        "login admin:******** refused",
        "driver crashed: KeyError: 'password=********'",
    ]
    assert "hunter2" not in repr(results) and "hunter2" not in str([r.as_json() for r in results])


def test_poll_all_runs_inside_an_existing_loop(make_target) -> None:
    jobs = [PollJob(make_target(endpoint="redfish://10.0.0.6"), ReplayServerDriver())]
    [result] = asyncio.run(poll_all(jobs, concurrency=1, timeout=5))
    assert result.status is Health.CRITICAL


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValueError):
        run_jobs([], concurrency=0)


def test_the_target_hides_its_credential(make_target: Callable[..., Target]) -> None:
    target = make_target(credential=Secret("pa55word"))
    assert "pa55word" not in repr(target)


PROCESS_EXIT_SCRIPT = """
import asyncio, threading, time
from dcmaint.drivers import DeviceReport, ServerDriver, SyncDriver, Target
from dcmaint.drivers.runner import PollJob, run_jobs

class StuckThread(SyncDriver, ServerDriver):
    name, version = "stuck-thread", "1"
    def poll_sync(self, target):
        threading.Event().wait()

class StuckToThread(ServerDriver):
    name, version = "stuck-to-thread", "1"
    async def poll(self, target):
        return await asyncio.to_thread(threading.Event().wait)

jobs = [PollJob(Target(f"d{n}", "server"), driver) for n, driver in enumerate([StuckThread(), StuckToThread()])]
print(",".join(result.error.value for result in run_jobs(jobs, timeout=0.2)))
"""


def test_the_process_exits_although_threads_are_stuck(tmp_path) -> None:
    import subprocess
    import sys

    # The threads wait forever: the process exits at all only if nothing waits for them (timeout: a hang guard).
    done = subprocess.run([sys.executable, "-c", PROCESS_EXIT_SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "timed_out,timed_out"
    assert done.stderr == ""


def test_an_unreadable_error_is_still_one_devices_crash(run_drivers, make_target) -> None:
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    class Weird(ServerDriver):
        name, version = "weird", "1"

        async def poll(self, target: Target) -> DeviceReport:
            raise Unprintable()

    [result] = run_drivers(Weird(), [make_target()])
    assert result.error is ErrorKind.CRASHED and "cannot be read (RuntimeError)" in result.message
