"""`dcmaint customer` and `dcmaint visit` on both backends: the customer record, periodic visits, ticket follow-ups,
scores and complaints, and every bad input refused with one line and nothing written (docs/customers.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import audit, counts

T1 = "T-2026-000001"


@pytest.fixture
def desk(cli):
    cli.ok("site", "add", "hq", "--customer", "某市商业银行")
    cli.ok("site", "add", "dr", "--customer", "某市商业银行")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    cli.ok("staff", "add", "李娜", "--role", "desk")
    cli.ok("staff", "add", "陈经理", "--role", "pm")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    cli.ok("staff", "add", "wang.c", "--role", "centre")
    cli.ok(
        *("customer", "contact", "add", "hq", "王工", "--role", "信息科科长", "--phone", "138 0013 8000"),
        *("--email", "wang@bank.example.cn", "--channel", "wechat", "--hours", "Mon-Fri 08:30-17:30"),
    )
    return cli


def _closed_ticket(cli, closed: str = "2026-11-20T18:00") -> None:
    cli.ok("ticket", "new", "--site", "hq", "--description", "PSU 2 故障", "--device", "srv01", "--reported",
           "2026-11-20T08:00")  # fmt: skip
    for step in (
        ("assign", T1, "--to", "张伟", "--at", "2026-11-20T08:05"),
        ("start", T1, "--remote", "--at", "2026-11-20T08:10"),
        ("restore", T1, "--at", "2026-11-20T10:00"),
        ("fill", T1, "--actions", "更换 PSU 2", "--at", "2026-11-20T11:00"),
        ("sign", T1, "--by", "王工", "--score", "5", "--at", "2026-11-20T12:00"),
        ("verify", T1, "--by", "wang.c", "--at", "2026-11-20T13:00"),
        ("close", T1, "--at", closed),
    ):
        cli.ok("ticket", *step)


def test_the_customer_record_holds_contacts_and_preferences(desk, db_url):
    desk.ok("customer", "set", "hq", "--language", "ZH", "--report-format", "pdf", "--followup-within", "48h",
            "--notes", "每月初电话回访")  # fmt: skip
    record = desk.ok("customer", "show", "hq", "-f", "json").json()
    assert record["preferences"] == {
        "site": "hq",
        "customer": "某市商业银行",
        "language": "zh",
        "report_format": "pdf",
        "followup_within": "2d",
        "complaint_within": "3d",  # the default
        "notes": "每月初电话回访",
    }
    assert record["contacts"] == [
        {
            "site": "hq",
            "name": "王工",
            "role": "信息科科长",
            "phone": "138 0013 8000",
            "email": "wang@bank.example.cn",
            "channel": "wechat",
            "hours": "mon-fri 08:30-17:30",
        }
    ]
    assert record["plan"] is None and record["scores"]["count"] == 0 and record["scores"]["average"] is None
    desk.ok("customer", "set", "hq", "--complaint-within", "1d")  # one preference: the others stay
    prefs = desk.ok("customer", "show", "hq", "-f", "json").json()["preferences"]
    assert (prefs["complaint_within"], prefs["language"]) == ("1d", "zh")
    desk.ok("customer", "contact", "remove", "hq", "王工")
    assert desk.ok("customer", "show", "hq", "-f", "json").json()["contacts"] == []
    assert [(e.entity_key, e.after) for e in audit(db_url) if e.entity == "contact"][-1] == ("hq/王工", None)
    actions = [(e.entity, e.action) for e in audit(db_url) if e.entity in ("customer", "contact")]
    assert actions == [("contact", "add"), ("customer", "set"), ("customer", "set"), ("contact", "remove")]
    table = desk.ok("customer", "show", "hq").out
    assert "Report language" in table and "Visit plan" in table and "none" in table


def test_periodic_visits_fall_due_and_a_visit_moves_them_on(desk, db_url):
    desk.ok("visit", "plan", "--site", "hq", "--every", "1mo", "--channel", "phone")
    assert desk("visit", "due").code == 0  # planned today: due in a month
    soon = desk.ok("visit", "due", "--within", "40d", "-f", "json").json()
    assert [(d["site"], d["kind"], d["subject"], d["state"]) for d in soon] == [("hq", "visit", "phone", "due")]
    logged = desk.ok("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone", "--contact", "王工",
                     "--score", "4", "--note", "运行正常", "-f", "json").json()  # fmt: skip
    assert (logged["kind"], logged["ticket"], logged["complaint"]) == ("periodic", None, None)
    plan = desk.ok("customer", "show", "hq", "-f", "json").json()["plan"]
    last = datetime.fromisoformat(plan["last_visit"])
    assert datetime.fromisoformat(plan["next_due"]) - last >= timedelta(days=28)
    desk.ok("visit", "plan", "--site", "hq", "--every", "2w")  # the channel stays
    plan = desk.ok("customer", "show", "hq", "-f", "json").json()["plan"]
    assert (plan["every"], plan["channel"]) == ("2w", "phone")
    assert datetime.fromisoformat(plan["next_due"]) - last == timedelta(weeks=2)
    desk.ok("visit", "plan", "--site", "hq", "--stop")
    assert desk.ok("customer", "show", "hq", "-f", "json").json()["plan"] is None
    assert [e.action for e in audit(db_url) if e.entity == "visit-plan"] == ["set", "change", "stop"]


def test_an_overdue_periodic_visit_exits_1(desk, db_url):
    since = (datetime.now(UTC) - timedelta(days=14)).date().isoformat()
    desk.ok("visit", "plan", "--site", "dr", "--every", "1w", "--channel", "onsite", "--since", since)
    result = desk("visit", "due", "--site", "dr")
    assert result.code == 1 and "overdue" in result.out and "onsite" in result.out
    assert desk("visit", "due", "--site", "hq").code == 0
    desk.ok("visit", "log", "--site", "dr", "--by", "李娜", "--channel", "onsite")
    assert desk("visit", "due", "--site", "dr").code == 0  # the visit moved it on a week
    stop = desk("visit", "plan", "--site", "dr", "--stop", "--since", since)
    assert stop.code == 2 and "--since go with --every" in stop.err


def test_a_follow_up_visit_after_a_ticket_is_the_ticket_s_follow_up_too(desk, db_url):
    _closed_ticket(desk)
    owed = desk("visit", "due", "-f", "json")
    assert owed.code == 1  # closed 20 November, 7 days to follow up: overdue
    assert [(d["kind"], d["subject"], d["state"], d["due"]) for d in owed.json()] == [
        ("followup", T1, "overdue", "2026-11-27T10:00:00+00:00")
    ]
    desk.ok("visit", "log", "--site", "hq", "--by", "陈经理", "--channel", "onsite", "--ticket", T1.lower(),
            "--contact", "王工", "--score", "5", "--note", "电源更换后运行正常",
            "--at", "2026-11-22T10:00")  # fmt: skip
    assert desk("visit", "due").code == 0
    events = desk.ok("ticket", "show", T1, "-f", "json").json()["events"]
    assert (events[-1]["kind"], events[-1]["reason"], events[-1]["note"]) == ("followup", "visit", "电源更换后运行正常")
    visits = desk.ok("visit", "list", "--ticket", T1, "-f", "json").json()
    assert [(v["kind"], v["ticket"], v["score"], v["by"], v["at"]) for v in visits] == [
        ("followup", T1, 5, "陈经理", "2026-11-22T02:00:00+00:00")
    ]
    desk.ok("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone", "--score", "3",
            "--at", "2026-11-25T10:00")  # fmt: skip
    scores = desk.ok("customer", "show", "hq", "--from", "2026-11-01", "--to", "2026-12-01", "-f", "json").json()
    assert (scores["scores"]["count"], scores["scores"]["average"]) == (2, 4.0)
    assert scores["scores"]["by_ticket"] == {T1: 5.0}
    narrower = desk.ok("customer", "show", "hq", "--from", "2026-11-23", "-f", "json").json()["scores"]
    assert (narrower["count"], narrower["average"]) == (1, 3.0)
    kpi = desk.ok("report", "kpi", "--month", "2026-11", "-f", "json").json()  # the form's score, not the visits'
    assert [(e["engineer"], e["average_score"]) for e in kpi["engineers"]] == [("张伟", 5.0)]
    assert kpi["total"]["average_score"] == 5.0  # the visits' 5 and 3 are not the engineer's KPI


def test_a_ticket_follow_up_recorded_on_the_ticket_also_ends_what_is_owed(desk):
    _closed_ticket(desk)
    desk.ok("ticket", "followup", T1, "--note", "电话回访，运行正常")
    assert desk("visit", "due").code == 0


def test_complaints_are_open_until_resolved(desk, db_url):
    desk.ok("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone", "--score", "2",
            "--complaint", "工程师到场晚了", "--at", "2026-11-25T10:00")  # fmt: skip
    due = desk("visit", "due", "-f", "json")
    assert due.code == 1 and [(d["kind"], d["subject"], d["state"]) for d in due.json()] == [
        ("complaint", "1", "overdue")
    ]
    assert [v["complaint"] for v in desk.ok("visit", "list", "--complaints", "-f", "json").json()] == [1]
    before, chain = counts(db_url), audit(db_url)
    for argv, named in [
        (("--by", "nobody", "--resolution", "x"), "'nobody'"),
        (("--by", "李娜", "--resolution", "x", "--at", "2026-11-24T10:00"), "'2026-11-24T10:00' is before"),
        (("--by", "李娜", "--resolution", "x", "--at", "2099-01-01"), "'2099-01-01' is in the future"),
    ]:
        result = desk("visit", "complaint", "resolve", "1", *argv)
        assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1, result
    assert desk("visit", "complaint", "resolve", "9", "--by", "李娜", "--resolution", "x").code == 2
    assert counts(db_url) == before and audit(db_url) == chain
    desk.ok("visit", "complaint", "resolve", "1", "--by", "陈经理", "--resolution", "已致歉并调整排班",
            "--at", "2026-11-26T09:00")  # fmt: skip
    assert desk("visit", "due").code == 0
    [complaint] = desk.ok("visit", "complaint", "list", "-f", "json").json()
    assert (complaint["state"], complaint["resolved_by"], complaint["resolution"], complaint["due"]) == (
        "resolved",
        "陈经理",
        "已致歉并调整排班",
        None,
    )
    again = desk("visit", "complaint", "resolve", "1", "--by", "李娜", "--resolution", "again")
    assert again.code == 2 and "already resolved (by 陈经理)" in again.err
    assert [e.action for e in audit(db_url) if e.entity == "complaint"] == ["raise", "resolve"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("customer", "contact", "add", "hq", "李四", "--phone", "call me"), "'call me'"),
        (("customer", "contact", "add", "hq", "李四", "--email", "li\x1b@x.cn"), "--email"),
        (("customer", "contact", "add", "hq", "李四", "--email", "li.x.cn"), "'li.x.cn'"),
        (("customer", "contact", "add", "hq", "李四", "--phone", "138001", "--hours", "18:00-09:00"), "18:00-09:00"),
        (("customer", "contact", "add", "hq", "李四", "--phone", "13800138000", "--channel", "fax"), "'fax'"),
        (("customer", "contact", "add", "hq", "李四"), "needs a --phone or an --email"),
        (("customer", "contact", "add", "hq", "李四", "--phone", "13800138000", "--channel", "email"), "e-mail"),
        (("customer", "contact", "add", "hq", "王工", "--phone", "13800138000"), "already exists"),
        (("customer", "contact", "add", "nowhere", "李四", "--phone", "13800138000"), "'nowhere'"),
        (("customer", "contact", "remove", "hq", "李四"), "'李四'"),
        (("customer", "set", "hq"), "nothing to set"),
        (("customer", "set", "hq", "--language", "fr"), "'fr'"),
        (("customer", "set", "hq", "--followup-within", "90d"), "'90d'"),
        (("customer", "show", "nowhere"), "'nowhere'"),
        (("visit", "plan", "--site", "hq", "--every", "2y"), "'2y'"),
        (("visit", "plan", "--site", "hq"), "--every or --stop"),
        (("visit", "plan", "--site", "hq", "--stop"), "no visit plan"),
        (("visit", "log", "--site", "hq", "--by", "张伟", "--channel", "phone"), "张伟 is engineer"),
        (("visit", "log", "--site", "hq", "--by", "ghost", "--channel", "phone"), "'ghost'"),
        (("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "pigeon"), "'pigeon'"),
        (("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone", "--contact", "李四"), "'李四'"),
        (("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone", "--score", "6"), "'6'"),
        (("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone", "--ticket", "T-2026-999999"), "999999"),
        (("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone", "--at", "2099-01-01"), "future"),
        (("visit", "log", "--site", "nowhere", "--by", "李娜", "--channel", "phone"), "'nowhere'"),
        (("visit", "list", "--site", "nowhere"), "'nowhere'"),
        (("visit", "due", "--within", "500d"), "'500d'"),
    ],
)
def test_bad_input_is_one_line_naming_it_and_writes_nothing(desk, db_url, argv, named):
    before, chain = counts(db_url), audit(db_url)
    result = desk(*argv)
    lines = result.err.strip().splitlines()
    assert result.code == 2 and len(lines) == 1 and named in lines[0], result
    assert "\x1b" not in lines[0]
    assert counts(db_url) == before and audit(db_url) == chain


def test_a_follow_up_needs_a_ticket_of_the_site_that_is_restored(desk, db_url):
    desk.ok("ticket", "new", "--site", "hq", "--description", "风扇告警", "--device", "srv01")
    before, chain = counts(db_url), audit(db_url)
    early = desk("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone", "--ticket", T1)
    assert early.code == 2 and "followup" in early.err and len(early.err.strip().splitlines()) == 1
    other = desk("visit", "log", "--site", "dr", "--by", "李娜", "--channel", "phone", "--ticket", T1)
    assert other.code == 2 and "is of site hq, not dr" in other.err
    assert counts(db_url) == before and audit(db_url) == chain
    desk.ok("staff", "edit", "李娜", "--inactive")
    before, chain = counts(db_url), audit(db_url)
    gone = desk("visit", "log", "--site", "hq", "--by", "李娜", "--channel", "phone")
    assert gone.code == 2 and "no longer active" in gone.err
    assert counts(db_url) == before and audit(db_url) == chain
