"""Roles enforced by PostgreSQL (migration 0018, ``db grant|revoke|roles``): each department's allowed actions
succeed and are audited under the person's own role; every forbidden one is refused, through the CLI and through
plain SQL, with nothing changed. PostgreSQL only by nature; the SQLite refusal is tested too.

Person roles are cluster-wide: each test names its own with a uuid suffix and drops them at teardown.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PG_URL, Cli

DEPARTMENTS = ("desk", "engineer", "pm", "centre", "admin", "customer", "collector")


def _admin() -> psycopg.Connection:
    return psycopg.connect(PG_URL, autocommit=True)


@dataclass
class Store:
    """A PostgreSQL store with two sites, an engineer and a ticket at each step of the flow, and its persons."""

    cli: Cli
    owner_url: str
    schema: str
    monkeypatch: pytest.MonkeyPatch
    persons: list[str]
    tickets: dict[str, str]  # state -> ref at site s1
    other_site: str  # a ticket of site s2, signable

    def url(self, role: str) -> str:
        return self.owner_url.replace("postgresql://postgres@", f"postgresql://{role}@", 1)

    def person(self, department: str, site: str = "s1") -> str:
        name = f"p_{department}_{uuid.uuid4().hex[:8]}"
        self.persons.append(name)
        extra = ["--site", site] if department == "customer" else []
        self.as_owner()
        self.cli.ok("db", "grant", name, "--department", department, *extra)
        return name

    def as_owner(self) -> None:
        self.monkeypatch.setenv("DCMAINT_DB_URL", self.owner_url)

    def as_role(self, role: str) -> None:
        self.monkeypatch.setenv("DCMAINT_DB_URL", self.url(role))

    def sql(self, role: str) -> psycopg.Connection:
        return psycopg.connect(f"host=127.0.0.1 port=5432 dbname=test user={role} options=-csearch_path={self.schema}")

    def snapshot(self) -> tuple[object, ...]:
        """Everything a refused action could have changed."""
        with psycopg.connect(PG_URL, options=f"-csearch_path={self.schema}") as conn:
            return tuple(
                conn.execute(
                    f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t"
                ).fetchone()
                for table in ("tickets", "ticket_events", "audit_log", "audit_head", "staff", "sites", "db_role_sites")
            )

    def audit_actors_since(self, seq: int) -> set[str]:
        with psycopg.connect(PG_URL, options=f"-csearch_path={self.schema}") as conn:
            return {r[0] for r in conn.execute("SELECT actor FROM audit_log WHERE seq > %s", (seq,))}

    def audit_seq(self) -> int:
        with psycopg.connect(PG_URL, options=f"-csearch_path={self.schema}") as conn:
            return conn.execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()[0]  # type: ignore[index]


def _ticket(cli: Cli, site: str, *steps: tuple[str, ...]) -> str:
    ref = cli.ok("ticket", "new", "--site", site, "--description", "disk failed", "-f", "json").json()["ref"]
    for step in steps:
        cli.ok("ticket", step[0], ref, *step[1:])
    return ref


ASSIGNED = (("assign", "--to", "eng1"),)
FILLED = (*ASSIGNED, ("start",), ("restore",), ("fill", "--actions", "swapped the disk"))
SIGNED = (*FILLED, ("sign", "--by", "someone", "--score", "5"))


@pytest.fixture
def store(
    home: Path, pg_schema_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """Database roles are PostgreSQL's: no SQLite variant (the SQLite refusal has its own test)."""
    db_url = pg_schema_url
    monkeypatch.setenv("DCMAINT_DB_URL", db_url)
    cli = Cli(capsys, monkeypatch)
    cli.ok("site", "add", "s1", "--customer", "A")
    cli.ok("site", "add", "s2", "--customer", "B")
    cli.ok("staff", "add", "eng1", "--role", "engineer")
    tickets = {
        "logged": _ticket(cli, "s1"),
        "assigned": _ticket(cli, "s1", *ASSIGNED),
        "form_filled": _ticket(cli, "s1", *FILLED),
        "signed": _ticket(cli, "s1", *SIGNED),
    }
    schema = db_url.split("search_path%3D", 1)[1]
    found = Store(cli, db_url, schema, monkeypatch, [], tickets, _ticket(cli, "s2", *FILLED))
    yield found
    with _admin() as conn:
        for name in found.persons:
            conn.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(name)))


def _refused(store: Store, role: str, *args: str) -> str:
    """Run ``dcmaint ARGS`` as ``role``: a refusal in one line, nothing changed."""
    before = store.snapshot()
    store.as_role(role)
    result = store.cli(*args)
    store.as_owner()
    assert result.code != 0, f"{role}: dcmaint {' '.join(args)} was allowed"
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dcmaint: error:"), result.err
    assert store.snapshot() == before
    return lines[0]


