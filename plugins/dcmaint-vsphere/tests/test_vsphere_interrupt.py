"""Ctrl-C and SIGTERM during ``dcmaint health`` over a vCenter's hosts: the vSphere session is logged out, one line.

The simulator makes the inventory pass slow (``RetrievePropertiesEx`` waits), so the run is stopped while it is
logged in and reading; its session list says whether the driver logged out on its way out.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from vs_peers import PASSWORD, USER, sessions, vcenter

from dcmaint.testing.processes import DcmaintProcess, wait_until

CASES = [
    ("group", signal.SIGINT, 1, 130, "interrupted"),
    ("parent", signal.SIGTERM, 1, 143, "terminated"),
    ("group", signal.SIGINT, 2, 130, "interrupted"),
]


@pytest.mark.parametrize(("to", "number", "workers", "code", "line"), CASES)
def test_a_stopped_run_logs_out_of_the_vcenter(
    tmp_path: Path, to: str, number: int, workers: int, code: int, line: str
) -> None:
    with vcenter(clusters=2, cluster_hosts=4, slow_methods={"RetrievePropertiesEx": 30000}) as served:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
        env.update(DCMAINT_HOME=str(tmp_path / "home"), VC_PW=PASSWORD, DCMAINT_LOAD_PLUGINS="vsphere")
        targets = [arg for host in served.hosts for arg in ("--target", served.endpoint(host))]
        run = DcmaintProcess(
            [
                "health",
                *targets,
                "--username",
                USER,
                "--password-ref",
                "env:VC_PW",
                "--timeout",
                "60",
                "--workers",
                str(workers),
            ],
            env,
            tmp_path,
        )
        try:
            wait_until(lambda: len(sessions(served)) >= 1 or not run.running(), what="logged in to the vCenter")
            assert run.running(), f"dcmaint ended before it was stopped: {run.stderr()}"
            (run.signal_group if to == "group" else run.signal_parent)(number)
            assert run.wait() == code, run.stderr()
        finally:
            run.kill_leftovers()
        assert run.stderr() == f"dcmaint: {line}\n"
        assert run.stdout() == ""
        wait_until(lambda: sessions(served) == [], what="the vSphere session logged out")
