"""A guard against a test that hangs, for tests that check deadlines and shutdowns without timing them.

A driver's tests assert what happened (the poll timed out, the session was
deleted, the server stopped), never how long it took: a wall-clock bound
fails on a busy CI machine and proves little on a quiet one. What remains is
the risk that a regression blocks the suite forever; :func:`finishes` runs the
step in a daemon thread and fails the test, with a message, if the step has
not returned within a generous bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

#: Seconds a guarded step may take before the test calls it hung: generous, because it is no speed check.
HANG = 120.0

T = TypeVar("T")


def finishes(call: Callable[[], T], *, what: str, within: float = HANG) -> T:
    """``call()``, failing the test with a message if it has not returned ``within`` seconds.

    Exceptions of ``call`` are raised in the test's thread as usual. A step
    that hangs is left behind in its daemon thread.

    >>> finishes(lambda: 6 * 7, what="the answer")
    42
    """
    outcome: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            outcome.append((False, error))

    thread = threading.Thread(target=target, name=f"guarded: {what}", daemon=True)
    thread.start()
    thread.join(within)
    if thread.is_alive():
        pytest.fail(f"{what} did not finish within {within:g} s: it hangs")
    [(returned, value)] = outcome
    if not returned:
        raise value
    return value
