"""Inspections end to end, on both backends, with simulated BMCs (the Redfish plugin's simulator) as the peers.

A healthy site gives no finding; a fault found twice opens one ticket; a
checklist finding that needs downtime opens one ticket however often it is
found while that ticket is open; a bad answers file is one line naming the
file, the line and the value, exit 2, and changes nothing; prompts on a
terminal take the answers when no file is given (docs/inspections.md).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from tests.helpers import audit, counts
from tests.test_forms_render import pdf_text, squeeze

ALL_OK = """\
[[answer]]
device = "机房"
item = "room.temperature"
answer = "22.5"

[[answer]]
item = "room.humidity"
answer = 48

[[answer]]
device = "bmc1"
item = "server.leds"
answer = "正常"
"""


def _sim(faults: str, count: int):
    from dcmaint_redfish.sim import running

    return running(SimulatorOptions(count=count, faults=faults, flavours=("generic",)))


def _room(cli, monkeypatch, endpoints) -> None:
    monkeypatch.setenv("BMC_PW", "any-password")
    cli.ok("site", "add", "lab", "--customer", "某市商业银行")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    for n, endpoint in enumerate(endpoints, 1):
        cli.ok(
            "device", "add", f"bmc{n}", "--site", "lab", "--kind", "server", "--driver", "redfish",
            "--endpoint", endpoint.url, "--username", "admin", "--credential", "env:BMC_PW",
        )  # fmt: skip


@pytest.fixture
def healthy(cli, monkeypatch):
    with _sim("", 1) as sim:
        _room(cli, monkeypatch, sim.endpoints)
        yield cli


@pytest.fixture
def broken(cli, monkeypatch):
    """bmc2's PSU 2 has failed; bmc1 is healthy."""
    with _sim("bmc2:psu:2=critical", 2) as sim:
        _room(cli, monkeypatch, sim.endpoints)
        yield cli


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_healthy_site_gives_no_finding(healthy, tmp_path):
    answers = _write(tmp_path, "answers.toml", ALL_OK)
    summary = healthy.ok("inspect", "run", "--site", "lab", "--answers", answers, "--by", "张伟", "-f", "json").json()
    assert (summary["devices"], summary["findings"], summary["tickets"], summary["score"]) == (1, 0, [], 100)
    assert summary["trend"] == "new"
    shown = healthy.ok("inspect", "show", str(summary["run"]), "-f", "json").json()
    assert shown["findings"] == []
    assert {(r["device"], r["status"], r["score"]) for r in shown["results"]} == {
        ("", "checked", 100),
        ("bmc1", "ok", 100),
    }
    assert {(a["device"], a["item"], a["answer"], a["ok"]) for a in shown["answers"]} == {
        ("", "room.temperature", "22.5", True),
        ("", "room.humidity", "48", True),
        ("bmc1", "server.leds", "ok", True),
    }
    assert healthy.ok("ticket", "list", "--format", "json").json() == []
    again = healthy.ok("inspect", "run", "--site", "lab", "--answers", answers, "-f", "json").json()
    assert again["trend"] == "same"
    listed = healthy.ok("inspect", "list", "--site", "lab", "-f", "json").json()
    assert [r["id"] for r in listed] == [again["run"], summary["run"]]


def test_a_fault_found_twice_opens_one_ticket(broken, db_url):
    first = broken.ok("inspect", "run", "--site", "lab", "-f", "json").json()
    recorded = counts(db_url)  # each device's health recorded as `health --record` records it
    assert (recorded["device_polls"], recorded["faults"]) == (2, 1)
    second = broken.ok("inspect", "run", "--site", "lab", "-f", "json").json()
    tickets = broken.ok("ticket", "list", "--format", "json").json()
    assert len(tickets) == 1 and tickets[0]["source"] == "monitoring", tickets
    assert first["tickets"] == [tickets[0]["ref"]] and second["tickets"] == []
    for run in (first, second):
        found = broken.ok("inspect", "show", str(run["run"]), "-f", "json").json()["findings"]
        assert [(f["device"], f["source"], f["item"], f["outcome"], f["ticket"]) for f in found] == [
            ("bmc2", "fault", "psu:PSU 2", "open", tickets[0]["ref"])
        ]
    results = {r["device"]: r for r in broken.ok("inspect", "show", str(second["run"]), "-f", "json").json()["results"]}
    assert results["bmc2"]["score"] == 75 and results["bmc1"]["score"] == 100  # one critical part: -25