def _forbidden_cli(store: Store, department: str, person: str) -> list[tuple[str, ...]]:
    t = store.tickets
    everything = {
        "new": ("ticket", "new", "--site", "s1", "--description", "fan noise"),
        "assign": ("ticket", "assign", t["logged"], "--to", "eng1"),
        "start": ("ticket", "start", t["assigned"]),
        "sign": ("ticket", "sign", t["form_filled"], "--by", person, "--score", "4"),
        "verify": ("ticket", "verify", t["signed"]),
        "staff": ("staff", "add", "intruder", "--role", "engineer"),
        "site": ("site", "add", "s3", "--customer", "C"),
    }
    allowed = {
        "desk": {"new"},
        "engineer": {"new", "start"},
        "pm": {"assign"},
        "centre": {"verify"},
        "admin": {"staff", "site"},
        "customer": {"sign"},
        "collector": set(),
    }[department]
    return [args for name, args in everything.items() if name not in allowed]


@pytest.mark.parametrize("department", DEPARTMENTS)
def test_every_forbidden_action_through_the_cli_is_refused(store: Store, department: str) -> None:
    person = store.person(department)
    for args in _forbidden_cli(store, department, person):
        _refused(store, person, *args)


def _forbidden_sql(store: Store, department: str, person: str) -> list[tuple[str, tuple[object, ...]]]:
    t = store.tickets
    statements = {
        "assign": (
            "UPDATE tickets SET assignee_id = (SELECT id FROM staff LIMIT 1), state = 'assigned' WHERE ref = %s",
            (t["logged"],),
        ),
        "start": ("UPDATE tickets SET state = 'in_progress' WHERE ref = %s", (t["assigned"],)),
        "sign": (
            "UPDATE tickets SET state = 'signed', signed_by = %s, score = 5 WHERE ref = %s",
            (person, t["form_filled"]),
        ),
        "verify": ("UPDATE tickets SET state = 'verified', verified_by = %s WHERE ref = %s", (person, t["signed"])),
        "verify_event": (
            (
                "INSERT INTO ticket_events (ticket_id, at, actor, kind) "
                "SELECT id, now(), %s, 'verify' FROM tickets WHERE ref = %s"
            ),
            (person, t["signed"]),
        ),
        "backwards": ("UPDATE tickets SET state = 'logged' WHERE ref = %s", (t["assigned"],)),
        "skip_ahead": ("UPDATE tickets SET state = 'closed' WHERE ref = %s", (t["signed"],)),
        "sign_again": ("UPDATE tickets SET score = 1, signed_by = %s WHERE ref = %s", (person, t["signed"])),
        "staff": ("INSERT INTO staff (name, role, created_at, updated_at) VALUES ('x', 'engineer', now(), now())", ()),
        "audit_as_other": (
            (
                "INSERT INTO audit_log (seq, at, actor, command, entity, entity_key, action, before, after,"
                " prev_hash, hash) VALUES (999999, now(), 'someone else', 'x', 'x', 'x', 'x', NULL, NULL,"
                " 'x', 'x')"
            ),
            (),
        ),
        "audit_head": ("UPDATE audit_head SET seq = seq + 1, hash = 'forged'", ()),
        "audit_update": ("UPDATE audit_log SET actor = %s", (person,)),
        "audit_delete": ("DELETE FROM audit_log", ()),
        "event_as_other": (
            (
                "INSERT INTO ticket_events (ticket_id, at, actor, kind) "
                "SELECT id, now(), 'someone else', 'note' FROM tickets WHERE ref = %s"
            ),
            (t["logged"],),
        ),
    }
    allowed = {
        "pm": {"assign"},
        "engineer": {"start"},
        "customer": {"sign"},
        "centre": {"verify", "verify_event"},
        "admin": {"staff"},
    }.get(department, set())
    return [stmt for name, stmt in statements.items() if name not in allowed]


@pytest.mark.parametrize("department", DEPARTMENTS)
def test_every_forbidden_action_through_plain_sql_is_refused(store: Store, department: str) -> None:
    person = store.person(department)
    for statement, params in _forbidden_sql(store, department, person):
        before = store.snapshot()
        refused = False
        with store.sql(person) as conn:
            try:
                cursor = conn.execute(statement, params)
                rows = cursor.rowcount
                conn.commit()  # a check deferred to the commit (the audit head's) refuses here
            except psycopg.errors.InsufficientPrivilege:
                refused = True
                conn.rollback()
        # not refused: row-level security, the statement saw no row of the customer's
        assert refused or (department == "customer" and rows == 0), f"{department}: {statement}"
        assert store.snapshot() == before, f"{department}: {statement}"


