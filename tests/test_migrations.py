"""Migrations are history: released ones never change, every earlier revision upgrades to head with its data,
and stores built while 0002, 0004 and 0005 were edited in place are repaired to the models' shape (0006)."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, insert, select

from dcmaint.store import audit, revision, schema
from dcmaint.store.catalog import live_shape
from dcmaint.store.engine import engine_for
from dcmaint.store.models.base import Base
from dcmaint.store.reader import Reader, connect
from dcmaint.store.shape import differences, model_shape
from dcmaint.store.urls import DatabaseUrl, parse

VERSIONS = Path(schema.__file__).parent / "migrations" / "versions"
EDITED = Path(__file__).parent / "data" / "edited_migrations"

# SHA-256 of each released migration file. A released migration has run on stores we cannot reach: never edit
# one, add a new migration instead. A new migration is pinned here when it is released (docs/database.md).
RELEASED = {
    "0001_initial_registers_and_audit_log.py": "92946e639befd4d0229bbd8b78bebb82fb0eb911be57d2263fd3ef8a047ce3f2",
    "0002_polls_installed_base_and_faults.py": "dc9398bc260edb24e5ff6fab8cd792b521fa605e89825d1cb55d96c23aa3af5e",
    "0003_parts_catalogue_and_depot_stock.py": "6745ff095be2a344792336a063cbad59cddb1a80abc56defea697ee97437797b",
    "0004_swaps_consents_and_handovers.py": "4c66f56f0c3ec1f03f620be2b33f597d1ed90ed1cd9605ec80d28759f73794b7",
    "0005_tickets.py": "bae4957fd52a8c69b011d294b302c5bb7c0c71a7fdb677860ce4c3fce7435173",
    "0006_repair_stores_built_from_edited_migrations.py": (
        "b7af74b0a4dc06b94cb48ef198a6c42aba4f505cc5922cc7b7acdfb170117ff7"
    ),
    "0007_elapsed_time_of_paused_clocks.py": "ecc4eac388845dcaa31273d07b5b96c0970828ce6cc02492008aa51f2f3173ed",
}


@pytest.mark.parametrize("name", sorted(RELEASED))
def test_released_migrations_are_never_edited(name: str) -> None:
    path = VERSIONS / name
    assert path.is_file(), f"released migration {name} is gone: a released migration is history, keep it"
    found = hashlib.sha256(path.read_bytes()).hexdigest()
    assert found == RELEASED[name], (
        f"released migration {name} was edited (sha256 {found}, released as {RELEASED[name]}): stores in the field "
        "have run the released text and will never run it again. Undo the edit and add a new migration instead "
        "(docs/database.md, 'Migrations are history')."
    )


def test_head_is_the_newest_migration() -> None:
    assert schema.head_revision() == revision.HEAD


def _differences(url: DatabaseUrl) -> list[str]:
    connection = connect(url)
    try:
        return differences(model_shape(url.backend), live_shape(Reader(url, connection)))
    finally:
        connection.close()


def _not_modelled(name: str | None, type_: str, parent_names: object) -> bool:
    """db_role_sites is PostgreSQL's alone (migration 0018: customers' roles and their sites), read with SQL by
    dcmaint.services.db_roles: no model, as SQLite has no such table."""
    return not (type_ == "table" and name == "db_role_sites")


def _model_drift(connection: object) -> list[object]:
    return compare_metadata(MigrationContext.configure(connection, opts={"include_name": _not_modelled}), Base.metadata)


def test_migrations_match_the_models(db_url: str) -> None:
    url = parse(db_url)
    schema.upgrade(url)
    with engine_for(url).connect() as connection:
        assert _model_drift(connection) == []
    assert _differences(url) == []


# Data written at each revision, in the tables and columns that revision has: (revision, table, rows).
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
DATA: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "0001",
        "sites",
        [
            {
                "id": 1,
                "name": "hq",
                "customer": "某市商业银行",
                "address": "上海市",
                "contract_no": "WB-1",
                "signed_on": date(2026, 1, 5),
                "sla_restore_hours": 12,
                "depot_deadline_days": 15,
                "timezone": "Asia/Shanghai",
                "calendar": "cn",
                "created_at": T0,
                "updated_at": T0,
            }
        ],
    ),
    (
        "0001",
        "staff",
        [
            {
                "id": 1,
                "name": "li.na",
                "role": "engineer",
                "skills": "x86,san",
                "phone": None,
                "email": "li@example.cn",
                "active": True,
                "created_at": T0,
                "updated_at": T0,
            }
        ],
    ),
    (
        "0001",
        "devices",
        [
            {
                "id": 1,
                "site_id": 1,
                "name": "srv01",
                "kind": "server",
                "vendor": "HPE",
                "model": "DL380",
                "serial": "CZ1",
                "room": "3F",
                "rack": "A01",
                "rack_unit": "12",
                "covered": True,
                "driver": "redfish",
                "endpoint": "https://10.0.0.1",
                "username": "admin",
                "credential": "env:BMC",
                "tls_verify": False,
                "ca_file": None,
                "fingerprint": None,
                "notes": "机房 A",
                "created_at": T0,
                "updated_at": T0,
            }
        ],
    ),
    (
        "0002",
        "device_polls",
        [
            {
                "device_id": 1,
                "polled_at": T0,
                "driver": "redfish",
                "status": "critical",
                "error": None,
                "message": "PSU 2 failed",
                "duration": 1.5,
                "report": '{"vendor": "HPE"}',
            }
        ],
    ),
    (
        "0002",
        "components",
        [
            {
                "id": 1,
                "device_id": 1,
                "kind": "psu",
                "location": "PSU 2",
                "name": "PSU 2",
                "manufacturer": "HPE",
                "model": "800W",
                "part_number": "865414-B21",
                "spare_part_number": "866730-001",
                "serial": "5WBXK",
                "firmware": "1.00",
                "capacity_bytes": 8 * 10**12,
                "health": "critical",
                "first_seen": T0,
                "last_seen": T0,
            }
        ],
    ),
    (
        "0002",
        "faults",
        [
            {
                "id": 1,
                "device_id": 1,
                "kind": "psu",
                "location": "PSU 2",
                "health": "critical",
                "reason": "failed",
                "manufacturer": "HPE",
                "model": "800W",
                "part_number": "865414-B21",
                "spare_part_number": "866730-001",
                "serial": "5WBXK",
                "first_seen": T0,
                "last_seen": T0,
                "closed_at": None,
            }
        ],
    ),
    (
        "0003",
        "parts",
        [
            {
                "id": 1,
                "part_number": "865414-B21",
                "vendor": "HPE",
                "description": "800W PSU",
                "part_class": "psu",
                "attributes": '{"watts": 800}',
                "annual_failure_rate": 0.02,
                "lead_time_days": 30,
                "consumable": False,
                "created_at": T0,
                "updated_at": T0,
            },
            {
                "id": 2,
                "part_number": "P38995-B21",
                "vendor": "HPE",
                "description": "800W PSU (new)",
                "part_class": "psu",
                "attributes": None,
                "annual_failure_rate": None,
                "lead_time_days": None,
                "consumable": False,
                "created_at": T0,
                "updated_at": T0,
            },
        ],
    ),
    ("0003", "part_numbers", [{"id": 1, "part_id": 1, "number": "866730-001", "kind": "spare"}]),
    ("0003", "part_substitutes", [{"part_id": 1, "substitute_id": 2, "note": "same bay"}]),
    (
        "0003",
        "stock_units",
        [
            {
                "id": 1,
                "part_id": 1,
                "part_number": "865414-B21",
                "site_id": 1,
                "serial": "SP1",
                "bin": "B1",
                "condition": "new",
                "quantity": 1,
                "proof_ref": "INV-1",
                "proof_file": None,
                "received_on": date(2026, 2, 1),
                "status": "in_stock",
                "reserved_for": None,
                "device_id": None,
                "slot": None,
                "custody_location": None,
                "notes": None,
                "updated_at": T0,
            }
        ],
    ),
    (
        "0004",
        "handovers",
        [{"id": 1, "site_id": 1, "received_by": "王工", "handed_at": T0, "document_ref": "R-1", "notes": None}],
    ),
    (
        "0004",
        "consents",
        [
            {
                "id": 1,
                "site_id": 1,
                "part_id": 1,
                "substitute_id": 2,
                "device_id": None,
                "agreed_by": "王工",
                "agreed_on": date(2026, 3, 1),
                "document_ref": "C-1",
                "notes": None,
                "created_at": T0,
            }
        ],
    ),
    (
        "0004",
        "stock_units",
        [
            {
                "id": 2,
                "part_id": 1,
                "part_number": "865414-B21",
                "site_id": 1,
                "serial": "OLD1",
                "bin": None,
                "condition": "used",
                "quantity": 1,
                "proof_ref": None,
                "proof_file": None,
                "received_on": None,
                "status": "removed",
                "reserved_for": None,
                "device_id": 1,
                "slot": "psu:PSU 2",
                "custody_location": "机房柜",
                "notes": None,
                "updated_at": T0,
                "handover_id": 1,
            }
        ],
    ),
    (
        "0004",
        "swaps",
        [
            {
                "id": 1,
                "device_id": 1,
                "kind": "psu",
                "location": "PSU 2",
                "installed_unit_id": 1,
                "removed_unit_id": 2,
                "fit": "exact",
                "consent_id": None,
                "fault_id": 1,
                "from_site_id": 1,
                "ticket": None,
                "technician": "li.na",
                "swapped_at": T0,
                "verification": "verified",
                "verified_at": T0,
                "verify_message": "ok",
            }
        ],
    ),
    (
        "0005",
        "tickets",
        [
            {
                "id": 1,
                "ref": "T-2026-000001",
                "site_id": 1,
                "source": "phone",
                "caller": "王工",
                "contact": None,
                "description": "PSU 2 故障",
                "severity": "high",
                "state": "in_progress",
                "assignee_id": 1,
                "handling": "remote",
                "fault_id": 1,
                "reported_at": T0,
                "created_at": T0,
                "sla_hours": 12,
                "started_at": T0,
                "paused_since": None,
                "paused_seconds": 0.0,
                "sla_due_at": datetime(2026, 11, 20, 20, tzinfo=UTC),
                "restored_at": None,
                "sla_met": None,
                "sla_elapsed_seconds": None,
                "actions": None,
                "time_spent_minutes": None,
                "signed_by": None,
                "signed_at": None,
                "score": None,
                "comment": None,
                "signature": b"\x89PNG\r\n\x1a\n",
                "verified_by": None,
                "verified_at": None,
                "closed_at": None,
            }
        ],
    ),
    ("0005", "ticket_devices", [{"ticket_id": 1, "device_id": 1}]),
    (
        "0005",
        "ticket_events",
        [
            {
                "id": 1,
                "ticket_id": 1,
                "at": T0,
                "actor": "desk",
                "kind": "logged",
                "state_from": None,
                "state_to": "logged",
                "reason": "phone",
                "note": None,
            }
        ],
    ),
    (
        "0005",
        "ticket_pauses",
        [{"id": 1, "ticket_id": 1, "reason": "downtime-window", "started_at": T0, "ended_at": T0, "note": None}],
    ),
]


def _audit_rows() -> list[dict[str, Any]]:
    """Two changes with a sound hash chain: `db check` after the upgrade proves they came through untouched."""
    rows, previous = [], audit.GENESIS
    for seq, key in ((1, "hq"), (2, "li.na")):
        fields = audit.ChainFields(
            seq=seq,
            at=T0,
            actor="desk",
            command="site add",
            entity="site",
            entity_key=key,
            action="add",
            before=None,
            after=audit.canonical_json({"name": key}),
            prev_hash=previous,
        )
        previous = fields.digest()
        rows.append({**vars(fields), "hash": previous})
    return rows


def _seed(engine: Engine, at: str, has: set[tuple[str, str]] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Write every row the schema at revision ``at`` can hold (only the (table, column) pairs in ``has``, when
    given: a store built from an edited migration lacks some); returns what was written."""
    written = [(table, row) for rev, table, rows in DATA if rev <= at for row in rows]
    written += [("audit_log", row) for row in _audit_rows()]
    if has is not None:
        written = [(table, {k: v for k, v in row.items() if (table, k) in has}) for table, row in written]
    with engine.begin() as connection:
        for table, row in written:
            connection.execute(insert(Base.metadata.tables[table]).values(row))
        head = _audit_rows()[-1]
        connection.execute(insert(Base.metadata.tables["audit_head"]).values(id=1, seq=head["seq"], hash=head["hash"]))
    return written


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _assert_survived(engine: Engine, written: list[tuple[str, dict[str, Any]]]) -> None:
    with engine.connect() as connection:
        for table_name, row in written:
            table = Base.metadata.tables[table_name]
            keys = [c.name for c in table.primary_key.columns]
            found = connection.execute(select(table).where(*(table.c[k] == row[k] for k in keys))).mappings().one()
            assert {k: _plain(found[k]) for k in row} == {k: _plain(v) for k, v in row.items()}, table_name
        for table_name in {t for t, _row in written}:
            total = connection.execute(select(func.count()).select_from(Base.metadata.tables[table_name])).scalar()
            assert total == sum(1 for t, _row in written if t == table_name), table_name