def test_the_outcome_of_a_fault_comes_from_the_answers_file(broken, tmp_path):
    answers = _write(tmp_path, "answers.csv", "设备,项目,结果,备注,处理\nbmc2,fault:psu:PSU 2,,电源模块损坏,返厂\n")
    run = broken.ok("inspect", "run", "--site", "lab", "--answers", answers, "-f", "json").json()
    found = broken.ok("inspect", "show", str(run["run"]), "-f", "json").json()["findings"]
    assert [(f["outcome"], f["note"]) for f in found] == [("factory", "电源模块损坏")]


def test_a_checklist_finding_that_needs_downtime_opens_one_ticket(healthy, tmp_path):
    later = (date.today() + timedelta(days=20)).isoformat()
    answers = _write(
        tmp_path,
        "answers.csv",
        "device,item,answer,note,action\n"
        f",room.humidity,75,加湿器故障,downtime {later}\n"
        "bmc1,server.fans,异常,,fixed\n",
    )
    first = healthy.ok("inspect", "run", "--site", "lab", "--answers", answers, "-f", "json").json()
    second = healthy.ok("inspect", "run", "--site", "lab", "--answers", answers, "-f", "json").json()
    tickets = healthy.ok("ticket", "list", "--format", "json").json()
    assert len(tickets) == 1 and tickets[0]["source"] == "inspection", tickets
    assert first["tickets"] == second["tickets"] == [tickets[0]["ref"]]
    found = healthy.ok("inspect", "show", str(second["run"]), "-f", "json").json()["findings"]
    assert [(f["device"], f["source"], f["item"], f["outcome"], f["downtime_on"], f["ticket"]) for f in found] == [
        ("", "reading", "room.humidity", "downtime", later, tickets[0]["ref"]),
        ("bmc1", "checklist", "server.fans", "fixed", None, None),
    ]
    assert first["score"] == 90  # room 90, bmc1 90: one item not ok each


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("device,item,answer\nbmc1,server.leds,ok\nbmc1,server.led,ok\n", "answers.csv:3: unknown item 'server.led'"),
        ("device,item,answer\nother1,server.leds,ok\n", "answers.csv:2: device 'other1' is not a device of site lab"),
        ("device,item,answer\n,room.temperature,warm\n", "answers.csv:2: invalid answer 'warm'"),
        ("device,item,answer\nbmc1,server.leds,maybe\n", "answers.csv:2: invalid answer 'maybe'"),
        ("device,item,answer,action\nbmc1,server.leds,异常,later\n", "answers.csv:2: invalid action 'later'"),
        ("device,item,answer\nbmc1,room.fire,ok\n", "answers.csv:2: item room.fire does not apply to bmc1"),
        ("设备,项目,结果\nbmc1,fault:psu:PSU 9,\n", "answers.csv:2: invalid fault row"),
        ("device,item,answer\nbmc1,server.leds,ok\nbmc1,server.leds,ok\n", "answers.csv:3: server.leds answered twice"),
        ("device,item,answer,note\nbmc1,server.leds,异常," + "x" * 20001 + "\n", "answers.csv:2: note is longer than"),
    ],
)
def test_a_bad_answers_file_changes_nothing(healthy, db_url, tmp_path, text, named):
    healthy.ok("site", "add", "other", "--customer", "Other")
    healthy.ok("device", "add", "other1", "--site", "other", "--kind", "server")
    answers = _write(tmp_path, "answers.csv", text)
    before, chain = counts(db_url), audit(db_url)
    result = healthy("inspect", "run", "--site", "lab", "--answers", answers)
    lines = result.err.strip().splitlines()
    assert result.code == 2 and len(lines) == 1 and named in lines[0], result
    assert counts(db_url) == before and audit(db_url) == chain


def test_an_engineer_not_on_the_staff_register_changes_nothing(healthy, db_url):
    before, chain = counts(db_url), audit(db_url)
    result = healthy("inspect", "run", "--site", "lab", "--by", "李四")
    assert result.code == 2 and "'李四'" in result.err and len(result.err.strip().splitlines()) == 1, result
    assert counts(db_url) == before and audit(db_url) == chain


