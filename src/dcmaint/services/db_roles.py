"""``dcmaint db grant|revoke|roles``: each person's own PostgreSQL role, and the department it acts for.

The rights themselves (GRANTs, guard triggers, row-level security by site) are
migration 0018's: the database enforces them for every client, dcmaint or not.
These workflows only create login roles, make them members of a department's
group role and map a customer's role to its sites, in one audited transaction run
by the store's owner. Passwords are sent to PostgreSQL as a SCRAM verifier computed
here (libpq's own ``PQencryptPasswordConn``), so the clear text never appears in a
statement, a server log or the store; a certificate login has no password at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dcmaint.domain.enums import AuditEntity
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context

if TYPE_CHECKING:
    from dcmaint.store.reader import Rows
    from dcmaint.store.unit import UnitOfWork

#: a role name as dcmaint creates it: PostgreSQL's identifier characters plus the ``.``, ``-`` and ``@`` of
#: names taken from certificates and mail addresses; at most 63 bytes (NAMEDATALEN - 1)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.@-]*")
_RESERVED = ("dcmaint_", "pg_")
#: how a person logs in, kept as the role's comment (readable without superuser rights, unlike the password hash)
LOGIN_COMMENT = "dcmaint login: {method}"
ENTITY = AuditEntity.DB_ROLE.value


@dataclass(frozen=True)
class PersonRole:
    """One person's role as ``db roles`` lists it; ``as_json`` keys are documented in docs/database.md."""

    person: str
    departments: tuple[str, ...]
    sites: tuple[str, ...]
    login: str  # password, cert, none (no password: pg_hba.conf decides), unknown (a role dcmaint did not create)
    can_login: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "departments": list(self.departments),
            "sites": list(self.sites),
            "login": self.login,
            "can_login": self.can_login,
        }


def check_name(person: str) -> str:
    """A role name dcmaint may create or change: checked before anything runs."""
    if not _NAME.fullmatch(person) or len(person.encode()) > 63:
        raise UsageError(
            _("role name {name!r}: use letters, digits, _ . - @, starting with a letter or _, at most 63 bytes").format(
                name=person
            )
        )
    if person.lower().startswith(_RESERVED):
        raise UsageError(_("role name {name!r}: names starting dcmaint_ or pg_ are reserved").format(name=person))
    return person


def check_department(department: str) -> str:
    from dcmaint.store.roles import DEPARTMENTS

    if department not in DEPARTMENTS:
        raise UsageError(
            _("unknown department {name!r}: one of {known}").format(name=department, known=", ".join(DEPARTMENTS))
        )
    return DEPARTMENTS[department]


def check_login(password: bool, cert: bool) -> None:
    if password and cert:
        raise UsageError(_("choose one login: --password-stdin or --cert"))


def _postgresql(context: Context) -> None:
    if context.database_url.backend != "postgresql":
        raise UsageError(
            _("SQLite is single-user: database roles need a PostgreSQL store (DCMAINT_DB_URL=postgresql://...)")
        )


def _driver(unit: UnitOfWork) -> Any:
    """The transaction's psycopg connection: for statements with quoted identifiers and libpq's password hash."""
    return unit.session.connection().connection.driver_connection


def _refuse_owner(unit: UnitOfWork, person: str) -> None:
    owner = unit.rows(
        "SELECT session_user AS me, (SELECT pg_get_userbyid(relowner) FROM pg_class "
        "WHERE oid = to_regclass('alembic_version')) AS owner"
    )[0]
    if person in (owner["me"], owner["owner"]):
        raise UsageError(
            _("role {name!r} owns the store: it is the administrator, not a department member").format(name=person)
        )


def _memberships(unit: UnitOfWork, person: str) -> tuple[bool, tuple[str, ...]]:
    """Whether the role exists, and the department group roles it belongs to."""
    from dcmaint.store.roles import DEPARTMENTS

    rows = unit.rows("SELECT oid FROM pg_roles WHERE rolname = :person", {"person": person})
    if not rows:
        return False, ()
    groups = unit.rows(
        "SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE m.member = :oid AND g.rolname = ANY(:groups) ORDER BY g.rolname",
        {"oid": rows[0]["oid"], "groups": list(DEPARTMENTS.values())},
    )
    return True, tuple(r["name"] for r in groups)


def _site_ids(unit: UnitOfWork, sites: Sequence[str]) -> list[int]:
    from dcmaint.services import sites as site_register

    return [site_register.find(unit, name).id for name in sites]


