"""`dcmaint archive snapshot | set | list | diff | show`, and `health --record` adding versions, on both backends.

The scenario driver (tests/scenario.py) answers what each test writes, so a
disk can be swapped or a firmware flashed between two snapshots; the
Redfish simulator is the real peer in tests/test_archive_redfish.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from dcmaint.domain.parse import latest_today
from tests.helpers import audit, counts
from tests.scenario import part, report
from tests.test_forms_render import pdf_text, squeeze


def server(disk3: str = "W3C03", bios: str = "U30 v2.80", psu2: str = "ok") -> dict:
    answer = report(
        part("psu", "PSU 1", serial="5WB1", spare="866730-001"),
        part("psu", "PSU 2", psu2, None if psu2 == "ok" else "PSU 2: input lost", serial="5WB2"),
        *(part("disk", f"Bay {n}", serial=disk3 if n == 3 else f"W3C0{n}") for n in range(1, 5)),
    )
    answer["identity"]["firmware"] = {"System ROM": bios, "iLO 5": "2.72"}
    return answer


@pytest.fixture
def room(cli, scenario):
    cli.ok("site", "add", "hq", "--customer", "某银行", "--timezone", "Asia/Shanghai")
    for name in ("srv01", "srv02"):
        cli.ok(
            "device", "add", name, "--site", "hq", "--kind", "server", "--driver", "scenario",
            "--endpoint", f"scenario://{name}", "--room", "A201", "--rack", "R07",
        )  # fmt: skip
        scenario(name, server())
    cli.ok("device", "add", "tape01", "--site", "hq", "--kind", "backup")  # no driver: skipped by --site
    return cli, scenario


def versions(db_url: str) -> int:
    return counts(db_url)["archive_versions"]


def test_snapshot_stores_a_version_per_device_and_nothing_when_unchanged(room, db_url):
    cli, _ = room
    first = cli("archive", "snapshot", "--site", "hq", "-f", "json")
    assert first.code == 0, first.err
    assert [(d["device"], d["outcome"], d["version"]) for d in first.json()] == [
        ("srv01", "stored", 1),
        ("srv02", "stored", 1),
    ]
    assert "hq/tape01" in first.err and "2 new versions, 0 unchanged" in first.err
    again = cli.ok("archive", "snapshot", "srv01", "srv02")
    assert "unchanged" in again.out and "0 new versions, 2 unchanged (no new version)" in again.err
    assert versions(db_url) == 2
    entries = [e for e in audit(db_url) if e.entity == "archive"]
    assert [(e.entity_key, e.action, e.after["version"]) for e in entries] == [
        ("hq/srv01", "version", 1),
        ("hq/srv02", "version", 1),
    ]
    listed = cli.ok("audit", "list", "--entity", "archive", "--format", "json").json()
    assert [entry["entity_key"] for entry in listed] == ["hq/srv01", "hq/srv02"]


def test_a_disk_swap_is_a_new_version_and_the_diff_names_slot_and_serials(room, db_url):
    cli, scenario = room
    cli.ok("archive", "snapshot", "srv01")
    scenario("srv01", server(disk3="ZA1NEW3"))
    stored = cli.ok("archive", "snapshot", "srv01", "-f", "json").json()
    assert stored[0]["outcome"] == "stored" and stored[0]["version"] == 2
    found = cli.ok("archive", "diff", "srv01", "-f", "json").json()
    assert found["from"] == 1 and found["to"] == 2
    assert found["changes"] == [
        {"kind": "replaced", "subject": "disk Bay 3", "field": "serial", "old": "W3C03", "new": "ZA1NEW3"}
    ]
    table = cli.ok("archive", "diff", "srv01").out
    assert "hq/srv01: version 1 -> 2" in table and "disk Bay 3" in table and "W3C03" in table and "ZA1NEW3" in table


def test_a_firmware_update_shows_component_and_versions(room):
    cli, scenario = room
    cli.ok("archive", "snapshot", "srv01")
    scenario("srv01", server(bios="U30 v3.10"))
    cli.ok("archive", "snapshot", "srv01")
    changes = cli.ok("archive", "diff", "srv01", "--from", "1", "--to", "2", "-f", "json").json()["changes"]
    assert changes == [
        {"kind": "firmware", "subject": "System ROM", "field": None, "old": "U30 v2.80", "new": "U30 v3.10"}
    ]


def test_health_record_adds_a_version_only_when_the_configuration_changed(room, db_url):
    cli, scenario = room
    assert cli("health", "--record").code == 0
    assert versions(db_url) == 2  # each device's first file
    scenario("srv01", server(psu2="critical"))  # a fault is health, not configuration
    assert cli("health", "--record").code == 2
    assert versions(db_url) == 2
    scenario("srv01", server(disk3="ZA1NEW3"))
    assert cli("health", "--record").code == 0
    assert versions(db_url) == 3
    lines = cli.ok("archive", "list", "srv01", "-f", "json").json()
    assert [(line["version"], line["source"], line["changes"]) for line in lines] == [
        (1, "poll", {}),
        (2, "poll", {"replaced": 1}),
    ]


def test_a_device_that_does_not_answer_is_reported_and_skipped(room, db_url):
    cli, scenario = room
    scenario("srv02", {"error": "unreachable", "message": "10.0.0.9: connection refused"})
    result = cli("archive", "snapshot", "--site", "hq", "-f", "json")
    assert result.code == 1  # the command ran and found a problem
    lines = {d["device"]: d for d in result.json()}
    assert lines["srv01"]["outcome"] == "stored"
    assert lines["srv02"] == {
        "site": "hq",
        "device": "srv02",
        "outcome": "failed",
        "version": None,
        "message": "10.0.0.9: connection refused",
    }
    assert "1 did not answer" in result.err and versions(db_url) == 1


def test_set_makes_a_manual_version_and_the_same_values_make_none(room, db_url):
    cli, _ = room
    cli.ok("archive", "snapshot", "srv01")
    done = cli.ok(
        "--as", "王工", "archive", "set", "srv01", "--purchased", "2023-03-01", "--warranty-until", "2028-02-29",
        "--backup-software", "Veeam Agent 6.1", "--contact", "张工 13800000000", "--contact", "李工",
        "--position", "第3排 冷通道B",
    )  # fmt: skip
    assert done.code == 0 and "hq/srv01: version 2 stored" in done.out
    again = cli.ok("archive", "set", "srv01", "--purchased", "2023-03-01")
    assert "unchanged" in again.out and versions(db_url) == 2
    lines = cli.ok("archive", "list", "srv01", "-f", "json").json()
    assert (lines[1]["source"], lines[1]["actor"], lines[1]["changes"]) == ("manual", "王工", {"manual": 5})
    changes = cli.ok("archive", "diff", "srv01", "-f", "json").json()["changes"]
    assert {(c["subject"], c["new"]) for c in changes} == {
        ("position", "第3排 冷通道B"),
        ("purchased", "2023-03-01"),
        ("warranty_until", "2028-02-29"),
        ("backup_software", "Veeam Agent 6.1"),
        ("contacts", "张工 13800000000; 李工"),
    }
    # later polls keep the manual fields; --clear empties one
    cli.ok("archive", "snapshot", "srv01")
    assert versions(db_url) == 2
    cli.ok("archive", "set", "srv01", "--clear", "backup-software")
    assert cli.ok("archive", "diff", "srv01", "-f", "json").json()["changes"] == [
        {"kind": "manual", "subject": "backup_software", "field": None, "old": "Veeam Agent 6.1", "new": None}
    ]


def test_a_rack_move_in_the_register_is_a_new_version_at_the_next_poll(room, db_url):
    cli, _ = room
    cli.ok("archive", "snapshot", "srv01")
    cli.ok("device", "edit", "srv01", "--rack", "R09")
    cli.ok("archive", "snapshot", "srv01")
    changes = cli.ok("archive", "diff", "srv01", "-f", "json").json()["changes"]
    assert changes == [{"kind": "manual", "subject": "rack", "field": None, "old": "R07", "new": "R09"}]


def test_set_before_any_poll_starts_the_file(room, db_url):
    cli, _ = room
    cli.ok("archive", "set", "srv02", "--warranty-until", "2029-01-31")
    assert cli.ok("archive", "list", "srv02", "-f", "json").json()[0]["source"] == "manual"
    cli.ok("archive", "snapshot", "srv02")
    changes = cli.ok("archive", "diff", "srv02", "-f", "json").json()["changes"]
    assert {c["kind"] for c in changes} == {"added", "firmware", "identity"}


def _bad_cases() -> list[tuple[tuple[str, ...], str]]:
    tomorrow = (latest_today() + timedelta(days=1)).isoformat()
    return [
        (("archive", "snapshot", "nosuch"), "'nosuch'"),
        (("archive", "snapshot", "--site", "nowhere"), "'nowhere'"),
        (("archive", "set", "nosuch", "--purchased", "2023-01-01"), "'nosuch'"),
        (("archive", "set", "srv01", "--purchased", tomorrow), tomorrow),
        (("archive", "set", "srv01", "--purchased", "2023-02-30"), "2023-02-30"),
        (("archive", "set", "srv01", "--purchased", "2023-03-01", "--warranty-until", "2023-01-01"), "2023-01-01"),
        (("archive", "set", "srv01", "--warranty-until", "2020-01-01"), "2020-01-01"),  # before the stored purchase
        (("archive", "set", "srv01", "--backup-software", "Veeam\x1b[31m"), "--backup-software"),
        (("archive", "set", "srv01", "--contact", "张工\x00"), "--contact"),
        (("archive", "set", "srv01"), "nothing to set"),
        (("archive", "set", "srv01", "--clear", "serial"), "'serial'"),
        (("archive", "set", "srv01", "--backup-software", ""), "--backup-software"),
        (("archive", "diff", "nosuch"), "'nosuch'"),
        (("archive", "diff", "srv01", "--from", "7"), "7"),
        (("archive", "diff", "srv01", "--to", "0"), "'0'"),
        (("archive", "diff", "srv01", "--to", "1"), "'1'"),
        (("archive", "diff", "srv02"), "'srv02' has no archive version"),
        (("archive", "list", "nosuch"), "'nosuch'"),
        (("archive", "show", "srv01", "--version", "9", "--output", "-"), "9"),
        (("archive", "show", "srv01", "--format", "docx"), "'docx'"),
        (("archive", "show", "srv01", "--lang", "fr"), "'fr'"),
        (("archive", "show", "tape01", "--output", "-"), "'tape01' has no archive version"),
        (("archive", "diff", "srv01", "-f", "csv"), "csv"),
    ]


def test_bad_input_is_one_line_naming_the_value_exit_2_and_writes_nothing(room, db_url):
    cli, _ = room
    cli.ok("archive", "snapshot", "srv01")
    cli.ok("archive", "set", "srv01", "--purchased", "2023-03-01")
    before, chain = counts(db_url), len(audit(db_url))
    for argv, named in _bad_cases():
        result = cli(*argv)
        assert result.code == 2, (argv, result.code, result.err)
        assert named in result.err and len(result.err.strip().splitlines()) == 1, (argv, result.err)
        assert result.out == "", (argv, result.out)
    assert counts(db_url) == before and len(audit(db_url)) == chain


def test_one_version_has_nothing_to_compare(room):
    cli, _ = room
    cli.ok("archive", "snapshot", "srv01")
    result = cli("archive", "diff", "srv01")
    assert result.code == 2 and "one archive version" in result.err


def test_versions_are_never_changed_or_deleted(room, db_url):
    from sqlalchemy import select

    from dcmaint.store.models.archive import AppendOnly, ArchiveVersionRow
    from dcmaint.store.unit import write
    from dcmaint.store.urls import parse

    cli, _ = room
    cli.ok("archive", "snapshot", "srv01")
    url = parse(db_url)
    with pytest.raises(AppendOnly), write(url, "mallory", "test") as unit:
        row = unit.session.scalars(select(ArchiveVersionRow)).one()
        row.content = "{}"
    with pytest.raises(AppendOnly), write(url, "mallory", "test") as unit:
        unit.session.delete(unit.session.scalars(select(ArchiveVersionRow)).one())
    assert cli.ok("archive", "list", "srv01", "-f", "json").json()[0]["version"] == 1
    assert versions(db_url) == 1


def test_show_writes_the_device_file_with_swaps_and_tickets(room, db_url, tmp_path):
    cli, scenario = room
    cli.ok("archive", "snapshot", "srv01")
    cli.ok("archive", "set", "srv01", "--purchased", "2023-03-01", "--contact", "张工 13800000000")
    cli.ok("ticket", "new", "--site", "hq", "--description", "Bay 3 硬盘预警", "--device", "srv01")
    scenario("srv01", server(disk3="ZA1NEW3"))
    cli.ok("archive", "snapshot", "srv01")
    zh = cli.ok("archive", "show", "srv01", "--format", "md", "--output", "-").out
    assert "设备档案" in zh and "硬件配置" in zh and "ZA1NEW3" in zh and "张工 13800000000" in zh
    assert "更换 1" in zh and "首次建档" in zh and "人工" in zh
    assert "Bay 3 硬盘预警" in zh and "已登记" in zh
    en = cli.ok("archive", "show", "srv01", "--version", "1", "--format", "md", "--lang", "en", "--output", "-").out
    assert "Device file" in en and "W3C03" in en and "ZA1NEW3" not in en.split("File versions")[0]
    assert "replaced 1" in en
    html = tmp_path / "srv01.html"
    done = cli.ok("archive", "show", "srv01", "--format", "html", "--lang", "en", "--output", str(html))
    assert "device file written to" in done.out and "ZA1NEW3" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "srv01.pdf"
    cli.ok("archive", "show", "srv01", "--output", str(pdf))
    text, _reader = pdf_text(pdf.read_bytes())
    assert all(word in squeeze(text) for word in ("设备档案", "硬件配置", "ZA1NEW3", "张工13800000000", "工单记录"))


def test_show_lists_the_swaps_on_the_device(room, db_url, tmp_path):
    from tests.test_spares_swap import CATALOGUE

    cli, scenario = room
    (tmp_path / "parts.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("spare", "catalogue", "import", str(tmp_path / "parts.toml"))
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    scenario("srv01", server(psu2="critical"))
    cli("health", "--record")
    cli.ok("spare", "add", "--site", "hq", "--part", "866730-001", "--serial", "NEW-PSU-1")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-PSU-1", "--by", "张伟")
    page = cli.ok("archive", "show", "srv01", "--format", "md", "--lang", "en", "--output", "-").out
    swaps = page.split("## Part swaps")[1].split("## Tickets")[0]
    assert "psu:PSU 2" in swaps and "NEW-PSU-1" in swaps and "5WB2" in swaps


def test_a_device_with_a_file_stays_in_the_register(room, db_url):
    cli, _ = room
    cli.ok("archive", "snapshot", "srv01")
    before = counts(db_url)
    result = cli("device", "remove", "srv01")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert counts(db_url) == before


def test_health_record_reads_the_archive_once_per_run(room):
    """Telling changed devices from unchanged ones is one query for the whole run, however many devices."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    cli, _ = room
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if "archive_versions" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        cli("health", "--record")
        first = len(seen)
        cli("health", "--record")
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert first == 1 and len(seen) == 2, seen


