"""Looking up the credentials of a run at once, under the run's deadline, so that a stuck lookup costs its devices only.

A lookup may block where nobody expects it: a keyring that waits for a
desktop unlock prompt, a credential file on a hung network mount. Each
distinct reference of a run is resolved once, by
:func:`dcmaint.secrets.resolve` (the only resolver), in daemon threads that
share one deadline: the per-device ``timeout`` of the run. A lookup that has
not finished by then is abandoned (its thread dies with the process) and the
devices that use it are UNKNOWN with one line saying so; the others go on to
be polled. The seconds a lookup took (from the start of the lookups to its
outcome, waiting for a free thread included) count against the deadline of
each device that uses it (:attr:`Lookup.seconds`, ``PollJob.spent``).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dcmaint.drivers.errors import ErrorKind
from dcmaint.errors import SecretError
from dcmaint.i18n import _
from dcmaint.secrets import Secret, parse_reference, resolve

#: Lookups in flight at once: enough for a run where every device has its own file, few enough to stay cheap.
AT_ONCE = 16


@dataclass(frozen=True)
class Lookup:
    """One reference's outcome: the secret, or why there is none (``kind`` and one line naming the reference).

    >>> Lookup(problem="env:BMC_PW: the environment variable BMC_PW is not set").ok
    False
    """

    secret: Secret | None = None
    problem: str | None = None
    kind: ErrorKind = ErrorKind.NOT_CONFIGURED
    #: Seconds from the start of the run's lookups until this outcome was known.
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem is None


def _resolve(reference: str, began: float) -> Lookup:
    try:
        secret = resolve(reference)
    except SecretError as error:
        return Lookup(problem=str(error), seconds=time.monotonic() - began)
    return Lookup(secret=secret, seconds=time.monotonic() - began)


def look_up(references: Iterable[str], timeout: float) -> Mapping[str, Lookup]:
    """Resolve every distinct reference, at most :data:`AT_ONCE` at a time, all within ``timeout`` seconds.

    Never raises: a malformed reference, a failed lookup and one that did not finish in time are each
    that reference's :class:`Lookup`. The mapping holds every reference given.
    """
    wanted = list(dict.fromkeys(references))
    outcomes: dict[str, Lookup] = {}
    pending: queue.SimpleQueue[str] = queue.SimpleQueue()
    for reference in wanted:
        try:
            parse_reference(reference)  # pure: a malformed reference needs no thread (its error hides the text)
        except SecretError as error:
            outcomes[reference] = Lookup(problem=str(error))
            continue
        pending.put(reference)
    finished = threading.Condition()
    began = time.monotonic()

    def work() -> None:
        while True:
            try:
                reference = pending.get_nowait()
            except queue.Empty:
                return
            outcome = _resolve(reference, began)
            with finished:
                outcomes.setdefault(reference, outcome)
                finished.notify_all()

    for number in range(min(AT_ONCE, pending.qsize())):
        threading.Thread(target=work, name=f"dcmaint-credential-{number}", daemon=True).start()
    deadline = began + timeout
    with finished:
        while len(outcomes) < len(wanted) and (left := deadline - time.monotonic()) > 0:
            finished.wait(left)
        with contextlib.suppress(queue.Empty):  # not started by the deadline: no thread starts it later
            while True:
                pending.get_nowait()
        for reference in wanted:
            outcomes.setdefault(
                reference,
                Lookup(
                    problem=_("{ref}: credential lookup did not finish within {seconds:g} s").format(
                        ref=reference, seconds=timeout
                    ),
                    kind=ErrorKind.TIMED_OUT,
                    seconds=timeout,
                ),
            )
        return dict(outcomes)
