"""Ctrl-C, SIGTERM and kill -9 during ``dcmaint health``: every session logged out, every worker gone, one line.

A run over a slow fleet is stopped while its polls are in flight (the
simulator's open session count says so): by SIGINT to the whole process
group (Ctrl-C in a terminal), SIGINT to the parent only, and SIGTERM (a
service manager), in one process and with worker processes, in every output
format. The simulator serves from this process, so the sessions are counted
where they live; dcmaint runs as a real process in its own group, so that
its workers can be found by their process group after it has gone.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from rf_guard import NOISE

from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.testing.processes import DcmaintProcess, alive, pipes, wait_until
from dcmaint_redfish.sim import running

BMCS = 45
LATENCY_MS = 300  # every request waits this long: a poll takes seconds, so that polls are in flight
IN_FLIGHT = 10  # open sessions that show the run is in the middle of its polls


@pytest.fixture(scope="module")
def fleet() -> Iterator[object]:
    with running(SimulatorOptions(count=BMCS, latency_ms=LATENCY_MS, flavours=("generic",))) as sim:
        yield sim


def open_sessions(sim) -> int:
    return sum(sim.sessions(number) for number in range(1, BMCS + 1))


def start(sim, folder: Path, *options: str, lang: str = "en") -> DcmaintProcess:
    """``dcmaint health`` over the whole fleet, once its polls are in flight."""
    wait_until(lambda: open_sessions(sim) == 0, what="the sessions of an earlier run are closed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(DCMAINT_HOME=str(folder / "home"), BMC_PW="any", DCMAINT_LOAD_PLUGINS="redfish", DCMAINT_LANG=lang)
    targets = [
        arg for endpoint in sim.endpoints for arg in ("--target", endpoint.url.replace("http", "redfish+http", 1))
    ]
    run = DcmaintProcess(
        ["health", *options, *targets, "--username", "admin", "--password-ref", "env:BMC_PW", "--timeout", "60"],
        env,
        folder,
    )
    try:
        wait_until(lambda: open_sessions(sim) >= IN_FLIGHT or not run.running(), what="polls in flight")
        assert run.running(), f"dcmaint ended before it was stopped: {run.stderr()}"
    except BaseException:
        run.kill_leftovers()
        raise
    return run


def assert_one_line(stderr: str, line: str) -> None:
    assert stderr == f"dcmaint: {line}\n", stderr
    for noise in (*NOISE, "Traceback"):
        assert noise not in stderr


CASES = [
    # (who gets the signal, signal, worker processes, output format, exit code, line)
    ("group", signal.SIGINT, 1, "json", 130, "interrupted"),
    ("parent", signal.SIGINT, 1, "nagios", 130, "interrupted"),
    ("parent", signal.SIGTERM, 1, "table", 143, "terminated"),
    ("group", signal.SIGINT, 4, "table", 130, "interrupted"),
    ("parent", signal.SIGINT, 4, "json", 130, "interrupted"),
    ("parent", signal.SIGTERM, 4, "nagios", 143, "terminated"),
    ("group", signal.SIGTERM, 3, "prometheus", 143, "terminated"),
]


@pytest.mark.parametrize(("to", "number", "workers", "fmt", "code", "line"), CASES)
def test_a_stopped_run_logs_out_everywhere_and_leaves_no_process(
    fleet, tmp_path: Path, to: str, number: int, workers: int, fmt: str, code: int, line: str
) -> None:
    run = start(fleet, tmp_path, "--format", fmt, "--workers", str(workers))
    try:
        if workers > 1:
            wait_until(lambda: len(run.workers()) == workers, what=f"{workers} workers polling")
        (run.signal_group if to == "group" else run.signal_parent)(number)
        assert run.wait() == code, run.stderr()
        assert not run.workers(), "a worker outlived dcmaint"
    finally:
        run.kill_leftovers()
    assert_one_line(run.stderr(), line)
    assert run.stdout() == ""  # no half report
    wait_until(lambda: open_sessions(fleet) == 0, what="every Redfish session deleted")


@pytest.mark.parametrize(
    ("number", "code", "line"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
def test_the_line_is_in_the_readers_language(fleet, tmp_path: Path, number: int, code: int, line: str) -> None:
    run = start(fleet, tmp_path, "--workers", "2", lang="zh_CN")
    try:
        run.signal_group(number)
        assert run.wait() == code
    finally:
        run.kill_leftovers()
    import gettext

    from dcmaint import i18n

    expected = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["zh_CN"]).gettext(line)
    assert expected != line
    assert_one_line(run.stderr(), expected)
    wait_until(lambda: open_sessions(fleet) == 0, what="every Redfish session deleted")


def test_workers_hold_no_pipe_of_each_other(fleet, tmp_path: Path) -> None:
    # A worker holding a sibling's result pipe keeps it open after the parent is gone: the sibling would block
    # writing to it forever instead of noticing a broken pipe.
    run = start(fleet, tmp_path, "--workers", "4")
    try:
        wait_until(lambda: len(run.workers()) == 4, what="4 workers polling")
        held = {pid: pipes(pid) for pid in run.workers()}
        for pid, own in held.items():
            others = set().union(*(theirs for other, theirs in held.items() if other != pid))
            assert not own & others, f"worker {pid} shares pipes with a sibling: {own & others}"
            assert own, "a worker without its result pipe"
        run.signal_group(signal.SIGINT)
        assert run.wait() == 130
    finally:
        run.kill_leftovers()
    wait_until(lambda: open_sessions(fleet) == 0, what="every Redfish session deleted")


def test_workers_of_a_parent_killed_by_sigkill_log_out_and_exit(fleet, tmp_path: Path) -> None:
    run = start(fleet, tmp_path, "--format", "json", "--workers", "4")
    try:
        wait_until(lambda: len(run.workers()) == 4, what="4 workers polling")
        forked = run.workers()
        run.signal_parent(signal.SIGKILL)
        assert run.wait() == -signal.SIGKILL
        wait_until(lambda: not any(alive(pid) for pid in forked), what="the orphaned workers exit")
    finally:
        run.kill_leftovers()
    wait_until(lambda: open_sessions(fleet) == 0, what="every Redfish session deleted")
