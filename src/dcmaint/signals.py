"""Stopping on Ctrl-C and SIGTERM: the main thread unwinds, event loops cancel, workers follow their parent.

Both signals become exceptions of our own (:class:`Interrupted`,
:class:`Terminated`) raised in the main thread, so that ``finally`` blocks
and transactions unwind as for any error and the CLI prints one line and
exits 130 or 143. They are not ``KeyboardInterrupt``: Typer turns that into
a silent exit 130, and asyncio treats it specially inside tasks.

An event loop must not have an exception thrown into whatever task happens
to run: the runner (:mod:`dcmaint.drivers.runner`) takes the signals over
while its loop runs (:func:`cancelling`), cancels its polls, gives them a
short grace to log out, and then raises the exception itself.

Worker processes ignore SIGINT (the parent decides, also when Ctrl-C reaches
the whole process group), stop in order on SIGTERM, and ask Linux to send
them SIGTERM when their parent dies (:func:`die_with_parent`).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from dcmaint.i18n import _

#: The signals that stop a run.
STOPPING = (signal.SIGINT, signal.SIGTERM)

__all__ = [
    "STOPPING",
    "Interrupted",
    "Stop",
    "Stopped",
    "Terminated",
    "blocked",
    "cancelling",
    "die_with_parent",
    "raising",
    "stopped_by",
]


class Stopped(BaseException):
    """A signal stopped the run; ``exit_code`` is the shell's 128 + the signal's number."""

    number: int = 0

    @property
    def exit_code(self) -> int:
        return 128 + self.number

    def line(self) -> str:
        """The one line the CLI prints, translated."""
        raise NotImplementedError


class Interrupted(Stopped):
    """SIGINT (Ctrl-C): exit 130."""

    number = signal.SIGINT

    def line(self) -> str:
        return _("interrupted")


class Terminated(Stopped):
    """SIGTERM: exit 143."""

    number = signal.SIGTERM

    def line(self) -> str:
        return _("terminated")


def stopped_by(number: int) -> Stopped:
    """The exception for signal ``number`` (SIGINT or SIGTERM)."""
    return Interrupted() if number == signal.SIGINT else Terminated()


def _raise(number: int, _frame: FrameType | None) -> None:
    raise stopped_by(number)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _ignored(number: int) -> bool:
    """A signal this process ignores stays ignored (nohup, or a worker that leaves SIGINT to its parent)."""
    return signal.getsignal(number) is signal.SIG_IGN


@contextlib.contextmanager
def raising() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` / :class:`Terminated` in the main thread meanwhile.

    The previous handlers come back afterwards; outside the main thread (where Python delivers no
    signals) and for an ignored signal this changes nothing.
    """
    if not _main_thread():
        yield
        return
    saved: dict[int, Any] = {}
    for number in STOPPING:
        if not _ignored(number):
            saved[number] = signal.signal(number, _raise)
    try:
        yield
    finally:
        for restored, handler in saved.items():
            signal.signal(restored, handler)


@contextlib.contextmanager
def blocked() -> Iterator[None]:
    """SIGINT and SIGTERM held back meanwhile (delivered when it ends): around a fork, or a bounded shutdown."""
    if not _main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Stop:
    """What stopped a loop run by :func:`cancelling`: ``caught`` is None until a signal came."""

    def __init__(self, cancel: Callable[[], object]) -> None:
        self.caught: Stopped | None = None
        self._cancel = cancel

    def request(self, number: int) -> None:
        """Stop as for signal ``number``; the first signal decides the exit code, later ones change nothing."""
        if self.caught is None:
            self.caught = stopped_by(number)
            self._cancel()


@contextlib.contextmanager
def cancelling(loop: Any, cancel: Callable[[], object]) -> Iterator[Stop]:
    """While ``loop`` runs, SIGINT and SIGTERM call ``cancel`` once and are recorded in the :class:`Stop`.

    The Python-level handlers in place before (:func:`raising`, or the defaults) are put back
    afterwards: asyncio's ``remove_signal_handler`` would reset them to the defaults instead.
    Outside the main thread the loop cannot take signals; nothing changes there.
    """
    stop = Stop(cancel)
    if not _main_thread():
        yield stop
        return
    saved: dict[int, Any] = {}
    for number in STOPPING:
        if not _ignored(number):
            saved[number] = signal.getsignal(number)
            loop.add_signal_handler(number, stop.request, number)
    try:
        yield stop
    finally:
        for restored, handler in saved.items():
            loop.remove_signal_handler(restored)
            signal.signal(restored, handler)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(number: int = signal.SIGTERM) -> bool:
    """Ask Linux to send this process ``number`` when its parent dies (even by kill -9); False where unsupported.

    A fork whose parent is already gone when this is called is not told: compare ``os.getppid()``
    with the parent's pid afterwards.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, int(number), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False
