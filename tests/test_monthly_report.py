"""`dcmaint report monthly`: the customer's monthly service report, built through the real commands on both backends.

Site hq (Beijing time, 4 h restoration SLA), every step at a given time in the site's time:

    ticket  device  source      reported        handling             pauses  restored        SLA
    A       srv01   phone       10-10 08:00     08:10-13:10          2 h     3 h             met, score 5
    B       srv01   phone       10-20 09:00     09:30-15:30          -       6 h             breached by 2 h, score 3
    C       ups01   monitoring  10-30 08:00     08:10-(11-02 10:00)  -       open at 10-31   breached at month end
    D       ups01   email       10-31 23:30     (not started)        -       open            not started
    E       srv01   phone       11-01 00:30     -                    -       -               November's
    F       srv01   phone       09-15 10:00     10:10-12:10          -       2 h             September's, met

C is measured as it stood at the end of October (39 h 50 min of handling,
35 h 50 min over), though it was restored in November; D was reported 30
minutes before the month ended in Beijing time, E 30 minutes after.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import counts
from tests.test_spares_swap import CATALOGUE, failed


def _ticket(cli, device, source, reported, steps=(), score=None):
    ref = cli.ok(
        "ticket", "new", "--site", "hq", "--description", "故障", "--device", device, "--source", source,
        "--reported", reported,
    ).out.split(":")[0]  # fmt: skip
    cli.ok("ticket", "assign", ref, "--to", "li.na", "--at", reported)
    for action, *args in steps:
        cli.ok("ticket", action, ref, *args)
    if score is not None:
        restored = steps[-1][-1]
        cli.ok("ticket", "fill", ref, "--actions", "更换电源", "--at", restored)
        cli.ok("ticket", "sign", ref, "--by", "李主任", "--score", str(score), "--at", restored)
    return ref


@pytest.fixture
def month(cli):
    cli.ok(
        "site", "add", "hq", "--customer", "某市商业银行", "--timezone", "Asia/Shanghai", "--sla-hours", "4",
        "--contract", "HT-2026-0815",
    )  # fmt: skip
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli.ok("device", "add", "ups01", "--site", "hq", "--kind", "ups")
    cli.ok("staff", "add", "li.na", "--role", "engineer")
    refs = {
        "A": _ticket(
            cli, "srv01", "phone", "2026-10-10T08:00",
            [
                ("start", "--at", "2026-10-10T08:10"),
                ("pause", "--reason", "downtime-window", "--at", "2026-10-10T09:00"),
                ("resume", "--at", "2026-10-10T11:00"),
                ("restore", "--at", "2026-10-10T13:10"),
            ],
            score=5,
        ),
        "B": _ticket(
            cli, "srv01", "phone", "2026-10-20T09:00",
            [("start", "--onsite", "--at", "2026-10-20T09:30"), ("restore", "--at", "2026-10-20T15:30")],
            score=3,
        ),
        "C": _ticket(
            cli, "ups01", "monitoring", "2026-10-30T08:00",
            [("start", "--at", "2026-10-30T08:10"), ("restore", "--at", "2026-11-02T10:00")],
        ),
        "D": _ticket(cli, "ups01", "email", "2026-10-31T23:30"),
        "E": _ticket(cli, "srv01", "phone", "2026-11-01T00:30"),
        "F": _ticket(
            cli, "srv01", "phone", "2026-09-15T10:00",
            [("start", "--at", "2026-09-15T10:10"), ("restore", "--at", "2026-09-15T12:10")],
        ),
    }  # fmt: skip
    return cli, refs


def report(cli, *args):
    return cli.ok("report", "monthly", "--site", "hq", "-o", "-", *args).out


def test_october_in_figures(month):
    cli, refs = month
    md = report(cli, "--month", "2026-10", "--format", "md", "--lang", "en")
    assert md.startswith("# Monthly Service Report hq 2026-10\n")
    for line in (
        "- **Customer**: 某市商业银行",
        "- **Contract no.**: HT-2026-0815",
        "- **Period**: 2026-10-01 to 2026-10-31 (Asia/Shanghai)",
        "- **Tickets reported**: 4",  # A B C D; E is November's in Beijing time
        "- **Tickets restored**: 2",  # A B; C was restored in November
        "- **SLA met**: 50 %",
        "- **Mean time to restore**: 4 h 30 min",  # (3 h + 6 h) / 2, A's 2 h pause not counted
        "- **Average customer score**: 4 / 5",
        "- **Open at month end**: 2",
        "| Device class | Tickets |",
        "| server | 2 |",
        "| UPS | 2 |",
        "| phone | 2 |",
        "| e-mail | 1 |",
        "| monitoring | 1 |",
        "| met | 1 |",
        "| breached | 1 |",
        f"| {refs['B']} | high | srv01 | 2026-10-20 15:30 | 6 h | 2 h |",
        f"| {refs['C']} | high | ups01 | open at month end | 39 h 50 min | 35 h 50 min |",  # as it stood then
        "| ★★★★★ 5/5 | 1 |",
        "| ★★★☆☆ 3/5 | 1 |",
        f"| {refs['C']} | high | ups01 | 2026-10-30 08:00 | breached |",
        f"| {refs['D']} | high | ups01 | 2026-10-31 23:30 | not started |",
        "| Month | reported | restored | breached |",
        "| 2026-05 | 0 | 0 | 0 |",
        "| 2026-09 | 1 | 1 | 0 |",  # F
        "| 2026-10 | 4 | 2 | 1 |",
    ):
        assert line in md, line
    assert refs["A"] not in md.split("## Restoration SLA")[1].split("## Customer scores")[0].split("Breaches")[1]
    assert refs["E"] not in md
    # November: C restored (late), E open; the trend has moved on a month.
    november = report(cli, "--month", "2026-11", "--format", "md", "--lang", "en")
    assert "- **Tickets reported**: 1" in november and "- **Tickets restored**: 1" in november
    assert f"| {refs['C']} | high | ups01 | 2026-11-02 10:00 |" in november
    assert "| 2026-05 |" not in november and "| 2026-11 | 1 | 1 | 1 |" in november


def test_the_report_is_drawn_with_charts_in_every_format(month):
    cli, _refs = month
    page = report(cli, "--month", "2026-10", "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert page.count("<svg") == 3  # tickets by class, SLA met and breached, the six-month trend
    assert "<!-- 服务器 -->" in page  # a category of the chart, drawn in the CJK font
    assert "DejaVu" not in page  # no label fell back to matplotlib's Latin-only font
    assert "<td>服务器</td><td>2</td>" in page  # the figures follow each chart
    assert page == report(cli, "--month", "2026-10", "--format", "html")  # deterministic: no dates, no random ids
    md = report(cli, "--month", "2026-10", "--format", "md")
    assert "**按设备类别的工单数**" in md and "<svg" not in md


def test_the_chinese_pdf_reads_back(month, tmp_path):
    """The report's Chinese text is extracted back from its PDF: words, names, figures and the charts' tables."""
    from pypdf import PdfReader

    cli, refs = month
    target = tmp_path / "月报.pdf"
    done = cli.ok("report", "monthly", "--site", "hq", "--month", "2026-10", "--output", str(target))
    assert str(target) in done.out and target.read_bytes().startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    for words in (
        "月度服务报告",
        "某市商业银行",
        "工单统计",
        "按设备类别的工单数",
        "服务器",
        "恢复时限",
        "超时明细",
        refs["B"],
        "月末仍未恢复",
        "客户评分",
        "现场备件库与建议库存",
        "月末未结事项",
        "未开始处理",
        "近六个月趋势",
    ):
        assert words in text, words
    images = sum(
        1
        for page in reader.pages
        for ref in (page["/Resources"].get("/XObject") or {}).values()
        if ref.get_object()["/Subtype"] == "/Image"
    )
    assert images == 3


def test_a_month_without_data_says_so(month):
    cli, _refs = month
    md = report(cli, "--month", "2026-06", "--format", "md", "--lang", "en")
    assert "No tickets, part swaps or handovers of removed parts were recorded" in md
    assert "- **Tickets reported**: 0" in md and "## Restoration SLA" not in md
    assert "## Six-month trend" in md  # the months around it still show
    zh = report(cli, "--month", "2026-06", "--format", "md")
    assert "本月在该站点没有工单" in zh


def test_bad_input_is_one_line_naming_it_and_writes_nothing(month, db_url, tmp_path, monkeypatch):
    cli, _refs = month
    monkeypatch.chdir(tmp_path)
    before = counts(db_url)
    future = datetime.now(ZoneInfo("Asia/Shanghai"))
    ahead = f"{future.year + 1}-{future.month:02d}"
    for args, named in (
        (("--site", "hq", "--month", ahead), ahead),
        (("--site", "hq", "--month", "2026-13"), "'2026-13'"),
        (("--site", "hq", "--month", "October"), "'October'"),
        (("--site", "nowhere", "--month", "2026-10"), "'nowhere'"),
        (("--site", "hq", "--month", "2026-10", "--format", "docx"), "'docx'"),
        (("--site", "hq", "--month", "2026-10", "--lang", "fr"), "'fr'"),
    ):
        result = cli("report", "monthly", *args)
        assert result.code == 2, (args, result)
        assert named in result.err and len(result.err.strip().splitlines()) == 1, (args, result.err)
    assert counts(db_url) == before
    assert list(tmp_path.glob("*.pdf")) == []


def test_the_current_month_lists_swaps_handovers_and_parts_in_custody(cli, scenario, tmp_path):
    """Swaps and handovers happen now (they take no past time): the current month's report shows them."""
    (tmp_path / "parts.toml").write_text(CATALOGUE, encoding="utf-8")
    cli.ok("site", "add", "hq", "--customer", "某银行 <b>|A*B|</b>", "--timezone", "Asia/Shanghai")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    for name, prefix in (("srv01", "5WB"), ("srv02", "6WB")):
        cli.ok(
            "device", "add", name, "--site", "hq", "--kind", "server", "--driver", "scenario",
            "--endpoint", f"scenario://{name}",
        )  # fmt: skip
        scenario(name, failed(prefix))
    cli.ok("spare", "catalogue", "import", str(tmp_path / "parts.toml"))
    assert cli("health", "--record").code == 2
    cli.ok("spare", "add", "--site", "hq", "--part", "865414-B21", "--serial", "NEW-1")
    cli.ok("spare", "add", "--site", "hq", "--part", "865414-B21", "--serial", "NEW-2")
    cli.ok("spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--by", "张伟")
    cli.ok("spare", "swap", "--device", "srv02", "--slot", "PSU 2", "--spare", "NEW-2", "--by", "张伟")
    cli.ok("spare", "handover", "--site", "hq", "--to", "李主任", "--serial", "5WB2", "--document", "R-1")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    md = report(cli, "--month", f"{now:%Y-%m}", "--format", "md", "--lang", "en")
    swaps = md.split("Parts swapped this month:")[1].split("Removed parts handed")[0]
    assert "| srv01 | psu:PSU 2 | 865414-B21 | NEW-1 | 5WB2 |" in swaps
    assert "| srv02 | psu:PSU 2 | 865414-B21 | NEW-2 | 6WB2 |" in swaps
    handed = md.split("Removed parts handed to the customer this month:")[1].split("## ")[0]
    assert "| 5WB2 | srv01 |" in handed and "| 李主任 | R-1 |" in handed and "6WB2" not in handed
    custody = md.split("Removed parts not yet handed to the customer:")[1].split("## ")[0]
    assert "| 6WB2 | srv02 |" in custody and "5WB2" not in custody
    depot = md.split("## On-site depot against recommended levels")[1].split("## ")[0]
    assert (
        "| 865414-B21 | psu | 4 | 0 | 0 | 0 | ok |" in depot
    )  # the four PSUs (by their spare number), both spares used
    assert r"某银行 &lt;b&gt;\|A\*B\|&lt;/b&gt;" in md  # the customer's name stays text in Markdown
    page = report(cli, "--month", f"{now:%Y-%m}", "--format", "html")
    assert "某银行 &lt;b&gt;|A*B|&lt;/b&gt;" in page and "<b>|" not in page