def test_an_outcome_for_a_fault_the_poll_did_not_find_changes_nothing(broken, db_url, tmp_path):
    answers = _write(
        tmp_path, "answers.toml", '[[answer]]\ndevice = "bmc1"\nitem = "fault:psu:PSU 2"\naction = "fixed"\n'
    )
    before, chain = counts(db_url), audit(db_url)
    result = broken("inspect", "run", "--site", "lab", "--answers", answers)
    assert result.code == 2 and "answers.toml:1: the poll found no fault 'psu:PSU 2' on bmc1" in result.err, result
    assert counts(db_url) == before and audit(db_url) == chain


def test_an_xlsx_answers_file_with_chinese_headers(healthy, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ("序号", "设备名称", "巡检项目", "检查结果", "备注", "处理方式"),
        (1, "bmc1", "server.inlet", 41, "进风口过热", "现场处理"),
    ):
        sheet.append(list(row))
    path = tmp_path / "巡检记录.xlsx"
    book.save(path)
    run = healthy.ok("inspect", "run", "--site", "lab", "--answers", path, "-f", "json").json()
    found = healthy.ok("inspect", "show", str(run["run"]), "-f", "json").json()["findings"]
    assert [(f["item"], f["description"], f["outcome"], f["ticket"]) for f in found] == [
        ("server.inlet", "41 °C", "fixed", None)
    ]


def test_prompts_take_the_answers_on_a_terminal(healthy, monkeypatch):
    from dcmaint.cli import inspect

    monkeypatch.setattr(inspect, "_interactive", lambda: True)
    typed = ["22", "hot", "45", "ok", "异常", "soon", "fixed", "线缆已整理"] + [""] * 20
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(typed) + "\n"))
    run = healthy.ok("inspect", "run", "--site", "lab", "-f", "json").json()
    shown = healthy.ok("inspect", "show", str(run["run"]), "-f", "json").json()
    assert [(a["item"], a["answer"]) for a in shown["answers"]] == [
        ("room.temperature", "22"),
        ("room.humidity", "45"),
        ("room.cleanliness", "ok"),
        ("room.cabling", "not-ok"),
    ]
    assert [(f["item"], f["outcome"], f["note"]) for f in shown["findings"]] == [
        ("room.cabling", "fixed", "线缆已整理")
    ]


def test_a_site_without_devices_is_inspected_by_its_room_checks(cli, tmp_path):
    cli.ok("site", "add", "empty", "--customer", "Empty")
    answers = _write(tmp_path, "a.csv", "device,item,answer\n,room.temperature,30\n")
    run = cli.ok("inspect", "run", "--site", "empty", "--answers", answers, "-f", "json").json()
    assert (run["devices"], run["findings"], run["score"]) == (0, 1, 90)


def test_without_a_terminal_or_a_file_only_the_poll_counts(healthy):
    run = healthy.ok("inspect", "run", "--site", "lab", "-f", "json").json()
    assert (run["findings"], run["score"]) == (0, 100)


def test_plans_tell_cron_what_is_overdue(healthy):
    late = (date.today() - timedelta(days=3)).isoformat()
    plan = healthy.ok(
        "inspect", "plan", "add", "--site", "lab", "--every", "quarterly", "--first", late, "--scope", "server",
        "--agreed-with", "王工", "-f", "json",
    ).json()  # fmt: skip
    assert (plan["frequency"], plan["scope"], plan["next_on"]) == ("quarterly", ["server"], late)
    assert healthy("inspect", "due").code == 1
    assert healthy.ok("inspect", "plan", "show", str(plan["id"]), "-f", "json").json()["id"] == plan["id"]
    healthy.ok("inspect", "run", "--site", "lab", "--at", date.today().isoformat())
    moved = healthy.ok("inspect", "plan", "list", "--site", "lab", "-f", "json").json()[0]
    assert date.fromisoformat(moved["next_on"]) > date.today() + timedelta(days=80)
    assert healthy.ok("inspect", "due", "--within", "14d", "-f", "json").json() == []


@pytest.mark.parametrize("every", ["sometimes", "every 0 days", "every 99 weeks"])
def test_a_bad_frequency_is_refused(healthy, db_url, every):
    before = counts(db_url)
    result = healthy("inspect", "plan", "add", "--site", "lab", "--every", every)
    assert result.code == 2 and repr(every) in result.err and len(result.err.strip().splitlines()) == 1
    assert counts(db_url) == before


