"""Who a PostgreSQL connection is: a person's own role, or the store's owner (the administrator).

On PostgreSQL each person may connect as their own login role, a member of one
of the department group roles that migration 0018 creates. The audit log's actor
is then the connection's role, whatever the command was told: the database's
trigger on ``audit_log`` refuses any other, so the hash chain must be built with
it from the start. The store's owner (who ran the migrations) and superusers are
not restricted and keep the ``--as`` / ``user.actor`` / OS user of single-user
setups. SQLite is single-user: nothing here applies to it.

The question is asked once per store URL and process (one round trip); a
collector's thousand transactions do not ask it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.store.urls import DatabaseUrl

#: department name -> its group role (NOLOGIN), as migration 0018 created them
DEPARTMENTS = {
    "desk": "dcmaint_desk",
    "engineer": "dcmaint_engineer",
    "pm": "dcmaint_pm",
    "centre": "dcmaint_centre",
    "admin": "dcmaint_admin",
    "customer": "dcmaint_customer",
    "collector": "dcmaint_collector",
}

_WHO = """
SELECT session_user AS role,
       (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) OR pg_has_role(session_user, coalesce(
           (SELECT relowner FROM pg_class WHERE oid = to_regclass('alembic_version')),
           (SELECT nspowner FROM pg_namespace WHERE nspname = current_schema()), session_user::regrole::oid), 'USAGE')
           AS administrator,
       array(SELECT rolname::text FROM pg_roles
             WHERE rolname = ANY(%(groups)s) AND pg_has_role(session_user, oid, 'MEMBER') ORDER BY rolname)
           AS groups
"""


@dataclass(frozen=True)
class Connection:
    """The role a store URL connects as, and what it is to dcmaint."""

    role: str
    administrator: bool  # a superuser, the owner of the store, or a member who inherits the owner's rights
    groups: tuple[str, ...]  # the department group roles it belongs to

    @property
    def person(self) -> bool:
        """A person's own role: the actor is the role, and the database enforces the department's rights."""
        return bool(self.groups) and not self.administrator


_KNOWN: dict[str, Connection | None] = {}


def connection(url: DatabaseUrl) -> Connection | None:
    """The connection's role on PostgreSQL (asked once per URL and process); None on SQLite."""
    if url.backend != "postgresql":
        return None
    if url.sqlalchemy not in _KNOWN:
        from sqlalchemy.exc import DBAPIError

        from dcmaint.store.engine import engine_for

        try:
            with engine_for(url).connect() as conn:
                cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                cursor.execute(_WHO, {"groups": list(DEPARTMENTS.values())})
                role, administrator, groups = cursor.fetchone()
                conn.rollback()
        except DBAPIError as exc:  # an unreachable server: the same one line as any write's
            from dcmaint.store.unit import store_error

            raise store_error(exc) from None
        _KNOWN[url.sqlalchemy] = Connection(role, bool(administrator), tuple(groups))
    return _KNOWN[url.sqlalchemy]


def actor(url: DatabaseUrl, asked: str) -> str:
    """The audit actor of a write: the person's role when the connection is one, else ``asked``."""
    found = connection(url)
    return found.role if found is not None and found.person else asked


def refuse_other_actor(url: DatabaseUrl, asked: str) -> None:
    """An explicit ``--as`` (``DCMAINT_ACTOR``) naming someone else than the person connected is refused, before
    anything runs."""
    found = connection(url)
    if found is not None and found.person and asked != found.role:
        raise UsageError(
            _(
                "--as {actor!r}: you are connected as the database role {role!r}, which is who the audit log names"
            ).format(actor=asked, role=found.role)
        )