def test_a_clock_is_read_as_it_stood_at_an_instant():
    """What happened after the instant is not known yet: a later start, restoration or end of a pause."""
    from datetime import UTC, timedelta

    from dcmaint.domain.monthly import TicketFacts, at_instant
    from dcmaint.domain.sla import SlaState

    t0 = datetime(2026, 10, 31, 10, 0, tzinfo=UTC)
    end = t0 + timedelta(hours=6)
    ticket = TicketFacts(
        "T-1", "phone", "high", "restored", ("server",), ("srv01",), t0, t0, t0 + timedelta(hours=20), None, 4, None,
        ((t0 + timedelta(hours=1), t0 + timedelta(hours=10)),),
    )  # fmt: skip
    then = at_instant(ticket, end)  # paused from the first hour on, and still paused at the instant
    assert (then.state, then.elapsed, then.paused) == (SlaState.PAUSED, timedelta(hours=1), timedelta(hours=5))
    final = at_instant(ticket, ticket.restored_at)
    assert (final.state, final.elapsed, final.breached_by) == (
        SlaState.BREACHED,
        timedelta(hours=11),
        timedelta(hours=7),
    )
    later = dataclasses.replace(ticket, started_at=end + timedelta(minutes=1))
    assert at_instant(later, end).state is SlaState.NOT_STARTED


