"""No Redfish session is left open on the BMC: after a good poll, a failed one, and one the runner cancelled.

BMCs allow a handful of sessions and keep a forgotten one for their idle
timeout (often 30 minutes); a monitoring run every five minutes that leaked
one per poll would lock the BMC's users out. The polls here run through
dcmaint's runner (``run_jobs``), exactly as ``dcmaint health`` runs them.
"""

from __future__ import annotations

from typing import Any

import rf_trees as trees
from rf_fakebmc import FakeBmc

from dcmaint.drivers import ErrorKind, Target
from dcmaint.drivers.runner import PollJob, run_jobs
from dcmaint.secrets import Secret
from dcmaint.testing import finishes
from dcmaint_redfish.driver import RedfishDriver


def job(bmc: FakeBmc, *, timeout: float = 10.0, name: str = "bmc-1") -> PollJob:
    target = Target(name, "server", bmc.endpoint, username="admin", credential=Secret("secret"), timeout=timeout)
    return PollJob(target, RedfishDriver())


def test_a_normal_poll_deletes_its_session(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    [result] = run_jobs([job(bmc)], timeout=10.0)
    assert result.error is None
    assert bmc.counters.sessions_opened == 1 and bmc.counters.sessions_deleted == 1 and bmc.open_sessions == 0
    assert bmc.requested("DELETE") == ["/redfish/v1/SessionService/Sessions/1"]


def test_a_failed_poll_deletes_its_session(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.R}/Systems", status=500)  # the systems the BMC cannot serve, after login
    [result] = run_jobs([job(bmc)], timeout=10.0)
    assert result.error is ErrorKind.PROTOCOL_ERROR
    assert "500" in (result.message or "")
    assert bmc.counters.sessions_opened == 1 and bmc.open_sessions == 0


def test_a_session_refused_in_the_middle_of_the_walk_is_still_deleted(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.SYS}/Storage/RAID1/Drives/3", status=401)
    [result] = run_jobs([job(bmc)], timeout=10.0)
    assert result.error is ErrorKind.AUTH_FAILED and "Drives/3" in (result.message or "")
    assert bmc.counters.sessions_opened == 1 and bmc.open_sessions == 0


def test_a_poll_the_runner_cancels_at_its_deadline_deletes_its_session(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.SYS}/Memory", delay=3600)  # hung: only the runner's deadline (1 s) ends this poll
    [result] = finishes(lambda: run_jobs([job(bmc, timeout=30.0)], timeout=1.0), what="a run with a hung BMC")
    assert result.error is ErrorKind.TIMED_OUT
    assert bmc.counters.held == [f"{trees.SYS}/Memory"]  # the run ended while the BMC still held its answer
    assert bmc.counters.sessions_opened == 1
    assert bmc.wait_until(lambda: bmc.open_sessions == 0), "the session was left open"


def test_a_poll_that_hits_its_own_deadline_deletes_its_session(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.CH}/Thermal", delay=60)
    [result] = run_jobs([job(bmc, timeout=1.5)], timeout=1.5)
    assert result.error is ErrorKind.TIMED_OUT
    assert "Thermal" in (result.message or "")  # the driver's own message, not the runner's
    assert bmc.open_sessions == 0


def test_many_polls_of_one_bmc_leave_nothing_open(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.faulty())
    results = run_jobs([job(bmc, name=f"bmc-{n}") for n in range(12)], timeout=10.0, concurrency=6)
    assert all(result.report is not None and result.report.status.value == "critical" for result in results)
    assert bmc.counters.sessions_opened == 12 and bmc.open_sessions == 0


def test_a_refused_login_and_an_unreadable_service_root_leave_nothing_open(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server(), password="other")
    [refused] = run_jobs([job(bmc)], timeout=5.0)
    assert refused.error is ErrorKind.AUTH_FAILED
    bmc = fake_bmc(trees.server())
    bmc.fail(trees.R, body=b"not json")
    [broken] = run_jobs([job(bmc)], timeout=5.0)
    assert broken.error is ErrorKind.PROTOCOL_ERROR
    assert bmc.counters.sessions_opened == 1 and bmc.open_sessions == 0
