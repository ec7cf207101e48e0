"""Run a unit of work again when it collides with a concurrent writer.

Several collectors may record the same devices at the same moment (two
``health --record`` runs, a cron job and a person). On PostgreSQL the loser
of such a race gets a serialization failure (SQLSTATE 40001), a deadlock
(40P01) or a unique violation (23505: both inserted a device's first poll);
on SQLite a writer that waited past the busy timeout gets "database is
locked". None of these says the work is wrong, only that it ran at the
wrong moment: :func:`retried` rolls the transaction back and runs the whole
unit again, a bounded number of times, after a random pause (full jitter),
so that the losers do not collide again in step. The work must therefore be
a function of its unit alone: it reads the store afresh on every try.

Any other error, or a collision on the last try, is mapped to dcmaint's
error once (:func:`dcmaint.store.unit.store_error`), as :func:`write` does.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from dcmaint.store.unit import UnitOfWork, store_error, transaction
from dcmaint.store.urls import DatabaseUrl

log = logging.getLogger("dcmaint.store.retry")

T = TypeVar("T")

#: PostgreSQL's SQLSTATEs that mean "a concurrent transaction got there first".
COLLISIONS = {"40001": "serialization failure", "40P01": "deadlock", "23505": "unique violation"}

#: SQLite's primary result codes for a lock held by another connection (SQLITE_BUSY, SQLITE_LOCKED).
_SQLITE_BUSY = {5, 6}


def collision(exc: BaseException) -> str | None:
    """What kind of collision with a concurrent writer ``exc`` is, or None when running again would not help.

    ``exc`` is SQLAlchemy's wrapper or the driver's own error. PostgreSQL's are
    classified by SQLSTATE, never by message (messages are translated).
    """
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(state, str):
        return COLLISIONS.get(state)
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if (code is not None and code & 0xFF in _SQLITE_BUSY) or "database is locked" in str(orig):
            return "database is locked"
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently :func:`retried` tries: ``tries`` in all, pausing after the ``n``-th
    collision a random time up to ``base * 2**n`` seconds, never more than ``cap``."""

    tries: int = 8
    base: float = 0.05
    cap: float = 2.0

    def pause(self, failed: int, draw: float) -> float:
        """Seconds to wait after ``failed`` collisions, ``draw`` uniform in [0, 1).

        >>> RetryPolicy(base=0.1, cap=1.0).pause(1, 0.5), RetryPolicy(base=0.1, cap=1.0).pause(9, 0.5)
        (0.1, 0.5)
        """
        return draw * min(self.cap, self.base * 2.0**failed)


def retried(
    url: DatabaseUrl,
    actor: str,
    command: str,
    work: Callable[[UnitOfWork], T],
    *,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    draw: Callable[[], float] = random.random,
) -> T:
    """``work(unit)`` in one transaction, committed; run again from the start on a :func:`collision`."""
    policy = policy or RetryPolicy()
    failed = 0
    while True:
        try:
            with transaction(url, actor, command) as unit:
                result = work(unit)
            return result
        except DBAPIError as exc:
            kind = collision(exc)
            failed += 1
            if kind is None or failed >= policy.tries:
                raise store_error(exc) from None
            log.info("%s: %s on try %d of %d; running it again", command, kind, failed, policy.tries)
            sleep(policy.pause(failed, draw()))
