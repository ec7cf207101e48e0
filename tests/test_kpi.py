"""`dcmaint report kpi`: staff KPIs from verified tickets, built through the real ticket commands on both backends.

Two engineers (and one who has since left) over October and November 2026,
every step at a given time in the site's (Beijing) time:

    ticket  engineer   site (SLA)  handling            pauses  restored in    score  state      verified (local)
    A       li.na      hq (12 h)   10-10 08:10-15:10   2 h     5 h  met       5      closed     10-11 09:00
    B       li.na      dr (4 h)    10-20 09:30-15:30   -       6 h  breached  3      verified   10-31 23:30
    C       zhang.wei  hq          10-25 10:00-12:00   -       2 h  met       2      verified   11-01 00:30
    D       zhang.wei  hq          10-28 09:00-10:00   -       1 h  met       1      signed     (never)
    E       old.hand   hq          10-05 10:00-14:00   2 h     2 h  met       5      closed     10-06 10:00
    F       li.na      hq          11-02 08:30-11:30   -       3 h  met       4      verified   11-03 10:00
    G       li.na      hq          11-10 09:00-        -       (running)

B is verified 2026-10-31 15:30 UTC and C 2026-10-31 16:30 UTC: in Beijing
time B is October's and C November's; in UTC both are October's.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import counts


@pytest.fixture
def office(cli):
    for site, hours in (("hq", "12"), ("dr", "4")):
        cli.ok("site", "add", site, "--customer", "某市商业银行", "--timezone", "Asia/Shanghai", "--sla-hours", hours)
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli.ok("device", "add", "ups01", "--site", "dr", "--kind", "ups")
    for name, role in (
        ("li.na", "engineer"),
        ("zhang.wei", "engineer"),
        ("old.hand", "engineer"),
        ("chen.jie", "engineer"),
        ("retired", "engineer"),
        ("wang.c", "centre"),
        ("zhao.pm", "pm"),
    ):
        cli.ok("staff", "add", name, "--role", role)
    cli.ok("staff", "edit", "retired", "--inactive")
    _ticket(
        cli,
        "hq",
        "li.na",
        "2026-10-10T08:00",
        [
            ("start", "--at", "2026-10-10T08:10"),
            ("pause", "--reason", "downtime-window", "--at", "2026-10-10T10:00"),
            ("resume", "--at", "2026-10-10T12:00"),
            ("restore", "--at", "2026-10-10T15:10"),
        ],
        score=5,
        verified="2026-10-11T09:00",
        close=True,
    )
    _ticket(
        cli,
        "dr",
        "li.na",
        "2026-10-20T09:00",
        [("start", "--onsite", "--at", "2026-10-20T09:30"), ("restore", "--at", "2026-10-20T15:30")],
        score=3,
        verified="2026-10-31T23:30",
    )
    _ticket(
        cli,
        "hq",
        "zhang.wei",
        "2026-10-25T09:50",
        [("start", "--at", "2026-10-25T10:00"), ("restore", "--at", "2026-10-25T12:00")],
        score=2,
        verified="2026-11-01T00:30",
    )
    _ticket(
        cli,
        "hq",
        "zhang.wei",
        "2026-10-28T08:50",
        [("start", "--at", "2026-10-28T09:00"), ("restore", "--at", "2026-10-28T10:00")],
        score=1,
        verified=None,
    )
    _ticket(
        cli,
        "hq",
        "old.hand",
        "2026-10-05T09:30",
        [
            ("start", "--at", "2026-10-05T10:00"),
            ("pause", "--reason", "customer-approval", "--at", "2026-10-05T11:00"),
            ("resume", "--at", "2026-10-05T13:00"),
            ("restore", "--at", "2026-10-05T14:00"),
        ],
        score=5,
        verified="2026-10-06T10:00",
        close=True,
    )
    cli.ok("staff", "edit", "old.hand", "--inactive")  # left in November: October still counts his ticket
    _ticket(
        cli,
        "hq",
        "li.na",
        "2026-11-02T08:00",
        [("start", "--at", "2026-11-02T08:30"), ("restore", "--at", "2026-11-02T11:30")],
        score=4,
        verified="2026-11-03T10:00",
    )
    _ticket(cli, "hq", "li.na", "2026-11-10T08:50", [("start", "--at", "2026-11-10T09:00")], score=None, verified=None)
    return cli


def _ticket(cli, site, engineer, reported, steps, score, verified, close=False):
    device = "srv01" if site == "hq" else "ups01"
    ref = cli.ok(
        "ticket", "new", "--site", site, "--description", "PSU 故障", "--device", device, "--reported", reported
    ).out.split(":")[0]
    cli.ok("ticket", "assign", ref, "--to", engineer, "--at", reported)
    for action, *args in steps:
        cli.ok("ticket", action, ref, *args)
    if score is None:
        return ref
    restored = steps[-1][-1]
    cli.ok("ticket", "fill", ref, "--actions", "更换电源", "--at", restored)
    cli.ok("ticket", "sign", ref, "--by", "王工", "--score", str(score), "--at", restored)
    if verified:
        cli.ok("ticket", "verify", ref, "--by", "wang.c", "--at", verified)
        if close:
            cli.ok("ticket", "close", ref, "--at", verified)
    return ref


def kpi(cli, *args):
    return cli.ok("report", "kpi", *args, "-f", "json").json()


def line(engineer, tickets, score, met, percent, mttr):
    return {
        "engineer": engineer,
        "tickets": tickets,
        "average_score": score,
        "sla_met": met,
        "sla_met_percent": percent,
        "mean_time_to_restore": mttr,
    }


def test_figures_per_month_in_beijing_time(office):
    data = kpi(office, "--month", "2026-10")
    assert (data["month"], data["timezone"]) == ("2026-10", "Asia/Shanghai")
    assert (data["start"], data["end"]) == ("2026-09-30T16:00:00+00:00", "2026-10-31T16:00:00+00:00")
    assert data["engineers"] == [
        line("chen.jie", 0, None, 0, None, None),  # an active engineer without tickets is listed
        line("li.na", 2, 4.0, 1, 50.0, 19800),  # A (5 h, 2 h paused not counted) and B (6 h, breached)
        line("old.hand", 1, 5.0, 1, 100.0, 7200),  # inactive now, but his October ticket counts
        line("zhang.wei", 0, None, 0, None, None),  # C is November's in Beijing time, D only signed
    ]
    total = {k: v for k, v in line("", 3, 4.33, 2, 66.7, 15600).items() if k != "engineer"}
    assert data["total"] == total
    # November: C was verified at 00:30 on 1 November Beijing time.
    data = kpi(office, "--month", "2026-11", "--timezone", "Asia/Shanghai")
    assert data["engineers"] == [
        line("chen.jie", 0, None, 0, None, None),
        line("li.na", 1, 4.0, 1, 100.0, 10800),  # F; G is still running
        line("zhang.wei", 1, 2.0, 1, 100.0, 7200),  # C, verified 00:30 on 1 November Beijing time
    ]
    assert data["total"] == {
        "tickets": 2,
        "average_score": 3.0,
        "sla_met": 2,
        "sla_met_percent": 100.0,
        "mean_time_to_restore": 9000,
    }
    # In UTC, C was verified on 31 October (16:30) and counts there.
    utc = kpi(office, "--month", "2026-10", "--timezone", "UTC")
    assert [(e["engineer"], e["tickets"]) for e in utc["engineers"]] == [
        ("chen.jie", 0),
        ("li.na", 2),
        ("old.hand", 1),
        ("zhang.wei", 1),
    ]
    assert utc["total"]["tickets"] == 4 and utc["total"]["average_score"] == 3.75
    assert utc["start"] == "2026-10-01T00:00:00+00:00"
    # A month with nothing verified: everyone active listed with zeros.
    empty = kpi(office, "--month", "2026-09")
    assert [e["engineer"] for e in empty["engineers"]] == ["chen.jie", "li.na", "zhang.wei"]
    assert empty["total"] == {
        "tickets": 0,
        "average_score": None,
        "sla_met": 0,
        "sla_met_percent": None,
        "mean_time_to_restore": None,
    }


def test_csv_table_and_bad_input(office, db_url):
    out = office.ok("report", "kpi", "--month", "2026-10", "--format", "csv").out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [
        ["month", "engineer", "tickets", "average_score", "sla_met", "sla_met_percent", "mean_time_to_restore"],
        ["2026-10", "chen.jie", "0", "", "0", "", ""],
        ["2026-10", "li.na", "2", "4.0", "1", "50.0", "19800"],
        ["2026-10", "old.hand", "1", "5.0", "1", "100.0", "7200"],
        ["2026-10", "zhang.wei", "0", "", "0", "", ""],
        ["2026-10", "(total)", "3", "4.33", "2", "66.7", "15600"],
    ]
    table = office.ok("report", "kpi", "--month", "2026-10").out.splitlines()
    assert table[0] == "Staff KPIs for 2026-10 (Asia/Shanghai): tickets verified in the month"
    cells = [row.split() for row in table[1:] if row.strip() and not set(row.strip()) <= {"-", " "}]
    assert cells[1:] == [
        ["chen.jie", "0"],
        ["li.na", "2", "4.00", "50.0", "%", "5", "h", "30", "min"],
        ["old.hand", "1", "5.00", "100.0", "%", "2", "h"],
        ["zhang.wei", "0"],
        ["total", "3", "4.33", "66.7", "%", "4", "h", "20", "min"],
    ]
    before = counts(db_url)
    for args, named in [
        (("--month", "2026-13"), "'2026-13'"),
        (("--month", "soon"), "'soon'"),
        (("--month", "2026-1"), "'2026-1'"),
        (("--month", "2026-10", "--timezone", "Mars/Olympus"), "'Mars/Olympus'"),
    ]:
        result = office("report", "kpi", *args)
        assert result.code == 2, (args, result)
        assert named in result.err and len(result.err.strip().splitlines()) == 1, (args, result.err)
    missing = office("report", "kpi")
    assert missing.code == 2 and "--month" in missing.err
    assert counts(db_url) == before


def test_nothing_leads_out_of_verified():
    """The KPI query counts the verified_at range alone: that holds only while no move leaves verified or closed."""
    from dcmaint.domain.tickets import MOVES, TicketState

    counted = {TicketState.VERIFIED, TicketState.CLOSED}
    leaving = [
        action
        for action, (sources, target) in MOVES.items()
        if sources & counted and target is not None and target not in counted
    ]
    assert leaving == []