def test_the_versions_list_speaks_chinese(room):
    """Sources and kinds of change are words of the user's language, like every stored value."""
    import os
    import subprocess
    import sys

    cli, _ = room
    cli.ok("archive", "snapshot", "srv01")
    cli.ok("archive", "set", "srv01", "--position", "第3排")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DCMAINT_", "LC_", "LANG"))}
    env.update(
        DCMAINT_LANG="zh_CN.UTF-8", DCMAINT_HOME=os.environ["DCMAINT_HOME"], DCMAINT_DB_URL=os.environ["DCMAINT_DB_URL"]
    )
    done = subprocess.run(
        [sys.executable, "-m", "dcmaint", "archive", "list", "srv01"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "首次建档" in done.stdout and "采集" in done.stdout and "人工信息 1" in done.stdout


def test_the_service_checks_what_a_caller_other_than_the_cli_gives(room, db_url):
    """A collector or a web page calls set_fields directly: the dates and texts are checked there too."""
    from datetime import date

    from dcmaint.errors import UsageError
    from dcmaint.services.archive import ManualChanges, set_fields
    from dcmaint.services.context import Context
    from dcmaint.store.urls import parse

    context = Context(parse(db_url), actor="web", command="archive set")
    before = counts(db_url)
    future = latest_today() + timedelta(days=30)
    for changes, named in (
        (ManualChanges(purchased=future), future.isoformat()),
        (ManualChanges(purchased=date(2024, 5, 1), warranty_until=date(2024, 4, 30)), "2024-04-30"),
        (ManualChanges(backup_software="NetBackup\x1b]0;x\x07"), "--backup-software"),
        (ManualChanges(contacts=("",)), "--contact"),
    ):
        with pytest.raises(UsageError, match=named):
            set_fields(context, "srv01", "hq", changes)
    assert counts(db_url) == before
    done = set_fields(context, "srv01", "hq", ManualChanges(purchased=date(2024, 5, 1)))
    assert (done.version, done.changed) == (1, True)


def test_db_check_names_a_version_edited_or_deleted_in_sql(room, db_url):
    """The store refuses to change a version; one changed behind dcmaint's back is found by `db check`."""
    from sqlalchemy import text

    from dcmaint.store.engine import engine_for
    from dcmaint.store.urls import parse

    cli, scenario = room
    cli.ok("archive", "snapshot", "srv01", "srv02")
    scenario("srv01", server(disk3="ZA1NEW3"))
    cli.ok("archive", "snapshot", "srv01")
    report = cli.ok("db", "check", "--format", "json").json()
    assert report["ok"] and report["records"]["checked"]["archive"] == 3
    with engine_for(parse(db_url)).begin() as connection:
        connection.execute(text("UPDATE archive_versions SET content = replace(content, 'ZA1NEW3', 'W3C03')"))
        connection.execute(
            text("DELETE FROM archive_versions WHERE version = 1 AND device_id = (SELECT min(id) FROM devices)")
        )
    result = cli("db", "check", "--format", "json")
    assert result.code == 1
    messages = [p["message"] for p in result.json()["problems"]]
    assert any("archive hq/srv01#2: content is sha256" in m for m in messages), messages
    assert any("archive hq/srv01#1: in the audit log, not in the store" in m for m in messages), messages