def test_each_department_does_its_own_step_and_the_audit_names_its_role(store: Store) -> None:
    people = {department: store.person(department) for department in DEPARTMENTS}
    seq = store.audit_seq()
    steps: list[tuple[str, Callable[[], tuple[str, ...]]]] = []
    store.as_role(people["desk"])
    ref = store.cli.ok("ticket", "new", "--site", "s1", "--description", "psu", "-f", "json").json()["ref"]
    for department, args in (
        ("pm", ("ticket", "assign", ref, "--to", "eng1")),
        ("engineer", ("ticket", "start", ref)),
        ("engineer", ("ticket", "restore", ref)),
        ("engineer", ("ticket", "fill", ref, "--actions", "new PSU")),
        ("customer", ("ticket", "sign", ref, "--by", people["customer"], "--score", "5")),
        ("centre", ("ticket", "verify", ref)),
        ("centre", ("ticket", "close", ref)),
        ("admin", ("staff", "add", "eng2", "--role", "engineer")),
    ):
        store.as_role(people[department])
        store.cli.ok(*args)
    del steps
    store.as_owner()
    shown = store.cli.ok("ticket", "show", ref, "-f", "json").json()
    assert shown["state"] == "closed"
    assert (shown["signed_by"], shown["verified_by"]) == (people["customer"], people["centre"])
    assert {e["actor"] for e in shown["events"]} == {
        people[d] for d in ("desk", "pm", "engineer", "customer", "centre")
    }
    assert store.audit_actors_since(seq) - {"postgres"} == {
        people[d] for d in ("desk", "pm", "engineer", "customer", "centre", "admin")
    }
    store.cli.ok("db", "check")


def test_a_customer_sees_and_signs_only_its_own_sites(store: Store) -> None:
    customer = store.person("customer", site="s1")
    store.as_role(customer)
    listed = store.cli.ok("ticket", "list", "-f", "json").json()
    assert {t["site"] for t in listed} == {"s1"}
    assert store.cli("ticket", "show", store.other_site).code == 2
    store.as_owner()
    _refused(store, customer, "ticket", "sign", store.other_site, "--by", customer, "--score", "1")
    with store.sql(customer) as conn:
        assert conn.execute(
            "SELECT count(*) FROM tickets t JOIN sites s ON s.id = t.site_id WHERE s.name = 's2'"
        ).fetchone() == (0,)
        assert conn.execute("SELECT name FROM sites").fetchall() == [("s1",)]


def test_an_actor_naming_someone_else_is_refused(store: Store) -> None:
    desk = store.person("desk")
    line = _refused(store, desk, "--as", "someone-else", "ticket", "new", "--site", "s1", "--description", "x")
    assert "someone-else" in line and desk in line
    store.as_role(desk)
    assert store.cli("--as", "someone-else", "ticket", "new", "--site", "s1", "--description", "x").code == 2
    store.cli.ok("--as", desk, "ticket", "new", "--site", "s1", "--description", "x")


def test_the_owner_keeps_the_actor_it_is_given(store: Store) -> None:
    seq = store.audit_seq()
    store.cli.ok("--as", "night-shift", "ticket", "note", store.tickets["logged"], "called back")
    assert store.audit_actors_since(seq) == {"night-shift"}


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("db", "grant", "p_x", "--department", "janitor"), "'janitor'"),
        (("db", "grant", "p_x", "--department", "customer"), "--site"),
        (("db", "grant", "p_x", "--department", "desk", "--site", "s1"), "--site"),
        (("db", "grant", "bad name;", "--department", "desk"), "'bad name;'"),
        (("db", "grant", "dcmaint_centre", "--department", "desk"), "'dcmaint_centre'"),
        (("db", "grant", "postgres", "--department", "desk"), "'postgres'"),
        (("db", "grant", "p_x", "--department", "customer", "--site", "nowhere"), "'nowhere'"),
        (("db", "grant", "p_x", "--department", "desk", "--cert", "--password-stdin"), "--cert"),
        (("db", "revoke", "p_x", "--department", "janitor"), "'janitor'"),
        (("db", "revoke", "x\x07y"), "'x\\x07y'"),
    ],
)
def test_bad_grants_are_one_line_exit_2_and_change_nothing(store: Store, args: tuple[str, ...], names: str) -> None:
    before = store.snapshot()
    result = store.cli(*args)
    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1 and names in result.err
    assert store.snapshot() == before
    with _admin() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'p_x'").fetchone() == (0,)