#: Every revision before the newest, read from the migration files, so a new migration joins the test by itself.
EARLIER = sorted(path.name[:4] for path in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))[:-1]


@pytest.mark.parametrize("start", EARLIER)
def test_upgrade_from_every_revision_keeps_the_data(db_url: str, start: str, cli) -> None:
    url = parse(db_url)
    schema.upgrade(url, start)
    written = _seed(engine_for(url), start)
    cli.ok("db", "upgrade")
    assert schema.current(url) == revision.HEAD
    _assert_survived(engine_for(url), written)
    report = cli.ok("db", "check", "--format", "json").json()
    assert report["ok"] and report["audit_rows"] == 2
    assert [d["name"] for d in cli.ok("device", "list", "-f", "json").json()] == ["srv01"]


def _build_with(url: DatabaseUrl, texts: list[Path], scripts: Path, target: str = "0005") -> None:
    """A store built by the migrations with ``texts`` in place of the released files of the same name."""
    shutil.copytree(VERSIONS.parent, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    for text in texts:
        (scripts / "versions" / text.name.removesuffix(".txt")).write_text(
            text.read_text(encoding="utf-8"), encoding="utf-8"
        )
    config = schema.alembic_config(url)
    config.set_main_option("script_location", str(scripts))
    command.upgrade(config, target)


# Texts of 0002, 0004 and 0005 as stores ran them before the in-place edits, by the commit that wrote each.
OLD_0002 = EDITED / "9ff5ff5" / "0002_polls_installed_base_and_faults.py.txt"  # no devices.options
OLD_0004 = EDITED / "9503217" / "0004_swaps_consents_and_handovers.py.txt"  # no swaps.fault_id, no ix_stock_site
LATER_0004 = EDITED / "cf32d0a" / "0004_swaps_consents_and_handovers.py.txt"  # no ix_stock_site
OLD_0005 = EDITED / "952007c" / "0005_tickets.py.txt"  # ix_tickets_due over every ticket


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([OLD_0002], ["column devices.options: in the models, not in the database"]),
        (
            [OLD_0004],
            [
                "index ix_stock_site on stock_units: in the models, not in the database",
                "column swaps.fault_id: in the models, not in the database",
            ],
        ),
        ([LATER_0004], ["index ix_stock_site on stock_units: in the models, not in the database"]),
        (
            [OLD_0005],
            ["index ix_tickets_due on tickets: partial (sla_due_at IS NOT NULL) in the models, full in the database"],
        ),
        (
            [OLD_0002, OLD_0004, OLD_0005],
            [
                "column devices.options: in the models, not in the database",
                "index ix_stock_site on stock_units: in the models, not in the database",
                "column swaps.fault_id: in the models, not in the database",
                "index ix_tickets_due on tickets: partial (sla_due_at IS NOT NULL) in the models, full in the database",
            ],
        ),
    ],
    ids=["0002", "0004-first", "0004-later", "0005", "all"],
)
def test_stores_built_from_edited_migrations_are_repaired(db_url: str, tmp_path: Path, cli, texts, expected) -> None:
    url = parse(db_url)
    _build_with(url, texts, tmp_path / "scripts")
    columns = {(t, c.name) for t, shape in live_shape_of(url).items() for c in shape.columns}
    rows = _seed(engine_for(url), "0005", columns)
    assert _differences_in(url, set(live_shape_of(url))) == expected

    cli.ok("db", "upgrade")
    assert _differences(url) == []
    with engine_for(url).connect() as connection:
        assert _model_drift(connection) == []
    _assert_survived(engine_for(url), rows)
    assert cli.ok("db", "check", "--format", "json").json()["ok"]


