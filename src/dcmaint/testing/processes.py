"""A ``dcmaint`` process in its own process group, for tests that stop it with real signals.

A vendor proves with it what the core's own tests prove for the Redfish
driver: that Ctrl-C, SIGTERM and a killed parent leave no worker process
behind and (read from the vendor's simulator) no session open on the device.
Nothing here times anything: :func:`wait_until` polls with a generous bound
and fails the test with a message when the bound passes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from dcmaint.testing.guards import HANG

#: Seconds between two looks at what a test waits for.
POLL = 0.05

__all__ = ["HANG", "DcmaintProcess", "alive", "group_members", "pipes", "wait_until"]


def wait_until(predicate: Callable[[], bool], *, what: str, within: float = HANG) -> None:
    """Return once ``predicate()`` is true; fail the test naming ``what`` if it is still false after ``within`` s."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: still not the case after {within:g} s")
        time.sleep(POLL)


def group_members(group: int) -> set[int]:
    """The live processes (zombies excluded) of process group ``group``, read from /proc."""
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, pgrp, ...
        if fields[0] != "Z" and int(fields[2]) == group:
            members.add(int(entry.name))
    return members


def pipes(pid: int) -> set[str]:
    """The pipes process ``pid`` holds an end of (``pipe:[inode]``), read from /proc."""
    held = set()
    folder = Path(f"/proc/{pid}/fd")
    for fd in folder.iterdir() if folder.exists() else ():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("pipe:"):
            held.add(target)
    return held


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


class DcmaintProcess:
    """``python -m dcmaint ARGS`` leading a new process group; its output goes to files, never to a pipe.

    Files, because workers inherit the parent's stdout and stderr: a test reading a pipe until its
    end would wait for the last worker, which is what some of these tests check is gone.
    """

    def __init__(self, args: Sequence[str], env: Mapping[str, str], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._out_path, self._err_path = folder / "stdout", folder / "stderr"
        with self._out_path.open("wb") as out, self._err_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dcmaint", *args],
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own group: a signal to the group never reaches the test
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def workers(self) -> set[int]:
        """The other live members of its process group: the worker processes it forked."""
        return group_members(self.pid) - {self.pid}

    def signal_parent(self, number: int) -> None:
        os.kill(self.pid, number)

    def signal_group(self, number: int) -> None:
        os.killpg(self.pid, number)

    def wait(self, within: float = HANG) -> int:
        """Its exit code; fails the test if it has not exited ``within`` seconds."""
        try:
            return self.process.wait(within)
        except subprocess.TimeoutExpired:
            pytest.fail(f"dcmaint (pid {self.pid}) did not exit within {within:g} s: {self.stderr()}")

    def stdout(self) -> str:
        return self._out_path.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self._err_path.read_text(encoding="utf-8", errors="replace")

    def kill_leftovers(self) -> None:
        """Clean-up after a failed test: SIGKILL to whatever of its group is still running."""
        for pid in group_members(self.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.running():
            self.process.kill()
            self.process.wait()
