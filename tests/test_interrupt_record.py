"""An interrupted ``dcmaint health --record`` writes nothing: the run is recorded whole or not at all.

The polls are stopped in flight (the simulator's open session count says so)
by Ctrl-C to the process group or SIGTERM, in one process and with worker
processes, on SQLite and PostgreSQL. Every table, the audit log included,
keeps its row count, and every session the run opened is deleted again.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.testing.processes import DcmaintProcess, wait_until
from tests.helpers import counts

BMCS = 20
IN_FLIGHT = 5


@pytest.mark.parametrize(("number", "workers", "code"), [(signal.SIGINT, 1, 130), (signal.SIGTERM, 3, 143)])
def test_an_interrupted_recording_run_writes_nothing(
    cli, db_url: str, home: Path, tmp_path: Path, number: int, workers: int, code: int
) -> None:
    from dcmaint_redfish.sim import running

    with running(SimulatorOptions(count=BMCS, latency_ms=300, flavours=("generic",))) as sim:
        cli.ok("site", "add", "lab", "--customer", "Lab")
        for endpoint in sim.endpoints:
            cli.ok(
                "device", "add", endpoint.name, "--site", "lab", "--kind", "server", "--driver", "redfish",
                "--endpoint", endpoint.url.replace("http", "redfish+http", 1),
                "--username", "admin", "--credential", "env:BMC_PW",
            )  # fmt: skip
        before = counts(db_url)

        def open_sessions() -> int:
            return sum(sim.sessions(n) for n in range(1, BMCS + 1))

        env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
        env.update(DCMAINT_HOME=str(home), DCMAINT_DB_URL=db_url, BMC_PW="any", DCMAINT_LOAD_PLUGINS="redfish")
        run = DcmaintProcess(
            ["health", "--record", "--open-tickets", "--workers", str(workers), "--timeout", "60"],
            env,
            tmp_path / "run",
        )
        try:
            wait_until(lambda: open_sessions() >= IN_FLIGHT or not run.running(), what="polls in flight")
            assert run.running(), f"dcmaint ended before it was stopped: {run.stderr()}"
            run.signal_group(number)
            assert run.wait() == code, run.stderr()
        finally:
            run.kill_leftovers()
        assert len(run.stderr().splitlines()) == 1, run.stderr()
        assert "Traceback" not in run.stderr()
        assert counts(db_url) == before  # no poll, fault, ticket or audit row
        wait_until(lambda: open_sessions() == 0, what="every Redfish session deleted")
