"""Small helpers for tests that inspect the store directly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from dcmaint.store import queries
from dcmaint.store.reader import open_reader
from dcmaint.store.urls import parse


def counts(db_url: str) -> dict[str, int]:
    """Rows per table, audit log included: bad input must leave these unchanged."""
    with open_reader(parse(db_url)) as reader:
        return queries.row_counts(reader)


def audit(db_url: str):
    with open_reader(parse(db_url)) as reader:
        return queries.audit_entries(reader)


RACER = """
import sys, time
from pathlib import Path
from dcmaint.cli.main import run  # import first, so that only the command itself races
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.001)
sys.exit(run(sys.argv[2:]))
"""


def race(db_url: str, home: Path, tmp_path: Path, argvs: list[list[str]]) -> list[tuple[int, str]]:
    """Run one `dcmaint` process per argv, released at the same instant; (exit code, stderr) of each."""
    go = tmp_path / "go"
    env = {**os.environ, "DCMAINT_HOME": str(home), "DCMAINT_DB_URL": db_url, "PYTHONPATH": os.pathsep.join(sys.path)}
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(go), *argv], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for argv in argvs]
    time.sleep(2.0)  # let every racer finish importing
    go.touch()
    results = [(racer.wait(timeout=120), racer.stderr.read()) for racer in racers]
    for racer in racers:
        racer.stdout.close()
        racer.stderr.close()
    return results


def run_benchmark(script: str, backend: str, pg_url: str) -> subprocess.CompletedProcess[str]:
    """A benchmark at its smoke size (``--quick``); exit 3 (a speed target missed) is not a failure here."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, str(root / "benchmarks" / script), "--quick", "--backend", backend,
                           "--pg-url", pg_url], capture_output=True, text=True, timeout=300, cwd=root)
    assert done.returncode in (0, 3), done.stdout + done.stderr
    assert "FAIL" not in done.stdout
    return done
