"""`dcmaint emergency` on both backends: plans from files and templates, versions, retiring, drills, what is due,
the printed plan, and the plans `ticket show` lists (docs/emergency.md)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import audit, counts

UPS = "hq/ups-on-battery"
PLAN = """
name = "generator-failure"
system = "ups"
title = { en = "Generator does not start", zh = "柴油发电机无法启动" }
scenario = "Mains lost and the generator fails to start."
trigger = "UPS on battery for more than 5 minutes without generator power."
drill_every = "3mo"

[[step]]
action = { en = "Start the generator by hand", zh = "手动启动发电机" }
who = "customer's facilities duty"
within = "10m"

[[contact]]
name = "李工"
role = "facilities duty"
phone = "139 1000 2000"
party = "customer"
"""


@pytest.fixture
def room(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli.ok("site", "add", "hq", "--customer", "某市商业银行")
    cli.ok("site", "add", "dr", "--customer", "某市商业银行")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    cli.ok("device", "add", "ups01", "--site", "hq", "--kind", "ups")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli.ok("emergency", "add", "--site", "hq", "--template", "ups-on-battery")
    return cli


def _plans(cli, *args: str) -> dict[str, dict]:
    return {line["plan"]: line for line in cli.ok("emergency", "list", *args, "-f", "json").json()}


def _refused(cli, db_url, *argv: str) -> str:
    before, chain = counts(db_url), audit(db_url)
    result = cli(*argv)
    lines = result.err.strip().splitlines()
    assert result.code == 2 and result.out == "" and len(lines) == 1, result
    assert counts(db_url) == before and audit(db_url) == chain
    return lines[0]


def test_a_template_and_a_file_become_plans_of_their_site_and_system(room, db_url, tmp_path):
    (tmp_path / "generator.toml").write_text(PLAN, encoding="utf-8")
    said = room.ok("emergency", "add", "--site", "hq", "--file", "generator.toml")
    assert said.out.strip() == "hq/generator-failure: version 1, active, for ups: Generator does not start"
    room.ok("emergency", "add", "--site", "dr", "--system", "room", "--template", "fire-alarm", "--name", "fire")
    plans = _plans(room)
    assert set(plans) == {UPS, "hq/generator-failure", "dr/fire"}
    ups = plans[UPS]
    assert ups["system"] == "ups" and ups["version"] == 1 and ups["state"] == "active" and ups["last_drill"] is None
    due = datetime.fromisoformat(ups["drill_due"]) - datetime.now(UTC)
    assert timedelta(days=180) < due <= timedelta(days=185) and ups["drill_state"] == "scheduled"  # 6mo after adopting
    assert set(_plans(room, "--site", "dr")) == {"dr/fire"} and set(_plans(room, "--system", "ups")) == {
        UPS,
        "hq/generator-failure",
    }
    entries = [(e.entity, e.entity_key, e.action) for e in audit(db_url)][-3:]
    assert entries[-1] == ("emergency-plan", "dr/fire", "add")
    assert audit(db_url)[-1].after["content"]["title"] == {"en": "Fire alarm in the machine room", "zh": "机房火灾报警"}


def test_a_bad_plan_file_is_one_line_naming_the_file_and_field_and_adds_nothing(room, db_url, tmp_path):
    (tmp_path / "bad.toml").write_text(PLAN.replace('within = "10m"', 'within = "ten minutes"'), encoding="utf-8")
    line = _refused(room, db_url, "emergency", "add", "--site", "hq", "--file", "bad.toml")
    assert line == (
        "dcmaint: error: bad.toml: step 1: invalid within 'ten minutes': "
        "a time such as 15m, 2h or 1h30m, at most 7 days"
    )
    (tmp_path / "typo.toml").write_text(PLAN.replace("trigger =", "triger ="), encoding="utf-8")
    assert "typo.toml: unknown field 'triger'" in _refused(
        room, db_url, "emergency", "add", "--site", "hq", "--file", "typo.toml"
    )
    assert "cannot read missing.toml" in _refused(
        room, db_url, "emergency", "add", "--site", "hq", "--file", "missing.toml"
    )
    assert "unknown template 'ups'" in _refused(room, db_url, "emergency", "add", "--site", "hq", "--template", "ups")
    assert "unknown site 'nowhere'" in _refused(
        room, db_url, "emergency", "add", "--site", "nowhere", "--template", "crac-failure"
    )
    assert "emergency plan hq/ups-on-battery exists (active)" in _refused(
        room, db_url, "emergency", "add", "--site", "hq", "--template", "ups-on-battery"
    )
    assert "--system cooling does not match" in _refused(
        room, db_url, "emergency", "add", "--site", "hq", "--system", "cooling", "--template", "server-down"
    )
    assert "give either --file or --template" in _refused(room, db_url, "emergency", "add", "--site", "hq")
    assert "invalid --system 'kitchen'" in _refused(
        room, db_url, "emergency", "add", "--site", "hq", "--system", "kitchen", "--template", "server-down"
    )


def test_edit_keeps_every_version_and_drills_name_the_version_they_exercised(room, db_url, tmp_path):
    room.ok("emergency", "drill", UPS, "--result", "ok", "--at", "2026-06-01T09:00", "--by", "张伟")
    (tmp_path / "ups.toml").write_text(PLAN.replace('name = "generator-failure"\n', ""), encoding="utf-8")
    said = room.ok("emergency", "edit", UPS, "--file", "ups.toml")
    assert said.out.strip() == "hq/ups-on-battery: version 2, active, for ups: Generator does not start"
    now = room.ok("emergency", "show", UPS, "-f", "json").json()
    assert now["version"] == 2 and now["versions"] == 2 and now["content"]["drill_every"] == "3mo"
    old = room.ok("emergency", "show", UPS, "--version", "1", "-f", "json").json()
    assert old["version"] == 1 and old["content"]["title"]["en"] == "UPS on battery (mains input lost)"
    assert [d["version"] for d in now["drills"]] == [1]
    edit = audit(db_url)[-1]
    assert (edit.entity, edit.action, edit.before["version"], edit.after["version"]) == ("emergency-plan", "edit", 1, 2)
    assert "says what version 2 of hq/ups-on-battery says" in _refused(
        room, db_url, "emergency", "edit", UPS, "--file", "ups.toml"
    )
    assert "has no version 3" in _refused(room, db_url, "emergency", "show", UPS, "--version", "3")
    assert "is a plan for ups" in _refused(room, db_url, "emergency", "edit", UPS, "--template", "crac-failure")


def test_drills_move_the_due_date_and_an_overdue_one_makes_due_exit_1(room, db_url):
    assert room("emergency", "due").code == 0  # adopted today: due in six months
    drilled = room.ok(
        "emergency", "drill", UPS, "--result", "partial", "--at", "2026-01-10T10:00", "--note", "发电机 8 分钟才启动",
        "--by", "张伟", "-f", "json",
    ).json()  # fmt: skip
    assert drilled["drilled_at"] == "2026-01-10T02:00:00+00:00" and drilled["by"] == "张伟"
    assert drilled["result"] == "partial" and drilled["version"] == 1
    due = room("emergency", "due", "--format", "json")
    assert due.code == 1
    [line] = due.json()
    assert line["plan"] == UPS and line["drill_state"] == "overdue" and line["drill_due"] == "2026-07-10T02:00:00+00:00"
    assert line["last_result"] == "partial"
    room.ok("emergency", "drill", UPS, "--result", "ok")
    assert room("emergency", "due").code == 0
    assert audit(db_url)[-1].entity == "emergency-drill"


def test_bad_drills_are_refused_naming_the_value(room, db_url):
    assert "--at '2099-01-01' is in the future" in _refused(
        room, db_url, "emergency", "drill", UPS, "--result", "ok", "--at", "2099-01-01"
    )
    assert "invalid --result 'fine'" in _refused(room, db_url, "emergency", "drill", UPS, "--result", "fine")
    assert "unknown emergency plan 'hq/crac-failure'" in _refused(
        room, db_url, "emergency", "drill", "hq/crac-failure", "--result", "ok"
    )
    assert "invalid PLAN 'ups-on-battery'" in _refused(
        room, db_url, "emergency", "drill", "ups-on-battery", "--result", "ok"
    )
    assert "unknown staff" in _refused(room, db_url, "emergency", "drill", UPS, "--result", "ok", "--by", "nobody")


def test_a_retired_plan_leaves_lists_due_and_tickets_and_cannot_be_drilled(room, db_url):
    said = room.ok("emergency", "retire", UPS, "--reason", "UPS 更换为新型号")
    assert said.out.strip().startswith("hq/ups-on-battery: version 1, retired")
    assert _plans(room) == {} and _plans(room, "--all")[UPS]["state"] == "retired"
    assert _plans(room, "--all")[UPS]["drill_due"] is None
    assert "already retired" in _refused(room, db_url, "emergency", "retire", UPS, "--reason", "again")
    assert "is retired" in _refused(room, db_url, "emergency", "drill", UPS, "--result", "ok")
    assert "is retired" in _refused(room, db_url, "emergency", "edit", UPS, "--template", "ups-on-battery")
    room.ok("ticket", "new", "--site", "hq", "--device", "ups01", "--description", "UPS 告警")
    assert room.ok("ticket", "show", "T-2026-000001", "-f", "json").json()["emergency_plans"] == []
    shown = room.ok("emergency", "show", UPS)
    assert "Retired" in shown.out and "UPS 更换为新型号" in shown.out


def test_a_ticket_shows_the_plans_of_its_devices_systems_at_its_site(room):
    room.ok("emergency", "drill", UPS, "--result", "ok", "--at", "2026-11-01T09:30")
    room.ok("emergency", "add", "--site", "dr", "--template", "ups-on-battery")  # another site: not listed
    room.ok("emergency", "add", "--site", "hq", "--template", "fire-alarm")
    room.ok("ticket", "new", "--site", "hq", "--device", "ups01", "--description", "UPS 电池供电告警")
    room.ok("ticket", "new", "--site", "hq", "--device", "srv01", "--description", "服务器宕机")
    room.ok("ticket", "new", "--site", "hq", "--description", "机房烟感报警")
    ups = room.ok("ticket", "show", "T-2026-000001", "-f", "json").json()["emergency_plans"]
    assert ups == [
        {
            "plan": UPS,
            "system": "ups",
            "title": "UPS on battery (mains input lost)",
            "last_drill": "2026-11-01T01:30:00+00:00",
            "last_result": "ok",
        }
    ]
    text = room.ok("ticket", "show", "T-2026-000001").out
    assert "hq/ups-on-battery (UPS on battery (mains input lost); last drill 2026-11-01 09:30 ok)" in text
    assert room.ok("ticket", "show", "T-2026-000002", "-f", "json").json()["emergency_plans"] == []
    room_plans = room.ok("ticket", "show", "T-2026-000003", "-f", "json").json()["emergency_plans"]
    assert [p["plan"] for p in room_plans] == ["hq/fire-alarm"]  # a ticket on no device: the room's plans


def test_the_printed_plan_reads_back_in_chinese_from_the_pdf(room, tmp_path):
    from pypdf import PdfReader

    room.ok("emergency", "drill", UPS, "--result", "partial", "--at", "2026-11-01T09:30", "--by", "张伟")
    said = room.ok("emergency", "print", UPS, "--format", "pdf", "--lang", "zh")
    assert said.out.strip().startswith("hq/ups-on-battery: written to hq-ups-on-battery.pdf")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "hq-ups-on-battery.pdf").pages)
    shown = ("应急方案", "UPS 市电中断、电池供电", "处置步骤", "值班工程师", "部分完成", "张伟", "每 6 个月", "10 分钟")
    for words in shown:
        assert words in text.replace("\n", ""), words
    html = room.ok("emergency", "print", UPS, "--format", "html", "--lang", "en", "--output", "-").out
    assert "Emergency plan" in html and "UPS on battery (mains input lost)" in html and "Not restored after" in html
    md = room.ok("emergency", "print", UPS, "--format", "md", "--lang", "zh", "--output", "-").out
    assert md.startswith("# 应急方案") and "甲方动力值班" in md
    assert PdfReader(io.BytesIO((tmp_path / "hq-ups-on-battery.pdf").read_bytes())).pages


def test_print_refuses_a_bad_format_or_language_and_writes_nothing(room, db_url, tmp_path):
    assert "invalid --format 'docx'" in _refused(room, db_url, "emergency", "print", UPS, "--format", "docx")
    assert "invalid --lang 'fr'" in _refused(room, db_url, "emergency", "print", UPS, "--lang", "fr")
    assert not list(tmp_path.glob("*.pdf"))
