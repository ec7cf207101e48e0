"""`dcmaint spare levels` through the CLI, on both backends: catalogue, stock and a recorded installed base."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dcmaint.store.engine import engine_for
from dcmaint.store.urls import parse

CATALOGUE = """
[[part]]
part_number = "865414-B21"
vendor = "HPE"
description = "800W Flex Slot Platinum PSU"
class = "psu"
annual_failure_rate = 0.5
lead_time_days = 365
numbers = { spare = ["866730-001"] }
"""


def _installed_base(cli, db_url, tmp_path, *site_options: str) -> None:
    """Site hq with two PSUs of a catalogued part installed and one spare of it in the depot (3 recommended)."""
    (tmp_path / "parts.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("site", "add", "hq", "--customer", "某银行", *site_options)
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli.ok("spare", "catalogue", "import", str(tmp_path / "parts.toml"))
    cli.ok("spare", "add", "--site", "hq", "--part", "866730-001", "--serial", "5WBXK0A9")
    with engine_for(parse(db_url)).begin() as connection:
        for slot in ("PSU 1", "PSU 2"):
            connection.exec_driver_sql(
                "INSERT INTO components (device_id, kind, location, part_number, spare_part_number, health, "
                "first_seen, last_seen) SELECT id, 'psu', %s, '865414-B21', '866730-001', 'ok', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM devices WHERE name = 'srv01'".replace("%s", f"'{slot}'")
            )


def test_levels_from_the_installed_base(cli, db_url, tmp_path):
    _installed_base(cli, db_url, tmp_path)
    lines = cli.ok("spare", "levels", "--site", "hq", "-f", "json").json()
    assert [(line["part_number"], line["installed"], line["on_hand"], line["status"]) for line in lines] == [
        ("865414-B21", 2, 1, "short")
    ]
    assert lines[0]["recommended"] == 3  # lambda = 2 x 0.5 x 365/365 = 1 -> 3 at 95 %
    table = cli.ok("spare", "levels", "--site", "hq").out
    assert "depot complete: no" in table
    bad = cli("spare", "levels", "--site", "hq", "--fill-rate", "1.5")
    assert bad.code == 2 and "1.5" in bad.err


def test_site_show_says_whether_the_depot_is_complete(cli):
    cli.ok("site", "add", "hq", "--customer", "某银行", "--signed", "2026-03-02")
    shown = cli.ok("site", "show", "hq", "-f", "json").json()
    assert shown["depot_complete"] is True  # nothing installed yet: nothing to stock
    assert "Depot complete" in cli.ok("site", "show", "hq").out


# Signed 2026-03-02: the depot was due 2026-03-23, in the past on any day these tests run.
PAST_DUE = date(2026, 3, 23)


def test_a_short_depot_past_its_date_is_overdue(cli, db_url, tmp_path):
    _installed_base(cli, db_url, tmp_path, "--signed", "2026-03-02")
    shown = cli.ok("site", "show", "hq", "-f", "json").json()
    assert (shown["depot_due"], shown["depot_due_error"], shown["depot_complete"]) == ("2026-03-23", None, False)
    table = cli.ok("site", "show", "hq").out
    over = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - PAST_DUE).days
    assert over > 0
    assert f"2026-03-23 (15 working days after signing; overdue by {over} days)" in table
    assert "1 parts short or without data" in table


def test_a_complete_depot_past_its_date_is_not_overdue(cli, db_url, tmp_path):
    _installed_base(cli, db_url, tmp_path, "--signed", "2026-03-02")
    for serial in ("5WBXK0B1", "5WBXK0B2"):  # 3 on hand: the recommended level
        cli.ok("spare", "add", "--site", "hq", "--part", "865414-B21", "--serial", serial)
    shown = cli.ok("site", "show", "hq", "-f", "json").json()
    assert (shown["depot_due"], shown["depot_due_error"], shown["depot_complete"]) == ("2026-03-23", None, True)
    assert list(shown) == [
        "name",
        "customer",
        "address",
        "contract_no",
        "signed_on",
        "sla_restore_hours",
        "depot_deadline_days",
        "timezone",
        "calendar",
        "depot_due",
        "depot_due_error",
        "depot_complete",
    ]  # the keys docs/json.md documents, in their order
    table = cli.ok("site", "show", "hq").out
    assert "2026-03-23 (15 working days after signing; depot complete)" in table
    assert "overdue" not in table
