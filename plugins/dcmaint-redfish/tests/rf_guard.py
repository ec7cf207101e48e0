"""Hang guards and sleep records: how the driver's tests check timing behaviour without timing it.

A test asserts what happened (timed out, abandoned, stopped, how many tries,
which delays the code asked for), never how long it took. :func:`finishes`
only keeps a regression from blocking the suite: its bound is generous and
its expiry fails the test with a message.
"""

from __future__ import annotations

import asyncio
import subprocess
from types import ModuleType
from typing import Any

import pytest

from dcmaint.testing.guards import HANG, finishes

#: What asyncio and aiohttp print when a server or client is stopped without ending its tasks and connections.
NOISE = (
    "Task was destroyed but it is pending",
    "Event loop is closed",
    "Unclosed client session",
    "Unclosed connection",
    "Unclosed connector",
)


def first_line(process: subprocess.Popen[str], *, what: str, within: float = HANG) -> str:
    """The first line ``process`` prints (its readiness signal); the process is killed if none comes in time."""
    try:
        line = finishes(process.stdout.readline, what=what, within=within)  # type: ignore[union-attr]
    except pytest.fail.Exception:
        process.kill()
        raise
    if not line:
        process.wait(10)
        pytest.fail(f"{what}: the process exited with {process.returncode}: {process.stderr.read()}")  # type: ignore[union-attr]
    return line


class SleepLog:
    """Records the delays ``module`` passes to ``asyncio.sleep``, then sleeps them as before.

    Only that module's name ``asyncio`` is replaced (by a stand-in that
    forwards everything else), so the event loop and other modules are
    untouched.
    """

    def __init__(self, module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
        self.delays: list[float] = []
        monkeypatch.setattr(module, "asyncio", _RecordingAsyncio(self.delays))


class _RecordingAsyncio:
    def __init__(self, delays: list[float]) -> None:
        self._delays = delays

    async def sleep(self, delay: float, result: Any = None) -> Any:
        self._delays.append(delay)
        return await asyncio.sleep(delay, result)

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)