def _differences_in(url: DatabaseUrl, tables: set[str]) -> list[str]:
    """:func:`_differences` about ``tables`` only: the tables later migrations add are not the repair's business."""
    later = {f"table {name}: in the models, not in the database" for name in set(model_shape(url.backend)) - tables}
    return [line for line in _differences(url) if line not in later]


def live_shape_of(url: DatabaseUrl):
    connection = connect(url)
    try:
        return live_shape(Reader(url, connection))
    finally:
        connection.close()


def _tables_of(shape: dict[str, Any], tables: dict[str, Any]) -> dict[str, Any]:
    """``shape`` of the tables ``tables`` has (later migrations add tables of their own)."""
    return {name: table for name, table in shape.items() if name in tables}


def test_the_repair_changes_nothing_on_a_sound_store(db_url: str, cli) -> None:
    url = parse(db_url)
    schema.upgrade(url, "0005")
    written = _seed(engine_for(url), "0005")
    before = live_shape_of(url)
    schema.upgrade(url)
    assert _tables_of(live_shape_of(url), before) == before and _differences(url) == []
    command.downgrade(schema.alembic_config(url), "0005")  # and again: a second run changes nothing either
    schema.upgrade(url)
    assert _tables_of(live_shape_of(url), before) == before
    _assert_survived(engine_for(url), written)