def test_the_report_has_every_section_and_chart(broken, tmp_path):
    answers = _write(tmp_path, "a.csv", "device,item,answer,action\n,room.humidity,75,factory\n")
    broken.ok("inspect", "run", "--site", "lab", "--by", "张伟")
    run = broken.ok("inspect", "run", "--site", "lab", "--answers", answers, "--by", "张伟", "-f", "json").json()
    zh = broken.ok("inspect", "report", str(run["run"]), "--format", "md", "--lang", "zh", "--output", "-").out
    for text in ("巡检报告", "概要", "巡检范围", "设备巡检结果", "发现的问题及处理", "待处理事项", "健康评估"):
        assert text in zh, text
    for text in (
        "各系统健康评分",
        "问题分类",
        "历次巡检评分趋势",
        "建议及预防措施",
        "客户签字",
        "返厂维修",
        "机房相对湿度",
    ):
        assert text in zh, text
    en = broken.ok("inspect", "report", str(run["run"]), "--format", "md", "--lang", "en", "--output", "-").out
    for text in ("Inspection Report", "Pending items", "Replace the failed power supply", "return to factory"):
        assert text in en, text
    pdf = tmp_path / "r.pdf"
    broken.ok("inspect", "report", str(run["run"]), "--format", "pdf", "--lang", "zh", "--output", pdf)
    text, _reader = pdf_text(pdf.read_bytes())
    for words in ("巡检报告", "某市商业银行", "待处理事项", "机房相对湿度", "返厂维修", "客户签字"):
        assert words in squeeze(text), words
    bad = broken("inspect", "report", str(run["run"]), "--format", "docx")
    assert bad.code == 2 and "'docx'" in bad.err


def test_a_site_s_broken_checklist_is_one_line_naming_file_item_and_value(healthy, db_url, home):
    folder = home / "checklists"
    folder.mkdir(parents=True)
    (folder / "servers.toml").write_text(
        '[checklist]\nname = "servers"\nzh = "服务器"\nen = "Servers"\nkinds = ["server"]\n\n'
        '[[item]]\nid = "server.inlet"\nzh = "进风"\nen = "Inlet"\nanswer = "number"\nmin = 40\nmax = 10\n',
        encoding="utf-8",
    )
    before = counts(db_url)
    result = healthy("inspect", "run", "--site", "lab")
    assert result.code == 2 and "servers.toml: item server.inlet: invalid max 10" in result.err, result
    assert counts(db_url) == before


def test_a_site_s_own_checklist_replaces_the_shipped_one(healthy, home, tmp_path):
    folder = home / "checklists" / "lab"
    folder.mkdir(parents=True)
    (folder / "servers.toml").write_text(
        '[checklist]\nname = "servers"\nzh = "服务器"\nen = "Servers"\nkinds = ["server"]\n\n'
        '[[item]]\nid = "server.label"\nzh = "资产标签"\nen = "Asset label"\nanswer = "text"\n',
        encoding="utf-8",
    )
    answers = _write(tmp_path, "a.csv", "device,item,answer\nbmc1,server.label,ZC-0012\n")
    healthy.ok("inspect", "run", "--site", "lab", "--answers", answers)
    shipped = _write(tmp_path, "b.csv", "device,item,answer\nbmc1,server.leds,ok\n")
    result = healthy("inspect", "run", "--site", "lab", "--answers", shipped)
    assert result.code == 2 and "unknown item 'server.leds'" in result.err


def test_the_trend_compares_each_score_with_the_previous_inspection(healthy, tmp_path):
    healthy.ok("inspect", "run", "--site", "lab")
    worse = _write(
        tmp_path, "a.csv", "device,item,answer,action\nbmc1,server.fans,异常,fixed\nbmc1,server.leds,异常,fixed\n"
    )
    run = healthy.ok("inspect", "run", "--site", "lab", "--answers", worse, "-f", "json").json()
    shown = healthy.ok("inspect", "show", str(run["run"]), "-f", "json").json()
    assert (run["score"], run["trend"]) == (90, "down")  # (100 + 80) / 2
    assert {(r["device"], r["score"], r["trend"]) for r in shown["results"]} == {
        ("", 100, "same"),
        ("bmc1", 80, "down"),
    }
    assert shown["systems"] == [
        {"system": "room", "score": 100, "trend": "same"},
        {"system": "server", "score": 80, "trend": "down"},
    ]
    assert [h["score"] for h in shown["history"]] == [100, 90]
    better = healthy.ok("inspect", "run", "--site", "lab", "-f", "json").json()
    assert (better["score"], better["trend"]) == (100, "up")
