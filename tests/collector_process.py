"""``dcmaint collect`` as a real process, its log lines read as they arrive, each with the time it came.

A reader thread timestamps every stderr line (time.monotonic), so a test
can check when runs happened without the collector printing times of its
own, and can wait for a line with a deadline instead of sleeping.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dcmaint.testing.guards import HANG


@dataclass(frozen=True)
class Line:
    text: str
    at: float  # time.monotonic() when it was read


def run_line(line: Line) -> bool:
    """The one line a run logs (``collect site=S devices=N ...``)."""
    return line.text.startswith("collect site=") and " devices=" in line.text


class Collector:
    """``dcmaint collect ARGS`` on ``db_url`` with ``home`` (and ``config``, ``log_file``), started by ``with``,
    killed if still running when the block ends."""

    def __init__(
        self, db_url: str, home: Path, *args: str, config: Path | None = None, log_file: Path | None = None
    ) -> None:
        env = {
            **os.environ,
            "DCMAINT_HOME": str(home),
            "DCMAINT_DB_URL": db_url,
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        env.pop("DCMAINT_CONFIG", None)
        env["PYTHONFAULTHANDLER"] = "1"  # a collector that goes quiet shows where (see _stacks)
        if config is not None:
            env["DCMAINT_CONFIG"] = str(config)
        env.pop("DCMAINT_LOG_FILE", None)
        if log_file is not None:  # the global --log-file, through its environment variable
            env["DCMAINT_LOG_FILE"] = str(log_file)
        self.argv = [sys.executable, "-m", "dcmaint", "collect", *args]
        self.env = env
        self.lines: list[Line] = []
        self._queue: queue.Queue[Line | None] = queue.Queue()
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Collector:
        self.process = subprocess.Popen(
            self.argv, env=self.env, text=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        for text in self.process.stderr:
            self._queue.put(Line(text.rstrip("\n"), time.monotonic()))
        self._queue.put(None)

    def wait_for(self, wanted: Callable[[Line], bool], *, within: float = 30.0) -> Line:
        """The next line ``wanted`` accepts (the lines before it are kept in ``lines``); fails after ``within``
        seconds or when the collector ends first."""
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"the collector ended first: {self.lines}")
            self.lines.append(line)
            if wanted(line):
                return line
        raise AssertionError(f"no such line within {within} s: {self.lines}\n{self._stacks()}")

    def _stacks(self) -> str:
        """Where a collector that went quiet is stuck: SIGABRT makes faulthandler print every thread's stack."""
        assert self.process is not None
        if self.process.poll() is not None:
            return ""
        self.process.send_signal(signal.SIGABRT)
        self.process.wait(timeout=HANG)
        lines = []
        while (line := self._queue.get(timeout=HANG)) is not None:
            lines.append(line.text)
        return "\n".join(lines)

    def stop(self, number: int = signal.SIGTERM) -> int:
        """Send signal ``number`` and return the exit status, every line read."""
        assert self.process is not None
        self.process.send_signal(number)
        return self.wait()

    def wait(self) -> int:
        """The exit status once the collector ends, every line read."""
        assert self.process is not None
        code = self.process.wait(timeout=HANG)
        while (line := self._queue.get(timeout=HANG)) is not None:
            self.lines.append(line)
        return code

    def runs(self) -> list[Line]:
        """The run lines read so far."""
        return [line for line in self.lines if run_line(line)]