def test_grant_password_certificate_revoke_and_list(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    name = f"p_pw_{uuid.uuid4().hex[:8]}"
    cert = f"p_cert_{uuid.uuid4().hex[:8]}"
    store.persons += [name, cert]
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-Pass\n"))
    shown = store.cli.ok("db", "grant", name, "--department", "engineer", "--password-stdin", "-f", "json")
    assert "s3cret" not in shown.out + shown.err
    store.cli.ok("db", "grant", cert, "--department", "centre", "--cert")
    with _admin() as conn:
        stored = dict(
            conn.execute("SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN (%s, %s)", (name, cert))
        )
    assert stored[name].startswith("SCRAM-SHA-256$") and "s3cret" not in stored[name]
    assert stored[cert] is None
    with _admin() as conn:
        assert "s3cret" not in str(conn.execute(f'SELECT * FROM "{store.schema}".audit_log').fetchall())
    listed = {r["person"]: r for r in store.cli.ok("db", "roles", "-f", "json").json()}
    assert listed[name] == {
        "person": name,
        "departments": ["engineer"],
        "sites": [],
        "login": "password",
        "can_login": True,
    }
    assert listed[cert]["login"] == "cert"
    store.cli.ok("db", "revoke", name, "--department", "engineer")
    assert name not in {r["person"] for r in store.cli.ok("db", "roles", "-f", "json").json()}
    store.cli.ok("db", "revoke", cert, "--drop")
    with _admin() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (cert,)).fetchone() == (0,)


def test_sqlite_is_single_user(cli_sqlite: Cli) -> None:
    for args in (("db", "grant", "alice", "--department", "desk"), ("db", "revoke", "alice"), ("db", "roles")):
        result = cli_sqlite(*args)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1 and "SQLite" in result.err


def test_the_collector_records_health_and_opens_monitoring_tickets(store: Store, scenario) -> None:
    from tests.scenario import part, report

    collector = store.person("collector")
    store.cli.ok("device", "add", "srv01", "--site", "s1", "--kind", "server", "--driver", "scenario",
                 "--endpoint", "scenario://srv01")  # fmt: skip
    scenario("srv01", report(part("psu", "PSU 2", "critical", "PSU 2: input lost", serial="A2")))
    seq = store.audit_seq()
    store.as_role(collector)
    result = store.cli("health", "--record", "--open-tickets")
    assert result.code == 2 and "opened 1 ticket" in result.err, result.err
    assert store.audit_actors_since(seq) == {collector}
    opened = [t for t in store.cli.ok("ticket", "list", "-f", "json").json() if t["source"] == "monitoring"]
    assert len(opened) == 1


def team_store() -> dict[str, str]:
    """docs/database.md's team store: a private schema in the PostgreSQL peer, dropped with the page's persons when
    the test process ends (roles are the cluster's; the page itself drops them as its last example does)."""
    import atexit
    import os

    try:
        with _admin() as conn:
            schema = f"docs_{uuid.uuid4().hex[:12]}"
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as missing:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true and the PostgreSQL peer is not reachable: {missing}")
        pytest.skip(f"the PostgreSQL peer is not reachable: {missing}")

    def drop() -> None:
        with _admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            for name in DOCS_PERSONS:
                conn.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(name)))

    atexit.register(drop)
    at = f"@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    return {"TEAM_OWNER": f"postgres{at}", "TEAM_AT": at}


#: the persons docs/database.md creates
DOCS_PERSONS = ("zhao.li", "chen.pm", "wang.fang", "bank.ops")


def test_absent_department_roles_without_createrole_stop_the_upgrade_naming_the_statements(postgres: str) -> None:
    """The migration's own check, in a transaction rolled back: a role without CREATEROLE meets a group missing."""
    import importlib.util

    import sqlalchemy as sa

    from dcmaint.store import schema

    path = next((Path(schema.__file__).parent / "migrations" / "versions").glob("0018_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0018", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    absent = f"dcmaint_absent_{uuid.uuid4().hex[:8]}"
    migration.GROUPS = (absent,)
    engine = sa.create_engine(postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE ROLE "nocreate_{absent}"'))
            conn.execute(sa.text(f'SET ROLE "nocreate_{absent}"'))
            with pytest.raises(sa.exc.DBAPIError) as refused:
                migration._create_groups(conn)
            conn.rollback()
    finally:
        engine.dispose()
    line = str(refused.value.orig).strip().splitlines()[0]  # the one line dcmaint shows (store_error)
    assert line == (
        f"the department roles {absent} do not exist and nocreate_{absent} may not create them: "
        f"a superuser runs once: CREATE ROLE {absent} NOLOGIN;"
    )
    with _admin() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE %s", (f"%{absent}",)).fetchone() == (0,)
