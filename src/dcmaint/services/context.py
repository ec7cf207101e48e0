"""Who acts, on which store, with which settings: what every service entry point is given.

The CLI builds one context per command; a collector daemon, a metrics
exporter or a web request builds its own. A service opens its transactions
through it (``with context.write() as unit``), so the transaction boundary of
a workflow lives in the service that owns the workflow, never in its caller,
and every caller gets the same audit trail: the context's ``actor`` and
``command`` are what the audit log records.

Importing this module costs nothing beyond the standard library: the store,
SQLAlchemy and the driver manager are imported when first used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from dcmaint.config import Config

if TYPE_CHECKING:
    from dcmaint.drivers.manager import DriverManager
    from dcmaint.store.reader import Reader
    from dcmaint.store.unit import UnitOfWork
    from dcmaint.store.urls import DatabaseUrl

T = TypeVar("T")


@dataclass
class Context:
    """The store, the actor and the settings of one caller.

    :param database_url: the store (``dcmaint.store.urls.resolve`` of the configured URL)
    :param actor: who is acting, as the audit log records it
    :param command: the operation, as the audit log records it (``"spare swap"``, ``"collect"``)
    :param config: the effective configuration (runner bounds, plugin settings)
    :param drivers: builds the driver manager the first time a service polls; the CLI's reports plugin
        failures on stderr, a daemon's would log them
    """

    database_url: DatabaseUrl
    actor: str
    command: str
    config: Config = field(default_factory=Config)
    drivers_factory: Callable[[], DriverManager] | None = field(default=None, repr=False)
    _drivers: DriverManager | None = field(default=None, init=False, repr=False)

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A read-only connection to an up-to-date store (a fresh SQLite store is created on first use)."""
        from dcmaint.store.reader import open_reader

        with open_reader(self.database_url) as reader:
            yield reader

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """One transaction: everything inside, audit rows included, commits or nothing does."""
        from dcmaint.store.unit import write

        with write(self.database_url, self.actor, self.command) as unit:
            yield unit

    def retried(self, work: Callable[[UnitOfWork], T]) -> T:
        """``work(unit)`` in one transaction like :meth:`write`, run again from the start when it collides with
        a concurrent writer (:func:`dcmaint.store.retry.retried`): for work that many callers may do at once."""
        from dcmaint.store.retry import retried

        return retried(self.database_url, self.actor, self.command, work)

    def drivers(self) -> DriverManager:
        """The installed drivers, loaded once per context."""
        if self._drivers is None:
            if self.drivers_factory is not None:
                self._drivers = self.drivers_factory()
            else:
                from dcmaint.drivers.manager import DriverManager

                settings = self.config.plugins
                self._drivers = DriverManager(settings, load_timeout=settings.load_timeout).load()
        return self._drivers
