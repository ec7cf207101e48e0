"""Small helpers for tests that inspect the store directly."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dcmaint.store import queries
from dcmaint.store.reader import open_reader
from dcmaint.store.urls import parse
from dcmaint.testing.guards import HANG, finishes


def counts(db_url: str) -> dict[str, int]:
    """Rows per table, audit log included: bad input must leave these unchanged."""
    with open_reader(parse(db_url)) as reader:
        return queries.row_counts(reader)


def audit(db_url: str):
    with open_reader(parse(db_url)) as reader:
        return queries.audit_entries(reader)


RACER = """
import os, sys
from dcmaint.cli.main import run  # import first, so that only the command itself races
print("ready", flush=True)
os.read(int(sys.argv[1]), 1)  # blocks until the test closes the start pipe: that releases every racer at once
sys.exit(run(sys.argv[2:]))
"""


def race(db_url: str, home: Path, argvs: list[list[str]]) -> list[tuple[int, str]]:
    """Run one `dcmaint` process per argv, released at the same instant; (exit code, stderr) of each."""
    return [(code, err) for code, _out, err in race_outputs(db_url, home, argvs)]


def race_outputs(db_url: str, home: Path, argvs: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run one `dcmaint` process per argv, released at the same instant; (exit code, stdout, stderr) of each.

    Each racer imports the CLI, says "ready" and blocks reading a pipe they
    all share; once every racer is ready the test closes the pipe's write
    end, and the end-of-file wakes them all together.
    """
    env = {**os.environ, "DCMAINT_HOME": str(home), "DCMAINT_DB_URL": db_url, "PYTHONPATH": os.pathsep.join(sys.path)}
    start_read, start_write = os.pipe()
    try:
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", RACER, str(start_read), *argv],
                env=env,
                text=True,
                pass_fds=(start_read,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for argv in argvs
        ]
    finally:
        os.close(start_read)
    try:
        ready = finishes(lambda: [racer.stdout.readline() for racer in racers], what="the racers' start-up")
        if ready != ["ready\n"] * len(racers):
            for racer in racers:
                racer.kill()
            pytest.fail(f"a racer did not start: {[racer.communicate()[1] for racer in racers]}")
    finally:
        os.close(start_write)  # the start signal
    results = []
    for racer in racers:
        out, err = racer.communicate(timeout=HANG)
        results.append((racer.returncode, out, err))
    return results


def run_benchmark(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A benchmark at its smoke size (``--quick``); exit 3 (a speed target missed) is not a failure here."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, str(root / "benchmarks" / script), "--quick", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
        check=False,
    )
    assert done.returncode in (0, 3), done.stdout + done.stderr
    assert "FAIL" not in done.stdout
    return done


@contextlib.contextmanager
def keyring_answering(
    password: str | None, *, after: float = 0.0, held: threading.Event | None = None
) -> Iterator[None]:
    """Install a keyring backend that answers ``password`` after ``after`` seconds, or waits while ``held`` is
    unset (a desktop keyring busy with an unlock prompt nobody sees); the previous backend is put back after."""
    import keyring
    from keyring.backend import KeyringBackend

    class Answering(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            if held is not None:
                held.wait(HANG)
            time.sleep(after)
            return password

        def set_password(self, service: str, username: str, password: str) -> None:
            raise NotImplementedError

        def delete_password(self, service: str, username: str) -> None:
            raise NotImplementedError

    previous = keyring.get_keyring()
    keyring.set_keyring(Answering())
    try:
        yield
    finally:
        keyring.set_keyring(previous)
