"""`dcmaint ticket`: the full flow through the CLI on SQLite and PostgreSQL, the SLA clock, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.helpers import audit, counts

T1 = "T-2026-000001"


@pytest.fixture
def desk(cli):
    cli.ok("site", "add", "hq", "--customer", "某市商业银行", "--timezone", "Asia/Shanghai")
    cli.ok("site", "add", "dr", "--customer", "某市商业银行", "--sla-hours", "4")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli.ok("device", "add", "srv02", "--site", "hq", "--kind", "server")
    cli.ok("device", "add", "ups01", "--site", "dr", "--kind", "ups")
    cli.ok("staff", "add", "li.na", "--role", "engineer")
    cli.ok("staff", "add", "zhang.wei", "--role", "engineer")
    cli.ok("staff", "add", "old.hand", "--role", "engineer")
    cli.ok("staff", "edit", "old.hand", "--inactive")
    cli.ok("staff", "add", "wang.c", "--role", "centre")
    return cli


def new(cli, *extra):
    return cli.ok(
        "ticket", "new", "--site", "hq", "--description", "PSU 2 电源故障，告警灯红", "--device", "srv01", *extra
    ).out.split(":")[0]


def show(cli, ref=T1):
    return cli.ok("ticket", "show", ref, "-f", "json").json()


def test_the_full_flow(desk, db_url):
    cli = desk
    ref = new(
        cli, "--caller", "王工", "--contact", "13800000000", "--reported", "2026-11-20T08:00", "--severity", "critical"
    )
    assert ref == T1
    data = show(cli)
    assert (data["state"], data["sla"], data["devices"], data["caller"]) == ("logged", "not_started", ["srv01"], "王工")
    assert data["reported_at"] == "2026-11-20T00:00:00+00:00"  # Asia/Shanghai 08:00, stored in UTC
    assert data["allowed"] == ["assign", "reserve", "note"]
    steps = [
        ("assign", T1, "--to", "li.na", "--at", "2026-11-20T08:05"),
        ("start", T1, "--remote", "--at", "2026-11-20T08:10"),
        ("escalate", T1, "--reason", "远程无法恢复，需现场更换电源", "--at", "2026-11-20T09:00"),
        ("pause", T1, "--reason", "downtime-window", "--note", "客户要求 12:00 后停机", "--at", "2026-11-20T10:00"),
        ("resume", T1, "--at", "2026-11-20T12:00"),
        ("restore", T1, "--at", "2026-11-20T15:10", "--note", "更换 PSU 2 后恢复"),
        ("fill", T1, "--actions", "更换 PSU 2；检查日志；告警清除", "--time-spent", "2h30m"),
        ("sign", T1, "--by", "王工", "--score", "5", "--comment", "响应及时"),
        ("verify", T1, "--by", "wang.c", "--note", "电话回访确认"),
        ("close", T1),
        ("followup", T1, "--note", "一周后回访，运行正常"),
    ]
    for step in steps:
        cli.ok("ticket", *step)
    data = show(cli)
    assert data["state"] == "closed" and data["handling"] == "onsite" and data["assignee"] == "li.na"
    assert (data["sla"], data["sla_elapsed"], data["sla_paused"]) == ("met", 5 * 3600, 2 * 3600)
    assert (data["score"], data["signed_by"], data["verified_by"]) == (5, "王工", "wang.c")
    assert data["time_spent_minutes"] == 150
    assert [e["kind"] for e in data["events"]] == [
        "logged",
        "assign",
        "start",
        "escalate",
        "pause",
        "resume",
        "restore",
        "fill",
        "sign",
        "verify",
        "close",
        "followup",
    ]
    assert data["pauses"][0]["reason"] == "downtime-window"
    table = cli.ok("ticket", "show", T1).out
    assert "12h target: met: restored in 5 h (2 h paused)" in table and "2026-11-20 15:10" in table
    assert [e.entity for e in audit(db_url)].count("ticket") == 12


def test_illegal_moves_list_the_allowed_ones_and_change_nothing(desk, db_url):
    cli = desk
    new(cli)
    before, chain = counts(db_url), len(audit(db_url))
    for args, named in [
        (("sign", T1, "--by", "王工", "--score", "5"), "allowed: assign, reserve, note"),
        (("start", T1), "cannot start"),
        (("restore", T1), "is logged"),
        (("verify", T1), "cannot verify"),
    ]:
        result = cli("ticket", *args)
        assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1, result
    cli.ok("ticket", "assign", T1, "--to", "li.na")
    cli.ok("ticket", "start", T1)
    before, chain = counts(db_url), len(audit(db_url))
    unrestored = cli("ticket", "sign", T1, "--by", "王工", "--score", "5")
    assert unrestored.code == 2 and "is in_progress" in unrestored.err and "restore" in unrestored.err
    assert counts(db_url) == before and len(audit(db_url)) == chain


def test_bad_input_is_one_line_and_changes_nothing(desk, db_url, tmp_path):
    cli = desk
    new(cli, "--reported", "2026-11-20T07:55")
    cli.ok("ticket", "assign", T1, "--to", "li.na", "--at", "2026-11-20T08:05")
    cli.ok("ticket", "start", T1, "--at", "2026-11-20T08:10")
    cli.ok("ticket", "restore", T1, "--at", "2026-11-20T09:10")
    cli.ok("ticket", "fill", T1, "--actions", "更换电源")
    not_an_image = tmp_path / "sig.png"
    not_an_image.write_text("hello")
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    before, chain = counts(db_url), len(audit(db_url))
    cases = [
        (("ticket", "sign", T1, "--by", "王工", "--score", "6"), "6"),
        (("ticket", "sign", T1, "--by", "王工", "--score", "0"), "0"),
        (("ticket", "sign", T1, "--by", "王工", "--score", "five"), "five"),
        (("ticket", "sign", T1, "--by", "王工", "--score", "4", "--signature", str(not_an_image)), "PNG or JPEG"),
        (("ticket", "sign", T1, "--by", "王工", "--score", "4", "--signature", str(tmp_path / "none.png")), "none.png"),
        (("ticket", "sign", T1, "--by", "王工", "--score", "4", "--at", future), "future"),
        (("ticket", "sign", T1, "--by", "王工", "--score", "4", "--at", "2026-11-20T08:00"), "before"),
        (("ticket", "sign", T1, "--by", "王工", "--score", "4", "--at", "yesterday"), "'yesterday'"),
        (("ticket", "sign", "T-2026-999999", "--by", "王工", "--score", "4"), "'T-2026-999999'"),
        (("ticket", "verify", T1), "cannot verify"),
        (("ticket", "assign", T1, "--to", "nobody"), "is form_filled"),
        (("ticket", "new", "--site", "hq", "--description", "x", "--device", "srv09"), "'srv09'"),
        (("ticket", "new", "--site", "hq", "--description", "x", "--device", "ups01"), "'ups01'"),  # another site
        (("ticket", "new", "--site", "nowhere", "--description", "x"), "'nowhere'"),
        (("ticket", "new", "--site", "hq", "--description", "x", "--severity", "urgent"), "'urgent'"),
        (("ticket", "new", "--site", "hq", "--description", "x", "--source", "fax"), "'fax'"),
        (("ticket", "new", "--site", "hq", "--description", "   "), "description"),
        (("ticket", "new", "--site", "hq"), "description"),
        (("ticket", "new", "--site", "hq", "--description", "x", "--reported", future), "future"),
        (("ticket", "list", "--breaching-within", "soon"), "'soon'"),
        (("ticket", "list", "--state", "done"), "'done'"),
        (("ticket", "list", "--engineer", "nobody"), "'nobody'"),
        (("ticket", "list", "--site", "nowhere"), "'nowhere'"),
    ]
    for args, named in cases:
        result = cli(*args)
        assert result.code == 2, (args, result)
        assert named in result.err and len(result.err.strip().splitlines()) == 1, (args, result.err)
    assert counts(db_url) == before and len(audit(db_url)) == chain


def test_assigning_checks_the_engineer(desk, db_url):
    cli = desk
    new(cli)
    before = counts(db_url)
    unknown = cli("ticket", "assign", T1, "--to", "nobody")
    assert unknown.code == 2 and "'nobody'" in unknown.err
    inactive = cli("ticket", "assign", T1, "--to", "old.hand")
    assert inactive.code == 2 and "old.hand is inactive" in inactive.err
    assert counts(db_url) == before
    cli.ok("ticket", "assign", T1, "--to", "li.na")
    cli.ok("ticket", "assign", T1, "--to", "zhang.wei", "--note", "li.na 休假")  # handed over
    assert show(cli)["assignee"] == "zhang.wei"


def test_pause_rules(desk):
    cli = desk
    new(cli)
    cli.ok("ticket", "assign", T1, "--to", "li.na")
    assert "cannot pause" in cli("ticket", "pause", T1, "--reason", "downtime-window").err
    cli.ok("ticket", "start", T1)
    bad = cli("ticket", "pause", T1, "--reason", "lunch")
    assert bad.code == 2 and "'lunch'" in bad.err and "downtime-window" in bad.err
    assert "not paused" in cli("ticket", "resume", T1).err
    cli.ok("ticket", "pause", T1, "--reason", "customer-approval")
    assert show(cli)["sla"] == "paused" and show(cli)["sla_due_at"] is None
    assert "already paused" in cli("ticket", "pause", T1, "--reason", "downtime-window").err
    cli.ok("ticket", "restore", T1)  # an open pause ends at restoration
    data = show(cli)
    assert data["pauses"][0]["ended_at"] == data["restored_at"] and data["sla"] == "met"


def test_list_filters_and_the_breaching_window(desk):
    cli = desk
    now = datetime.now(UTC)

    def local(delta):
        return (now + delta).astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")

    # T1: started 11 hours ago at hq (12 h target): breaches within 2 h.
    new(cli, "--reported", local(-timedelta(hours=11, minutes=5)))
    cli.ok("ticket", "assign", T1, "--to", "li.na", "--at", local(-timedelta(hours=11, minutes=2)))
    cli.ok("ticket", "start", T1, "--at", local(-timedelta(hours=11)))
    # T2: started 1 hour ago: 11 hours left.
    t2 = new(cli, "--reported", local(-timedelta(hours=1, minutes=5)))
    cli.ok("ticket", "assign", t2, "--to", "zhang.wei", "--at", local(-timedelta(hours=1, minutes=2)))
    cli.ok("ticket", "start", t2, "--at", local(-timedelta(hours=1)))
    # T3 at dr (4 h target): started 5 hours ago, still open: breached.
    t3 = cli.ok(
        "ticket",
        "new",
        "--site",
        "dr",
        "--description",
        "UPS 旁路告警",
        "--device",
        "ups01",
        "--reported",
        local(-timedelta(hours=5, minutes=5)),
    ).out.split(":")[0]
    cli.ok("ticket", "assign", t3, "--to", "li.na", "--at", local(-timedelta(hours=5, minutes=3)))
    cli.ok("ticket", "start", t3, "--onsite", "--at", local(-timedelta(hours=5)))
    # T4: logged only.
    t4 = new(cli)

    def refs(*args):
        return [t["ref"] for t in cli.ok("ticket", "list", *args, "-f", "json").json()]

    assert refs("--breaching-within", "2h") == [t3, T1]  # the overdue one first, then by due time
    assert refs("--breaching-within", "12h") == [t3, T1, t2]
    assert refs("--breached") == [t3]
    assert set(refs("--engineer", "li.na")) == {T1, t3}
    assert refs("--site", "dr") == [t3]
    assert refs("--state", "logged") == [t4]
    assert refs("--device", "ups01") == [t3]
    assert len(refs()) == 4 and refs("--limit", "2") == [t4, t2]
    assert refs("--from", (now - timedelta(hours=2)).isoformat()) == [t4, t2]
    line = cli.ok("ticket", "list", "--breaching-within", "2h", "-f", "json").json()[1]
    assert line["sla"] == "running" and 0 < line["sla_remaining"] <= 3600
    table = cli.ok("ticket", "list", "--breaching-within", "2h").out
    assert "breached" in table and "UPS 旁路告警" in table
    # Pausing stops the clock: a paused ticket is not about to breach.
    cli.ok("ticket", "pause", T1, "--reason", "customer-approval")
    assert refs("--breaching-within", "2h") == [t3]


def test_monitoring_opens_one_ticket_per_fault(cli, scenario, db_url):
    from tests.scenario import part, report

    cli.ok("site", "add", "hq", "--customer", "某市商业银行")
    for name in ("srv01", "srv02"):
        cli.ok(
            "device",
            "add",
            name,
            "--site",
            "hq",
            "--kind",
            "server",
            "--driver",
            "scenario",
            "--endpoint",
            f"scenario://{name}",
        )
    healthy = report(part("psu", "PSU 1", serial="A1"), part("psu", "PSU 2", serial="A2"))
    failed = report(
        part("psu", "PSU 1", serial="A1"),
        part("psu", "PSU 2", "critical", "PSU 2: input lost", serial="A2", spare="866730-001"),
    )
    alarm = {  # the BMC restating the PSU fault, linked to the part by the driver: it rides on the part's ticket
        "message": "Power supply failure",
        "severity": "critical",
        "code": "PsuFailure",
        "source": "PSU 2",
        "raised_at": None,
        "component": {"kind": "psu", "location": "PSU 2"},
    }
    scenario("srv01", {**failed, "alarms": [alarm]})
    scenario("srv02", healthy)
    bad = cli("health", "--open-tickets")
    assert bad.code == 3 and "--record" in bad.err
    result = cli("health", "--record", "--open-tickets")
    assert result.code == 2 and "opened 1 tickets: T-" in result.err
    tickets = cli.ok("ticket", "list", "-f", "json").json()
    assert [(t["source"], t["severity"], t["devices"], t["state"]) for t in tickets] == [
        ("monitoring", "high", ["srv01"], "logged")
    ]
    assert "PSU 2: input lost" in tickets[0]["summary"] and "866730-001" in tickets[0]["summary"]
    # The same open fault, polled again: no second ticket.
    again = cli("health", "--record", "--open-tickets")
    assert "opened 0 tickets" in again.err and len(cli.ok("ticket", "list", "-f", "json").json()) == 1
    # Mended, then failing again: a new fault, so a new ticket.
    scenario("srv01", healthy)
    cli("health", "--record", "--open-tickets")
    scenario("srv01", failed)
    cli("health", "--record", "--open-tickets")
    assert len(cli.ok("ticket", "list", "-f", "json").json()) == 2
    assert counts(db_url)["tickets"] == 2


def test_a_ticket_from_a_chinese_e_mail(desk, db_url, tmp_path):
    from email.header import Header
    from email.message import EmailMessage

    cli = desk
    message = EmailMessage()
    message["From"] = f"{Header('王建国', 'gb2312').encode()} <wangjg@bank.example.cn>"
    message["To"] = "hotline@maint.example.com"
    message["Subject"] = Header("【紧急】存储阵列 hq-san-01 控制器告警", "gb18030").encode()
    message["Date"] = "Fri, 20 Nov 2026 09:15:00 +0800"
    message.set_content(
        "你好：\n\n今早 9 点发现控制器 B 亮黄灯，请尽快处理。\n\n王建国 138 0013 8000\n", charset="gb18030"
    )
    path = tmp_path / "故障报告.eml"
    path.write_bytes(message.as_bytes())
    ref = cli.ok("ticket", "new", "--site", "hq", "--from-eml", str(path), "--device", "srv01").out.split(":")[0]
    data = show(cli, ref)
    assert data["source"] == "email" and data["caller"] == "王建国"
    assert data["contact"] == "wangjg@bank.example.cn, 13800138000"
    assert data["description"].splitlines()[0] == "【紧急】存储阵列 hq-san-01 控制器告警"
    assert "控制器 B 亮黄灯" in data["description"]
    assert data["reported_at"] == "2026-11-20T01:15:00+00:00"
    before = counts(db_url)
    for content, named in [(b"", "empty"), (b"%PDF-1.4 binary junk\x00\x01", "headers")]:
        bad = tmp_path / "bad.eml"
        bad.write_bytes(content)
        result = cli("ticket", "new", "--site", "hq", "--from-eml", str(bad))
        assert result.code == 2 and "bad.eml" in result.err and named in result.err, result
        assert len(result.err.strip().splitlines()) == 1
    missing = cli("ticket", "new", "--site", "hq", "--from-eml", str(tmp_path / "none.eml"))
    assert missing.code == 2 and "none.eml" in missing.err
    assert counts(db_url) == before


def _png() -> bytes:
    """A 2x1 PNG, made here so the test needs no image library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = zlib.compress(b"\x00\x00\x00\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def test_the_maintenance_form_from_a_real_ticket(cli, scenario, db_url, tmp_path):
    from pypdf import PdfReader

    from tests.scenario import part, report

    cli.ok("site", "add", "hq", "--customer", "某市商业银行", "--contract", "WB-2026-017", "--address", "金融大街 8 号")
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
        "ProLiant DL380 Gen10",
        "--driver",
        "scenario",
        "--endpoint",
        "scenario://srv01",
    )
    cli.ok("staff", "add", "li.na", "--role", "engineer")
    scenario("srv01", report(part("psu", "PSU 2", "critical", "input lost", serial="OLD-5WB2", spare="866730-001")))
    cli("health", "--record")
    (tmp_path / "parts.toml").write_text(
        '[[part]]\npart_number = "865414-B21"\nclass = "psu"\nnumbers = { spare = ["866730-001"] }\n', encoding="utf-8"
    )
    cli.ok("spare", "catalogue", "import", str(tmp_path / "parts.toml"))
    cli.ok("spare", "add", "--site", "hq", "--part", "866730-001", "--serial", "NEW-5WBXK0A9")
    ref = new(cli, "--caller", "王工", "--reported", "2026-11-20T08:00")
    cli.ok("ticket", "assign", ref, "--to", "li.na", "--at", "2026-11-20T08:05")
    cli.ok("ticket", "start", ref, "--onsite", "--at", "2026-11-20T08:10")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-5WBXK0A9", "--ticket", ref)
    cli.ok("ticket", "restore", ref)
    cli.ok("ticket", "fill", ref, "--actions", "更换 PSU 2，告警清除", "--time-spent", "1h10m")
    signature = tmp_path / "签字.png"
    signature.write_bytes(_png())
    cli.ok(
        "ticket", "sign", ref, "--by", "王工", "--score", "4", "--comment", "响应及时", "--signature", str(signature)
    )
    out = tmp_path / "维护单.pdf"
    written = cli.ok("ticket", "form", ref, "--format", "pdf", "--lang", "zh", "--output", str(out))
    assert "维护单.pdf" in written.out
    text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    for expected in (
        "维护单",
        ref,
        "某市商业银行",
        "WB-2026-017",
        "srv01",
        "PSU 2 电源故障",
        "更换 PSU 2，告警清除",
        "NEW-5WBXK0A9",
        "OLD-5WB2",
        "王工",
        "响应及时",
        "li.na",
    ):
        assert expected in text, expected
    html = tmp_path / "form.html"
    cli.ok("ticket", "form", ref, "--format", "html", "--lang", "en", "-o", str(html))
    assert "Maintenance" in html.read_text(encoding="utf-8") and "data:image/png;base64," in html.read_text("utf-8")
    markdown = tmp_path / "form.md"
    cli.ok("ticket", "form", ref, "--format", "md", "-o", str(markdown))
    assert "NEW-5WBXK0A9" in markdown.read_text(encoding="utf-8")
    before = counts(db_url)
    for args, named in [
        (("--format", "docx"), "'docx'"),
        (("--lang", "fr"), "'fr'"),
        (("-o", str(tmp_path / "no" / "dir" / "f.pdf")), "f.pdf"),
    ]:
        result = cli("ticket", "form", ref, *args)
        assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1, result
    unknown = cli("ticket", "form", "T-2026-424242")
    assert unknown.code == 2 and "T-2026-424242" in unknown.err
    assert counts(db_url) == before