def test_tickets_paused_before_0007_get_the_time_they_used(db_url: str, cli) -> None:
    """Before 0007 a paused clock had no elapsed time stored, so `ticket list --breached` missed one paused
    after its target had run out; the upgrade fills it in from the start and the pauses."""
    url = parse(db_url)
    schema.upgrade(url, "0006")
    site = dict(DATA[0][2][0])
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

    def ticket(number: int, paused_since: datetime, paused_seconds: float) -> dict[str, Any]:
        return {
            "id": number,
            "ref": f"T-2026-00000{number}",
            "site_id": 1,
            "source": "phone",
            "caller": "王工",
            "description": "PSU 2 故障",
            "severity": "high",
            "state": "paused",
            "reported_at": start,
            "created_at": start,
            "sla_hours": 12,
            "started_at": start,
            "paused_since": paused_since,
            "paused_seconds": paused_seconds,
            "sla_due_at": None,
            "restored_at": None,
            "sla_elapsed_seconds": None,
        }

    late = ticket(1, start + timedelta(hours=14), 3600.0)  # 13 h used: past the 12 h target
    early = ticket(2, start + timedelta(hours=5), 0.0)  # 5 h used
    with engine_for(url).begin() as connection:
        connection.execute(insert(Base.metadata.tables["sites"]).values(site))
        connection.execute(insert(Base.metadata.tables["tickets"]).values([late, early]))
    cli.ok("db", "upgrade")
    with engine_for(url).connect() as connection:
        used = dict(connection.execute(select(Base.metadata.tables["tickets"].c["ref", "sla_elapsed_seconds"])).all())
    assert used == {"T-2026-000001": 13 * 3600.0, "T-2026-000002": 5 * 3600.0}
    breached = cli.ok("ticket", "list", "--breached", "--format", "json").json()
    assert [line["ref"] for line in breached] == ["T-2026-000001"]
