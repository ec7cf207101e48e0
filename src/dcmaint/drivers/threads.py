"""Running blocking code in threads that nobody has to wait for.

``asyncio.to_thread`` and ``concurrent.futures`` use pool threads that the
interpreter joins at exit, and ``asyncio.run`` waits for the default executor
when it shuts down: one blocking library call that never returns (a BMC that
accepts the TCP connection and then says nothing) would hold the whole run,
and the process, forever. These helpers use daemon threads instead; when the
caller gives up, the thread is abandoned and dies with the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the caller gave up (deadline) while the thread was working
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


async def run_in_daemon_thread(func: Callable[..., T], /, *args: Any, name: str = "dcmaint-worker") -> T:
    """Like ``asyncio.to_thread``, but cancelling the await abandons the thread instead of waiting for it."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def work() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = context.run(func, *args)
        except Exception as exc:  # noqa: BLE001 - handed to the awaiting task, which decides
            error = exc
        except BaseException as exc:  # noqa: BLE001 - SystemExit in a worker must not stop the event loop
            error = RuntimeError(f"worker thread raised {type(exc).__name__}: {exc}")
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            loop.call_soon_threadsafe(_settle, future, result, error)

    threading.Thread(target=work, name=name, daemon=True).start()
    return await future


def call_with_timeout(func: Callable[[], T], timeout: float, name: str = "dcmaint-loader") -> T:
    """Call ``func`` in a daemon thread; raise TimeoutError if it has not returned after ``timeout`` seconds.

    Exceptions raised by ``func`` are re-raised here, in the caller's thread.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = func()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"did not finish within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["result"]
    return result


class DaemonExecutor(ThreadPoolExecutor):
    """An executor whose every task gets its own daemon thread, and whose shutdown never waits.

    The runner installs it as its event loop's default executor, so a driver
    that calls ``asyncio.to_thread`` itself cannot hold the run or the process
    open with a stuck call either. (It subclasses ThreadPoolExecutor only
    because asyncio accepts nothing else as a default executor; no pool
    thread is ever started.)
    """

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()

        def work() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - delivered through the future
                future.set_exception(exc)

        threading.Thread(target=work, name="dcmaint-executor", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: stuck threads are abandoned by design."""
