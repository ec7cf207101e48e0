"""`dcmaint roster`: rotations, overrides, leave, who is on duty, checks; on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest

from dcmaint.store.reader import open_reader
from dcmaint.store.urls import parse
from tests.helpers import counts

ROSTER_TABLES = (
    "roster_rotations",
    "roster_members",
    "roster_overrides",
    "staff_leave",
    "holiday_rosters",
    "holiday_duties",
)


def all_counts(db_url: str) -> dict[str, int]:
    found = counts(db_url)
    with open_reader(parse(db_url)) as reader:
        for table in ROSTER_TABLES:
            found[table] = reader.one(f"SELECT count(*) AS n FROM {table}")["n"]
    return found


@pytest.fixture
def team(cli):
    cli.ok("site", "add", "bj", "--customer", "某市商业银行", "--timezone", "Asia/Shanghai")
    cli.ok("site", "add", "fra", "--customer", "Bank Frankfurt", "--timezone", "Europe/Berlin")
    for name, phone in (("li.na", "13800000001"), ("wang.wu", "13800000002"), ("zhang.san", "13800000003")):
        cli.ok("staff", "add", name, "--role", "engineer", "--phone", phone)
    cli.ok("staff", "add", "zhao.liu", "--role", "engineer")
    cli.ok("staff", "add", "old.hand", "--role", "engineer")
    cli.ok("staff", "edit", "old.hand", "--inactive")
    cli.ok("roster", "add", "bj-7x24", "--site", "bj", "--engineers", "li.na,wang.wu,zhang.san", "--from", "2026-03-01")
    return cli


def test_who_is_on_duty_with_phones(team):
    data = team.ok("roster", "who", "--site", "bj", "--at", "2026-03-01T10:00", "-f", "json").json()
    assert data == [
        {
            "site": "bj",
            "at": "2026-03-01T10:00+08:00",
            "primary": "li.na",
            "primary_phone": "13800000001",
            "secondary": "wang.wu",
            "secondary_phone": "13800000002",
            "until": "2026-03-02T09:00+08:00",
            "covering": None,
        }
    ]
    table = team.ok("roster", "who", "--site", "bj", "--at", "2026-03-02T09:00").out
    assert "wang.wu" in table and "13800000002" in table


def test_who_exits_1_when_nobody_is_on_duty(team):
    result = team("roster", "who", "--site", "bj", "--at", "2026-02-28T10:00")
    assert result.code == 1
    assert "nobody is on duty at bj" in result.err
    assert team("roster", "who", "--site", "fra").code == 1  # a site without any rotation


def test_override_swap_and_leave_change_who_and_check(team, db_url):
    team.ok(
        "roster", "override", "--site", "bj", "--by", "zhao.liu", "--for", "li.na",
        "--from", "2026-03-01T12:00", "--to", "2026-03-01T18:00", "--note", "李娜去医院",
    )  # fmt: skip
    assert team.ok("roster", "who", "--site", "bj", "--at", "2026-03-01T13:00", "-f", "json").json()[0]["primary"] == (
        "zhao.liu"
    )
    team.ok(
        "roster", "override", "--site", "bj", "--by", "zhang.san", "--for", "wang.wu",
        "--from", "2026-03-02T09:00", "--to", "2026-03-03T09:00",
        "--swap-from", "2026-03-03T09:00", "--swap-to", "2026-03-04T09:00",
    )  # fmt: skip
    assert team.ok("roster", "who", "--site", "bj", "--at", "2026-03-02T10:00", "-f", "json").json()[0]["primary"] == (
        "zhang.san"
    )
    assert team.ok("roster", "who", "--site", "bj", "--at", "2026-03-03T10:00", "-f", "json").json()[0]["primary"] == (
        "wang.wu"
    )
    shown = team.ok("roster", "show", "bj-7x24", "-f", "json").json()
    assert shown["engineers"] == ["li.na", "wang.wu", "zhang.san"]
    # The swap puts zhang.san on duty twice on the 2nd (primary for wang.wu, and their own secondary turn).
    result = team(
        "roster", "check", "--site", "bj", "--from", "2026-03-01T09:00", "--to", "2026-03-05T09:00", "-f", "json"
    )
    assert result.code == 1
    assert {p["kind"] for p in result.json()} >= {"double"}
    team.ok("roster", "leave", "li.na", "--from", "2026-03-04", "--to", "2026-03-04", "--note", "年假")
    result = team(
        "roster", "check", "--site", "bj", "--from", "2026-03-04T09:00", "--to", "2026-03-05T09:00", "-f", "json"
    )
    assert [(p["kind"], p["engineer"]) for p in result.json()] == [("leave", "li.na")]


def test_a_full_roster_checks_clean_and_a_gap_is_found(team):
    ok = team.ok("roster", "check", "--site", "bj", "--from", "2026-03-01T09:00", "--to", "2026-03-29T09:00")
    assert "no problem" in ok.out
    result = team(
        "roster", "check", "--site", "bj", "--from", "2026-02-28T09:00", "--to", "2026-03-02T09:00", "-f", "json"
    )
    assert result.code == 1
    assert result.json() == [
        {
            "kind": "gap",
            "site": "bj",
            "start": "2026-02-28T09:00+08:00",
            "end": "2026-03-01T09:00+08:00",
            "engineer": None,
            "detail": "",
        }
    ]


def test_stretch_over_the_configured_maximum(team):
    team.ok(
        "roster", "override", "--site", "bj", "--by", "li.na", "--for", "wang.wu",
        "--from", "2026-03-02T09:00", "--to", "2026-03-03T09:00",
    )  # fmt: skip
    result = team(
        "roster", "check", "--site", "bj", "--from", "2026-03-01T09:00", "--to", "2026-03-04T09:00", "-f", "json"
    )
    assert ("stretch", "li.na") in {(p["kind"], p["engineer"]) for p in result.json()}
    relaxed = team(
        "roster", "check", "--site", "bj", "--from", "2026-03-01T09:00", "--to", "2026-03-04T09:00",
        "--max-stretch", "48h", "-f", "json",
    )  # fmt: skip
    assert "stretch" not in {p["kind"] for p in relaxed.json()}


def test_list_and_audit(team):
    rows = team.ok("roster", "list", "-f", "json").json()
    assert [(r["name"], r["site"], r["period"], r["handover"]) for r in rows] == [("bj-7x24", "bj", "daily", "09:00")]
    assert "rotation" in team.ok("audit", "list", "-f", "json").out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("roster", "add", "x", "--site", "bj", "--engineers", "li.na,nobody", "--from", "2026-03-01"), "nobody"),
        (("roster", "add", "x", "--site", "bj", "--engineers", "old.hand", "--from", "2026-03-01"), "inactive"),
        (("roster", "add", "x", "--site", "nowhere", "--engineers", "li.na", "--from", "2026-03-01"), "nowhere"),
        (
            (
                "roster",
                "add",
                "x",
                "--site",
                "bj",
                "--engineers",
                "li.na",
                "--from",
                "2026-03-01",
                "--to",
                "2026-02-01",
            ),
            "before it starts",
        ),
        (
            (
                "roster",
                "add",
                "x",
                "--site",
                "bj",
                "--engineers",
                "li.na",
                "--from",
                "2026-03-01",
                "--handover",
                "25:00",
            ),
            "25:00",
        ),
        (
            (
                "roster",
                "add",
                "x",
                "--site",
                "bj",
                "--engineers",
                "li.na",
                "--from",
                "2026-03-01",
                "--period",
                "monthly",
            ),
            "monthly",
        ),
        (("roster", "add", "bj-7x24", "--site", "bj", "--engineers", "li.na", "--from", "2026-03-01"), "already"),
        (
            (
                "roster",
                "override",
                "--site",
                "bj",
                "--by",
                "ghost",
                "--for",
                "li.na",
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-02",
            ),
            "ghost",
        ),
        (
            (
                "roster",
                "override",
                "--site",
                "bj",
                "--by",
                "zhao.liu",
                "--for",
                "li.na",
                "--from",
                "2026-03-02",
                "--to",
                "2026-03-01",
            ),
            "before it starts",
        ),
        (("roster", "leave", "ghost", "--from", "2026-03-01", "--to", "2026-03-02"), "ghost"),
        (("roster", "leave", "li.na", "--from", "2026-03-05", "--to", "2026-03-01"), "before it starts"),
        (("roster", "check", "--site", "bj", "--from", "2026-03-05", "--to", "2026-03-01"), "before it starts"),
        (("roster", "who", "--site", "bj", "--at", "yesterday"), "yesterday"),
        (("roster", "check", "--max-stretch", "forever"), "forever"),
    ],
)
def test_bad_input_exit_2_one_line_nothing_changed(team, db_url, args, message):
    before = all_counts(db_url)
    result = team(*args)
    assert result.code == 2, result.err
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert all_counts(db_url) == before


def test_ticket_assign_without_to_takes_the_primary_on_duty(team, db_url):
    team.ok("device", "add", "srv01", "--site", "bj", "--kind", "server")
    out = team.ok(
        "ticket",
        "new",
        "--site",
        "bj",
        "--description",
        "PSU 故障",
        "--device",
        "srv01",
        "--reported",
        "2026-03-02T08:00",
    ).out
    ref = out.split(":")[0]
    assert "on duty at bj" in out  # now: the rotation is open-ended, so somebody is
    result = team.ok("ticket", "assign", ref, "--at", "2026-03-02T08:30")
    assert "assigned to li.na, the primary on duty" in result.out  # 08:30 is still the 1st's turn (09:00 hand-over)
    assert team.ok("ticket", "show", ref, "-f", "json").json()["assignee"] == "li.na"
    team.ok("ticket", "assign", ref, "--at", "2026-03-02T09:30")
    assert team.ok("ticket", "show", ref, "-f", "json").json()["assignee"] == "wang.wu"


def test_ticket_assign_with_nobody_on_duty_changes_nothing(team, db_url):
    team.ok("device", "add", "fw01", "--site", "fra", "--kind", "network")
    ref = team.ok("ticket", "new", "--site", "fra", "--description", "fan", "--device", "fw01").out.split(":")[0]
    before = all_counts(db_url)
    result = team("ticket", "assign", ref)
    assert result.code == 1
    assert "nobody is on duty at fra" in result.err and len(result.err.strip().splitlines()) == 1
    assert all_counts(db_url) == before
    assert team.ok("ticket", "show", ref, "-f", "json").json()["assignee"] is None


@pytest.fixture
def six(cli):
    cli.ok("site", "add", "bj", "--customer", "某市商业银行", "--timezone", "Asia/Shanghai")
    names = ("li.na", "wang.wu", "zhang.san", "zhao.liu", "qian.qi", "sun.ba")
    for i, name in enumerate(names):
        cli.ok("staff", "add", name, "--role", "engineer", "--phone", f"1390000000{i}")
    cli.ok("roster", "add", "bj-7x24", "--site", "bj", "--engineers", ",".join(names), "--from", "2026-01-01")
    return cli


def test_national_day_2026_roster_with_its_makeup_workdays(six):
    data = six.ok("roster", "holiday", "--site", "bj", "--holiday", "国庆节", "--year", "2026", "-f", "json").json()
    assert data["holiday"] == "national-day"
    assert [d["day"] for d in data["duties"]] == [f"2026-10-0{i}" for i in range(1, 8)]
    assert data["makeup_days"] == ["2026-09-20", "2026-10-10"]
    assert data["publish_by"] == "2026-09-24T00:00+08:00"
    counts = {}
    for duty in data["duties"]:
        assert duty["primary"] != duty["secondary"] and duty["primary_phone"].startswith("139")
        for name in (duty["primary"], duty["secondary"]):
            counts[name] = counts.get(name, 0) + 1
    assert sorted(counts.values()) == [2, 2, 2, 2, 3, 3]
    table = six.ok("roster", "holiday", "--site", "bj", "--holiday", "National Day", "--year", "2026").out
    assert "make-up workday" in table and "2026-09-20" in table and "2026-10-10" in table


def test_spring_festival_2026_and_fairness_across_holidays(six, db_url):
    spring = six.ok("roster", "holiday", "--site", "bj", "--holiday", "Spring Festival", "--year", "2026", "-f", "json")
    data = spring.json()
    assert data["duties"][0]["day"] == "2026-02-15" and len(data["duties"]) == 9
    assert data["makeup_days"] == ["2026-02-14", "2026-02-28"]
    labour = six.ok("roster", "holiday", "--site", "bj", "--holiday", "劳动节", "--year", "2026", "-f", "json").json()
    national = six.ok("roster", "holiday", "--site", "bj", "--holiday", "national-day", "--year", "2026", "-f", "json")
    counts: dict[str, int] = {}
    for roster in (data, labour, national.json()):
        for duty in roster["duties"]:
            for name in (duty["primary"], duty["secondary"]):
                counts[name] = counts.get(name, 0) + 1
    assert sum(counts.values()) == 2 * (9 + 5 + 7)
    assert max(counts.values()) - min(counts.values()) <= 1


def test_leave_is_respected_and_nobody_runs_too_long(six):
    six.ok("roster", "leave", "li.na", "--from", "2026-09-30", "--to", "2026-10-08")
    data = six.ok(
        "roster", "holiday", "--site", "bj", "--holiday", "National Day", "--year", "2026", "--most-running", "1",
        "-f", "json",
    ).json()  # fmt: skip
    days = {}
    for duty in data["duties"]:
        assert "li.na" not in (duty["primary"], duty["secondary"])
        for name in (duty["primary"], duty["secondary"]):
            days.setdefault(name, []).append(duty["day"])
    for dates in days.values():
        numbers = [int(d[-2:]) for d in dates]
        assert all(b - a > 1 for a, b in itertools.pairwise(numbers))


def test_publish_seven_days_before_is_on_time_six_days_23_hours_is_not(six, db_url):
    six.ok("roster", "holiday", "--site", "bj", "--holiday", "National Day", "--year", "2026")
    before = all_counts(db_url)
    late = six(
        "roster", "publish", "--site", "bj", "--holiday", "National Day", "--year", "2026", "--at", "2026-09-24T01:00"
    )
    assert late.code == 1
    assert "too late" in late.err and len(late.err.strip().splitlines()) == 1
    assert all_counts(db_url) == before
    ok = six.ok(
        "roster", "publish", "--site", "bj", "--holiday", "National Day", "--year", "2026", "--at", "2026-09-24T00:00"
    )
    assert "published 2026-09-24T00:00+08:00" in ok.out
    # Once published, it stays as the customer has it.
    again = six("roster", "holiday", "--site", "bj", "--holiday", "National Day", "--year", "2026")
    assert again.code == 2 and "published already" in again.err


def test_a_late_roster_needs_a_recorded_reason(six, db_url):
    six.ok("roster", "holiday", "--site", "bj", "--holiday", "Mid-Autumn", "--year", "2026")
    result = six.ok(
        "roster", "publish", "--site", "bj", "--holiday", "中秋", "--year", "2026", "--at", "2026-09-20T10:00",
        "--late-reason", "客户调整了值班联系人",
    )  # fmt: skip
    assert "late: 客户调整了值班联系人" in result.out
    assert "客户调整了值班联系人" in six.ok("audit", "list", "-f", "json").out


def test_a_range_of_days_instead_of_a_holiday(six):
    data = six.ok(
        "roster", "holiday", "--site", "bj", "--from", "2026-10-01", "--to", "2026-10-10", "-f", "json"
    ).json()
    assert [d["day"] for d in data["duties"]] == [f"2026-10-0{i}" for i in range(1, 8)]
    assert data["makeup_days"] == ["2026-10-10"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--holiday", "Christmas", "--year", "2026"), "Christmas"),
        (("--holiday", "National Day", "--year", "2027"), "2027"),
        (("--holiday", "National Day"), "--year"),
        (("--from", "2026-10-07", "--to", "2026-10-01"), "before it starts"),
        (("--holiday", "National Day", "--year", "2026", "--team", "li.na,ghost"), "ghost"),
        (("--holiday", "National Day", "--year", "2026", "--most-running", "0"), "--most-running"),
    ],
)
def test_holiday_bad_input_exit_2_nothing_changed(six, db_url, args, message):
    before = all_counts(db_url)
    result = six("roster", "holiday", "--site", "bj", *args)
    assert result.code == 2, result.err
    assert message in result.err and len(result.err.strip().splitlines()) == 1
    assert all_counts(db_url) == before


def test_publishing_a_roster_never_made_is_bad_input(six, db_url):
    before = all_counts(db_url)
    result = six("roster", "publish", "--site", "bj", "--holiday", "Qingming", "--year", "2026", "--at", "2026-03-01")
    assert result.code == 2 and "roster holiday" in result.err
    assert all_counts(db_url) == before


def test_ical_per_engineer_and_per_site_parses_back(team, tmp_path):
    from icalendar import Calendar

    team.ok(
        "roster", "override", "--site", "bj", "--by", "zhao.liu", "--for", "li.na",
        "--from", "2026-03-01T12:00", "--to", "2026-03-01T18:00",
    )  # fmt: skip
    site_file = tmp_path / "bj.ics"
    team.ok(
        "roster", "export", "--site", "bj", "--from", "2026-03-01T09:00", "--to", "2026-03-04T09:00", "-o", site_file
    )
    events = list(Calendar.from_ical(site_file.read_bytes()).walk("VEVENT"))
    primaries = sorted(
        (e.decoded("dtstart"), str(e["summary"])) for e in events if str(e["summary"]).startswith("primary")
    )
    assert len(primaries) == 5  # li.na split by zhao.liu's override, then wang.wu and zhang.san
    assert [s.split(": ")[1] for _t, s in primaries] == ["li.na", "zhao.liu", "li.na", "wang.wu", "zhang.san"]
    first = min(events, key=lambda e: e.decoded("dtstart"))
    assert first.decoded("dtstart").isoformat() == "2026-03-01T01:00:00+00:00"  # 09:00 in Beijing
    assert "13800000001" in str(first["description"])
    assert len({str(e["uid"]) for e in events}) == len(events)

    out = team.ok(
        "roster", "export", "--engineer", "zhao.liu", "--from", "2026-03-01", "--to", "2026-03-02", "-o", "-"
    ).out
    mine = list(Calendar.from_ical(out).walk("VEVENT"))
    assert len(mine) == 1
    assert "covering li.na" in str(mine[0]["description"])
    assert (mine[0].decoded("dtend") - mine[0].decoded("dtstart")).total_seconds() == 6 * 3600


def test_holiday_days_are_all_day_events_in_the_engineer_calendar(six):
    from icalendar import Calendar

    data = six.ok(
        "roster", "holiday", "--site", "bj", "--holiday", "Dragon Boat", "--year", "2026", "-f", "json"
    ).json()
    who = data["duties"][0]["primary"]
    out = six.ok("roster", "export", "--engineer", who, "--from", "2026-06-19", "--to", "2026-06-20", "-o", "-").out
    days = [e for e in Calendar.from_ical(out).walk("VEVENT") if "Holiday duty" in str(e["summary"])]
    assert [str(e.decoded("dtstart")) for e in days] == ["2026-06-19"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_customer_document_in_both_languages(six, tmp_path, lang):
    six.ok("roster", "holiday", "--site", "bj", "--holiday", "National Day", "--year", "2026")
    six.ok(
        "roster", "publish", "--site", "bj", "--holiday", "National Day", "--year", "2026", "--at", "2026-09-28T10:00",
        "--late-reason", "客户要求更换联系人",
    )  # fmt: skip
    md = six.ok("roster", "sheet", "--site", "bj", "--holiday", "National Day", "--year", "2026", "-f", "md",
                "--lang", lang, "-o", "-").out  # fmt: skip
    assert ("节假日值班表" if lang == "zh" else "Holiday duty roster") in md
    assert "2026-09-20" in md and "2026-10-10" in md and "13900000000" in md
    assert "客户要求更换联系人" in md
    html = tmp_path / "roster.html"
    six.ok("roster", "sheet", "--site", "bj", "--holiday", "国庆节", "--year", "2026", "-f", "html", "--lang", lang,
           "-o", html)  # fmt: skip
    assert "2026-10-07" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "roster.pdf"
    six.ok("roster", "sheet", "--site", "bj", "--holiday", "国庆节", "--year", "2026", "--lang", lang, "-o", pdf)
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "2026-10-01" in text


def test_document_words_have_the_same_keys_in_both_languages():
    from dcmaint.forms.holiday_roster import WORDS

    assert set(WORDS["zh"]) == set(WORDS["en"])


def test_export_bad_input(team, db_url):
    before = all_counts(db_url)
    for args, message in (
        (("--site", "bj", "--from", "2026-03-05", "--to", "2026-03-01"), "before it starts"),
        (("--engineer", "ghost", "--from", "2026-03-01", "--to", "2026-03-05"), "ghost"),
        (("--from", "2026-03-01", "--to", "2026-03-05"), "--site or --engineer"),
    ):
        result = team("roster", "export", *args, "-o", "-")
        assert result.code == 2 and message in result.err, result.err
    assert all_counts(db_url) == before


def test_who_on_a_holiday_is_the_holiday_roster(six):
    data = six.ok("roster", "holiday", "--site", "bj", "--holiday", "国庆节", "--year", "2026", "-f", "json").json()
    third = next(d for d in data["duties"] if d["day"] == "2026-10-03")
    who = six.ok("roster", "who", "--site", "bj", "--at", "2026-10-03T15:00", "-f", "json").json()[0]
    assert (who["primary"], who["secondary"]) == (third["primary"], third["secondary"])
    assert who["until"] == "2026-10-04T00:00+08:00"
    problems = six(
        "roster", "check", "--site", "bj", "--from", "2026-09-30T09:00", "--to", "2026-10-09T09:00",
        "--max-stretch", "3d", "-f", "json",
    )  # fmt: skip
    assert [p for p in problems.json() if p["kind"] in ("gap", "overlap")] == []


def test_end_a_rotation_for_a_team_change(team, db_url):
    team.ok("roster", "add", "bj-new", "--site", "bj", "--engineers", "zhao.liu,li.na", "--from", "2026-04-01")
    overlap = team("roster", "check", "--site", "bj", "--from", "2026-04-01T09:00", "--to", "2026-04-02T09:00")
    assert overlap.code == 1 and "overlap" in overlap.out
    ended = team.ok("roster", "end", "bj-7x24", "--on", "2026-04-01", "-f", "json").json()
    assert ended["ends_on"] == "2026-04-01"
    team.ok("roster", "check", "--site", "bj", "--from", "2026-03-25T09:00", "--to", "2026-04-05T09:00")
    assert team.ok("roster", "who", "--site", "bj", "--at", "2026-04-01T10:00", "-f", "json").json()[0]["primary"] == (
        "zhao.liu"
    )
    before = all_counts(db_url)
    for args, message in (
        (("nothing", "--on", "2026-05-01"), "nothing"),
        (("bj-new", "--on", "2026-03-01"), "before it starts"),
        (("bj-new", "--on", "someday"), "someday"),
    ):
        result = team("roster", "end", *args)
        assert result.code == 2 and message in result.err and len(result.err.strip().splitlines()) == 1
    assert all_counts(db_url) == before
