"""The service entry points without the CLI, as a collector daemon or a web page would call them (both backends).

Each entry point takes a Context and opens its own transactions; the audit
log names the context's actor and command, whoever the caller is.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dcmaint.domain.records import Device, StaffMember
from dcmaint.services.context import Context
from dcmaint.services.site_views import Deadline, deadline_of
from dcmaint.store.urls import parse
from tests.test_spare_levels_cli import CATALOGUE  # one PSU part: 0.5 failures a year, a year's lead time

DUE = date(2026, 3, 23)  # 15 working days after 2026-03-02


@pytest.fixture
def context(db_url: str) -> Context:
    return Context(parse(db_url), actor="collector-hq", command="collect")


def _device(name: str, site: str = "hq") -> Device:
    return Device(
        site, name, "server", "HPE", None, None, None, None, None, True, None, None, None, None, True, None, None, None
    )


def test_deadline_follows_the_depot():
    assert deadline_of(None, False, DUE) is Deadline.UNKNOWN
    assert deadline_of(None, True, DUE) is Deadline.UNKNOWN
    assert deadline_of(DUE, False, date(2026, 3, 22)) is Deadline.OPEN
    assert deadline_of(DUE, False, DUE) is Deadline.OPEN  # due today is not overdue yet
    assert deadline_of(DUE, False, date(2026, 3, 24)) is Deadline.OVERDUE
    assert deadline_of(DUE, True, date(2026, 3, 1)) is Deadline.MET
    assert deadline_of(DUE, True, date(2027, 3, 1)) is Deadline.MET  # a complete depot is never overdue


def test_registers_through_entry_points_name_the_contexts_actor_and_command(context):
    from dcmaint.services import audit_log, devices, site_views, sites, staff, staff_views
    from dcmaint.services.sites import SiteChanges

    added = sites.register(context, "hq", SiteChanges(customer=" 某银行 ", signed_on=date(2026, 3, 2)))
    assert (added.customer, added.sla_restore_hours, added.depot_deadline_days, added.timezone, added.calendar) == (
        "某银行",
        12,
        15,
        "Asia/Shanghai",
        "cn",
    )  # the contract defaults
    devices.register(context, _device("srv01"))
    staff.register(context, StaffMember("li", "engineer", (), None, None, True))
    sites.edit(context, "hq", SiteChanges(sla_restore_hours=8))
    assert [s.sla_restore_hours for s in site_views.sites(context)] == [8]
    assert [m.name for m in staff_views.members(context)] == ["li"]
    entries = audit_log.entries(context)
    assert [(e.entity, e.action) for e in entries] == [
        ("site", "add"),
        ("device", "add"),
        ("staff", "add"),
        ("site", "edit"),
    ]
    assert {(e.actor, e.command) for e in entries} == {("collector-hq", "collect")}


def test_a_refused_entry_point_writes_nothing(context, db_url):
    from dcmaint.errors import Conflict
    from dcmaint.services import sites
    from dcmaint.services.sites import SiteChanges
    from tests.helpers import counts

    sites.register(context, "hq", SiteChanges(customer="某银行"))
    before = counts(db_url)
    with pytest.raises(Conflict, match="'hq' already exists"):
        sites.register(context, "hq", SiteChanges(customer="某银行"))
    assert counts(db_url) == before


def test_site_view_words_the_deadline_by_the_depot(context, db_url, tmp_path):
    from dcmaint.domain.parts import StockEntry
    from dcmaint.services import catalogue, devices, site_views, sites, stock
    from dcmaint.services.sites import SiteChanges
    from dcmaint.store.engine import engine_for

    sites.register(context, "hq", SiteChanges(customer="某银行", signed_on=date(2026, 3, 2)))
    devices.register(context, _device("srv01"))
    (tmp_path / "parts.toml").write_text(CATALOGUE, encoding="utf-8")
    catalogue.import_catalogue(context, [tmp_path / "parts.toml"])
    with engine_for(parse(db_url)).begin() as connection:  # two PSUs, as a recorded poll would leave them
        for slot in ("PSU 1", "PSU 2"):
            connection.exec_driver_sql(
                "INSERT INTO components (device_id, kind, location, part_number, health, first_seen, last_seen) "
                f"SELECT id, 'psu', '{slot}', '865414-B21', 'ok', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM devices"
            )

    before = site_views.show(context, "hq", today=date(2026, 3, 20)).depot
    assert (before.due, before.complete, before.short, before.deadline, before.days_left) == (
        DUE,
        False,
        1,
        Deadline.OPEN,
        3,
    )
    late = site_views.show(context, "hq", today=date(2026, 4, 2)).depot
    assert (late.deadline, late.days_left) == (Deadline.OVERDUE, -10)

    for serial in ("S1", "S2", "S3"):  # 3 recommended for two PSUs at 0.5 a year, a year's lead time
        stock.receive(context, StockEntry("hq", "865414-B21", serial, None, "new", None, None, None, None))
    done = site_views.show(context, "hq", today=date(2026, 4, 2))
    assert (done.depot.complete, done.depot.short, done.depot.deadline) == (True, 0, Deadline.MET)
    assert done.as_json()["depot_complete"] is True and done.as_json()["depot_due"] == "2026-03-23"


READS = [
    ["site", "list"],
    ["site", "show", "hq"],
    ["device", "list", "--format", "json"],
    ["device", "show", "srv01"],
    ["staff", "list"],
    ["staff", "show", "li"],
    ["audit", "list"],
    ["ticket", "list"],
    ["spare", "list"],
    ["spare", "catalogue", "list"],
    ["spare", "swaps"],
    ["spare", "custody"],
    ["spare", "consent", "list"],
    ["report", "kpi", "--month", "2026-03"],
]
PROBE = """
import sys
from dcmaint.cli.main import run
for argv in {reads!r}:
    code = run(argv)
    assert code == 0, (argv, code)
print(sorted(m for m in ("sqlalchemy", "alembic") if m in sys.modules))
"""


def test_read_commands_stay_on_the_db_api_path(cli_sqlite, home):
    """Lists and shows read through services on plain DB-API: none of them imports SQLAlchemy."""
    cli_sqlite.ok("site", "add", "hq", "--customer", "某银行")
    cli_sqlite.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli_sqlite.ok("staff", "add", "li", "--role", "engineer")
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(reads=READS)],
        capture_output=True,
        text=True,
        env={**_environment(), "DCMAINT_HOME": str(home)},
        cwd=Path(__file__).parents[1],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _environment() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