def test_the_report_speaks_both_languages_alike():
    from dcmaint.domain.sla import SlaState
    from dcmaint.forms.monthly import WORDS

    assert set(WORDS["zh"]) == set(WORDS["en"])
    assert all(WORDS["zh"][key] and WORDS["en"][key] for key in WORDS["zh"])
    assert {f"sla_{state.value}" for state in SlaState} <= set(WORDS["zh"])  # every clock state has its words


def test_the_months_inspections_and_preventive_maintenance(month):
    cli, _refs = month
    cli.ok("inspect", "plan", "add", "--site", "hq", "--every", "monthly", "--first", "2026-10-05")
    cli.ok("inspect", "run", "--site", "hq", "--at", "2026-10-16T10:00", "--by", "li.na")
    cli.ok("pm", "done", "hq/srv01/dust-removal", "--by", "li.na", "--at", "2026-10-15T10:00")
    md = report(cli, "--month", "2026-10", "--format", "md", "--lang", "en")
    assert "- **Inspections**: 1" in md and "- **Preventive tasks done**: 1" in md
    inspections = md.split("## Inspections")[1].split("## Preventive maintenance")[0]
    assert "| 2026-10-16 10:00 | li.na | 2 | 0 | 0 | 100 |" in inspections  # srv01 and ups01, nothing found
    assert "| #1 | monthly | 2026-11-16 |" in inspections.replace("\\#", "#")  # the next one, not done since
    maintenance = md.split("## Preventive maintenance")[1]
    assert "| hq/srv01/dust-removal | Dust removal | 2026-10-15 10:00 | li.na | yes |" in maintenance
    zh = report(cli, "--month", "2026-10", "--format", "md", "--lang", "zh")
    assert "| hq/srv01/dust-removal | 设备除尘 | 2026-10-15 10:00 | li.na | 是 |" in zh and "| 每月 |" in zh
    september = report(cli, "--month", "2026-09", "--format", "md", "--lang", "en")
    assert "No inspection was done in the month." in september
    assert "No preventive task was done in the month." in september
