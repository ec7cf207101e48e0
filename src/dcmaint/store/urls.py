"""Which database to use, and the spelling of its URL for each client. No SQLAlchemy import here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit, urlunsplit

from dcmaint import paths
from dcmaint.errors import ConfigError
from dcmaint.i18n import _

POSTGRESQL_EXTRA = "dcmaint[postgresql]"


@dataclass(frozen=True)
class DatabaseUrl:
    """A database location. ``sqlalchemy`` is the URL for SQLAlchemy; ``libpq`` for psycopg."""

    sqlalchemy: str

    @property
    def backend(self) -> str:
        return "sqlite" if self.sqlalchemy.startswith("sqlite") else "postgresql"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.sqlalchemy.removeprefix("sqlite:///"))

    @property
    def libpq(self) -> str:
        parts = urlsplit(self.sqlalchemy)
        return urlunsplit(("postgresql", *tuple(parts)[1:]))

    def redacted(self) -> str:
        """The URL with any password blanked, for messages and `config show` (a SQLite path is shown as is)."""
        from dcmaint.secrets import redact_url

        return redact_url(self.sqlalchemy) if self.backend == "postgresql" else self.sqlalchemy


def parse(text: str) -> DatabaseUrl:
    scheme = text.split(":", 1)[0].lower()
    if scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
        rest = text.split(":", 1)[1]
        return DatabaseUrl("postgresql+psycopg:" + rest)
    if scheme == "sqlite":
        if not text.startswith("sqlite:///") or text == "sqlite:///":
            raise ConfigError(_("database URL {url!r}: a SQLite URL is sqlite:///PATH").format(url=text))
        return DatabaseUrl(text)
    raise ConfigError(
        _("database URL scheme {scheme!r} is not supported: use sqlite:///PATH or postgresql://...").format(
            scheme=scheme
        )
    )


def resolve(configured: str | None) -> DatabaseUrl:
    """The URL from config/env, else the SQLite file in the dcmaint home."""
    return parse(configured or paths.default_database_url())


def postgresql_driver() -> ModuleType:
    """psycopg, which only the ``postgresql`` extra installs: a SQLite user need not have it.

    Both ways into PostgreSQL (``store.reader.connect`` and ``store.engine.engine_for``) ask here
    first, so a missing driver is one line naming the extra, never an ImportError traceback.
    """
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            _("PostgreSQL support is not installed: pip install '{extra}'").format(extra=POSTGRESQL_EXTRA)
        ) from None
    return psycopg
