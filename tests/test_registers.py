"""Sites, devices and staff through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.helpers import audit, counts


def test_site_lifecycle(cli, db_url):
    added = cli.ok(
        "site",
        "add",
        "hq",
        "--customer",
        "某市商业银行",
        "--contract",
        "WB-2026-001",
        "--signed",
        "2026-01-05",
        "--address",
        "北京市海淀区",
        "--format",
        "json",
    ).json()
    assert added == {
        "name": "hq",
        "customer": "某市商业银行",
        "address": "北京市海淀区",
        "contract_no": "WB-2026-001",
        "signed_on": "2026-01-05",
        "sla_restore_hours": 12,
        "depot_deadline_days": 15,
        "timezone": "Asia/Shanghai",
        "calendar": "cn",
    }
    cli.ok("site", "edit", "hq", "--sla-hours", "8", "--timezone", "Asia/Urumqi")
    shown = cli.ok("site", "show", "hq", "-f", "json").json()
    assert (shown["sla_restore_hours"], shown["timezone"], shown["customer"]) == (8, "Asia/Urumqi", "某市商业银行")
    assert [s["name"] for s in cli.ok("site", "list", "-f", "json").json()] == ["hq"]
    cli.ok("site", "remove", "hq")
    assert cli.ok("site", "list", "-f", "json").json() == []
    entries = audit(db_url)
    assert [(e.entity, e.entity_key, e.action) for e in entries] == [
        ("site", "hq", "add"),
        ("site", "hq", "edit"),
        ("site", "hq", "remove"),
    ]
    assert entries[1].before["sla_restore_hours"] == 12 and entries[1].after["sla_restore_hours"] == 8


def test_device_register(cli, db_url):
    cli.ok("site", "add", "hq", "--customer", "A")
    cli.ok("site", "add", "dr", "--customer", "A")
    cli.ok(
        "device",
        "add",
        "srv01",
        "--site",
        "hq",
        "--kind",
        "server",
        "--vendor",
        "HPE",
        "--model",
        "DL380 Gen10",
        "--serial",
        "CZ2D1A0B1C",
        "--room",
        "3F",
        "--rack",
        "A03",
        "--u",
        "12-13",
        "--driver",
        "redfish",
        "--endpoint",
        "redfish://10.1.1.5",
        "--username",
        "admin",
        "--credential",
        "env:ILO_PASSWORD",
    )
    cli.ok("device", "add", "ups01", "--site", "hq", "--kind", "UPS", "--vendor", "APC", "--not-covered")
    cli.ok("device", "add", "srv01", "--site", "dr", "--kind", "server", "--insecure")
    devices = cli.ok("device", "list", "-f", "json").json()
    assert [(d["site"], d["name"]) for d in devices] == [("dr", "srv01"), ("hq", "srv01"), ("hq", "ups01")]
    assert devices[1]["credential"] == "env:ILO_PASSWORD" and devices[1]["tls_verify"] is True
    assert devices[0]["tls_verify"] is False
    assert [d["name"] for d in cli.ok("device", "list", "--not-covered", "-f", "json").json()] == ["ups01"]
    assert [d["name"] for d in cli.ok("device", "list", "--site", "hq", "--kind", "ups", "-f", "json").json()] == [
        "ups01"
    ]
    assert len(cli.ok("device", "list", "--vendor", "hpe", "-f", "json").json()) == 1

    ambiguous = cli("device", "show", "srv01")
    assert ambiguous.code == 2 and "dr, hq" in ambiguous.err
    shown = cli.ok("device", "show", "srv01", "--site", "hq", "-f", "json").json()
    assert shown["rack_unit"] == "12-13" and shown["covered"] is True

    moved = cli.ok(
        "device", "edit", "ups01", "--move-to", "dr", "--rename", "ups-a", "--clear", "vendor", "-f", "json"
    ).json()
    assert (moved["site"], moved["name"], moved["vendor"]) == ("dr", "ups-a", None)
    cli.ok("device", "remove", "srv01", "--site", "dr")
    assert counts(db_url)["devices"] == 2
    keys = [e.entity_key for e in audit(db_url) if e.entity == "device"]
    assert keys == ["hq/srv01", "hq/ups01", "dr/srv01", "hq/ups01", "dr/srv01"]


def test_csv_output_has_every_json_key(cli):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    lines = cli.ok("device", "list", "-f", "csv").out.splitlines()
    assert lines[0].split(",") == list(cli.ok("device", "list", "-f", "json").json()[0])
    assert lines[1].startswith("hq,srv01,server,")


def test_staff_register(cli, db_url):
    cli.ok("staff", "add", "张伟", "--role", "pm", "--phone", "+86 138 0013 8000", "--email", "zhang.wei@example.com")
    cli.ok("staff", "add", "li.na", "--role", "engineer", "--skills", "HPE, vmware,hpe")
    assert cli.ok("staff", "show", "li.na", "-f", "json").json()["skills"] == ["hpe", "vmware"]
    cli.ok("staff", "edit", "li.na", "--inactive", "--role", "centre")
    assert [m["name"] for m in cli.ok("staff", "list", "--active", "-f", "json").json()] == ["张伟"]
    assert [m["name"] for m in cli.ok("staff", "list", "--role", "centre", "-f", "json").json()] == ["li.na"]
    table = cli.ok("staff", "list").out
    assert "张伟" in table and "li.na" in table
    cli.ok("staff", "remove", "li.na")
    assert counts(db_url)["staff"] == 1


def test_edit_without_changes_writes_no_audit_row(cli, db_url):
    cli.ok("site", "add", "hq", "--customer", "A")
    cli.ok("site", "edit", "hq", "--customer", "A")
    assert counts(db_url)["audit_log"] == 1


def test_actor_comes_from_option_then_config_then_os(cli, db_url, home):
    cli.ok("--as", "desk.wang", "site", "add", "hq", "--customer", "A")
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('[user]\nactor = "pm.zhao"\n', encoding="utf-8")
    cli.ok("site", "add", "dr", "--customer", "A")
    assert [e.actor for e in audit(db_url)] == ["desk.wang", "pm.zhao"]


def test_driver_options(cli, db_url):
    cli.ok("site", "add", "hq", "--customer", "A")
    cli.ok(
        "device",
        "add",
        "srv01",
        "--site",
        "hq",
        "--kind",
        "server",
        "--option",
        "auth=basic",
        "--option",
        "concurrency=2",
    )
    assert cli.ok("device", "show", "srv01", "-f", "json").json()["options"] == {"auth": "basic", "concurrency": "2"}
    cli.ok("device", "edit", "srv01", "--option", "concurrency=1", "--unset-option", "auth")
    assert cli.ok("device", "list", "-f", "json").json()[0]["options"] == {"concurrency": "1"}
    assert "concurrency=1" in cli.ok("device", "list", "-f", "csv").out
    before = counts(db_url)
    for argv in (["--option", "auth"], ["--option", "Auth=basic"], ["--unset-option", "nope"]):
        result = cli("device", "edit", "srv01", *argv)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert counts(db_url) == before
    last = [e for e in audit(db_url) if e.entity == "device"][-1]
    assert last.before["options"] == {"auth": "basic", "concurrency": "2"} and last.after["options"] == {
        "concurrency": "1"
    }


def test_a_site_with_history_is_not_removed(cli, db_url):
    """Records that refer to a site keep its history: removing it is refused in one line naming them, nothing
    changed. What is only the site's own (its customer record, contacts, visit plan) goes with it."""
    cli.ok("site", "add", "hq", "--customer", "A")
    cli.ok("staff", "add", "张伟", "--role", "desk")
    cli.ok("customer", "contact", "add", "hq", "王工", "--phone", "13800138000")
    cli.ok("visit", "plan", "--site", "hq", "--every", "1mo")
    cli.ok("visit", "log", "--site", "hq", "--by", "张伟", "--channel", "phone", "--at", "2026-11-02T10:00")
    before = counts(db_url)
    refused = cli("site", "remove", "hq")
    assert refused.code == 2
    assert refused.err.strip().splitlines() == [
        "dcmaint: error: site 'hq' still has records that keep its history (visits 1): it cannot be removed"
    ]
    assert counts(db_url) == before

    cli.ok("site", "add", "dr", "--customer", "A")
    cli.ok("customer", "contact", "add", "dr", "李工", "--phone", "13900139000")
    cli.ok("visit", "plan", "--site", "dr", "--every", "1mo")
    cli.ok("site", "remove", "dr")
    assert [s["name"] for s in cli.ok("site", "list", "-f", "json").json()] == ["hq"]