def grant(
    context: Context,
    person: str,
    department: str,
    sites: Sequence[str] = (),
    password: str | None = None,
    cert: bool = False,
) -> PersonRole:
    """Create ``person``'s login role if absent, make it a member of ``department`` and, for a customer, map it
    to ``sites`` (one transaction, audited). A customer must name a site; no one else may."""
    _postgresql(context)
    check_name(person)
    group = check_department(department)
    if department == "customer" and not sites:
        raise UsageError(_("a customer's role sees only its own sites: name them with --site"))
    if department != "customer" and sites:
        raise UsageError(
            _("--site is for customers: the {department} department sees every site").format(department=department)
        )
    check_login(password is not None, cert)
    if password is not None and not password:
        raise UsageError(_("the password read from stdin is empty"))
    from psycopg import sql

    with context.write() as unit:
        _refuse_owner(unit, person)
        site_ids = _site_ids(unit, sites)
        exists, groups = _memberships(unit, person)
        mixed = {"dcmaint_customer"} & ({group} | set(groups))
        if mixed and len({group, *groups}) > 1:
            raise UsageError(
                _("{name!r}: a customer's role belongs to no other department (it would see every site)").format(
                    name=person
                )
            )
        raw = _driver(unit)
        role = sql.Identifier(person)
        method = "cert" if cert else "password" if password is not None else None if exists else "none"
        if not exists:
            raw.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        if password is not None:
            verifier = raw.pgconn.encrypt_password(password.encode(), person.encode(), b"scram-sha-256")
            raw.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(verifier.decode())))
        elif cert:
            raw.execute(sql.SQL("ALTER ROLE {} PASSWORD NULL").format(role))
        if method is not None:
            raw.execute(
                sql.SQL("COMMENT ON ROLE {} IS {}").format(role, sql.Literal(LOGIN_COMMENT.format(method=method)))
            )
        raw.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), role))
        for site_id in site_ids:
            unit.session.execute(
                _text("INSERT INTO db_role_sites (role_name, site_id) VALUES (:r, :s) ON CONFLICT DO NOTHING"),
                {"r": person, "s": site_id},
            )
        unit.record(
            ENTITY,
            person,
            "grant",
            {"departments": list(groups)} if exists else None,
            {"department": department, "sites": list(sites), **({"login": method} if method else {})},
        )
        return _listed(unit, person)


def revoke(context: Context, person: str, department: str | None = None, drop: bool = False) -> str:
    """Take ``person`` out of ``department`` (all departments when None) and forget its sites; ``drop`` also
    drops the login role. Returns what was done, for the one line the CLI prints."""
    _postgresql(context)
    check_name(person)
    group = check_department(department) if department is not None else None
    from psycopg import sql

    with context.write() as unit:
        _refuse_owner(unit, person)
        exists, groups = _memberships(unit, person)
        if not exists:
            raise NotFound(_("no database role {name!r}").format(name=person))
        if group is not None and group not in groups:
            raise NotFound(
                _("{name!r} is not in the {department} department").format(name=person, department=department)
            )
        leaving = [group] if group is not None else list(groups)
        raw = _driver(unit)
        for name in leaving:
            raw.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(name), sql.Identifier(person)))
        if "dcmaint_customer" in leaving or drop:
            unit.session.execute(_text("DELETE FROM db_role_sites WHERE role_name = :r"), {"r": person})
        if drop:
            raw.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(person)))
        unit.record(ENTITY, person, "drop" if drop else "revoke", {"departments": list(groups)}, {"revoked": leaving})
    return (
        _("dropped the database role {name}").format(name=person)
        if drop
        else _("{name} left: {departments}").format(name=person, departments=", ".join(leaving) or _("(none)"))
    )


_PERSONS = """
SELECT r.rolname AS person, r.rolcanlogin AS can_login, shobj_description(r.oid, 'pg_authid') AS comment,
       array(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
             WHERE m.member = r.oid AND g.rolname = ANY(:groups) ORDER BY g.rolname) AS groups,
       array(SELECT s.name FROM db_role_sites d JOIN sites s ON s.id = d.site_id
             WHERE d.role_name = r.rolname ORDER BY s.name) AS sites
FROM pg_roles r
WHERE left(r.rolname, 8) <> 'dcmaint_' AND (r.rolname = ANY(:persons) OR EXISTS (
    SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
    WHERE m.member = r.oid AND g.rolname = ANY(:groups)))
ORDER BY r.rolname
"""


def _text(statement: str) -> Any:
    from sqlalchemy import text

    return text(statement)


def _persons(unit: Rows, only: str | None = None) -> list[PersonRole]:
    from dcmaint.store.roles import DEPARTMENTS

    names = {group: name for name, group in DEPARTMENTS.items()}
    mapped = [r["role_name"] for r in unit.rows("SELECT DISTINCT role_name FROM db_role_sites")]
    found = []
    for r in unit.rows(_PERSONS, {"groups": list(DEPARTMENTS.values()), "persons": mapped}):
        if only is not None and r["person"] != only:
            continue
        comment = r["comment"] or ""
        login = comment.removeprefix("dcmaint login: ") if comment.startswith("dcmaint login: ") else "unknown"
        found.append(
            PersonRole(r["person"], tuple(names[g] for g in r["groups"]), tuple(r["sites"]), login, r["can_login"])
        )
    return found


def _listed(unit: UnitOfWork, person: str) -> PersonRole:
    return _persons(unit, person)[0]


def roles(context: Context) -> list[PersonRole]:
    """Every person with a department in this store's cluster, with its sites here and how it logs in."""
    _postgresql(context)
    with context.read() as reader:
        return _persons(reader)
