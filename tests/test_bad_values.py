"""Every timeout, count, date, time and serial a command takes is checked before anything is written.

The command tree is walked (``full_app()``): each option or argument read by
one of dcmaint.domain.parse's parsers (``dcmaint.cli.checked.Checked``) gets
the bad values of its kind, and each must give one line naming the value,
exit 2, and no row or audit change, on both backends. A numeric option, or
one whose name says it is a time, a date or a serial, that is not checked
that way fails the walk, so a new option cannot slip past.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import typer
from typer._click.types import FloatParamType, IntParamType

from dcmaint.cli import advisory, backup, change, emergency, inspect, pm, report, rma, roster, spare_levels, ticket
from dcmaint.cli.checked import Checked, CheckedText, guard_text
from dcmaint.cli.main import full_app
from dcmaint.domain import backups, customers, parse, schedule, text
from tests.helpers import audit, counts
from tests.test_spares_swap import room  # noqa: F401  (the fixture: two servers whose PSU 2 failed)

T1 = "T-2026-000001"
R1 = "R-2026-000001"
HUGE = "99999999999999999999"  # more than a 64-bit integer (PostgreSQL's BIGINT) holds

#: Bad values per parser: every kind of value a command reads.
BAD: dict[Any, list[str]] = {
    parse.timeout: ["0", "-5", "nan", "inf", "3601", "soon", "", "1e309", HUGE],
    parse.count: ["0", "-3", "2.5", "1000001", "many", "", HUGE],
    parse.given_time: ["yesterday", "2026-02-30T10:00", "10:00 tomorrow", "", "99999-01-01"],
    parse.iso_datetime: ["last week", "2026-13-01", "", "99999-01-01T00:00"],
    parse.iso_date: ["2026-02-30", "03/02/2026", "", "99999-01-01"],
    parse.past_date: ["2026-13-01", "2099-01-01", ""],
    parse.serial: ["SN\x1b[31m1", "SN\n2", "\u200bSN3", " ", "", "SN\x00"],  # too long: tests/test_bad_input.py
    ticket._within: ["0m", "400d", "soon", "", HUGE + "d", "-1h"],
    ticket._time_spent: ["0m", "31d", "-1h", "", HUGE + "h"],
    ticket._score: ["0", "6", "five", "", HUGE, "-1"],
    report._month: ["2026-13", "soon", "", "99999-01"],
    spare_levels._fill_rate: ["0", "1", "1.5", "nan", "lots", "", "1e309", "-0.5"],
    pm._within: ["0d", "400d", "soon", "", HUGE + "d", "-1h"],
    pm._every: ["0d", "3m", "11y", "soon", "", HUGE + "d", "-1mo"],
    inspect._within: ["0m", "400d", "soon", "", HUGE + "d", "-1h"],
    inspect._frequency: ["sometimes", "every 0 days", "every 60 weeks", "", "daily"],
    parse.concurrency: ["0", "1025", "-1", "", HUGE],
    parse.workers: ["257", "-1", "", "2.5", HUGE],
    roster._stretch: ["0h", "32d", "-1h", "forever", "", HUGE + "h"],
    roster._days: ["0", "367", "week", "", HUGE, "-1"],
    roster._year: ["1999", "2101", "next", "", HUGE, "-2026"],
    roster._running: ["0", "32", "three", "", HUGE, "-1"],
    rma._number: ["no way!", "", "x" * 65, "RMA\x1b[31m", "#12"],
    rma._state: ["lost", "", "OPEN!", "closed,open"],
    advisory._severity: ["urgent", "", "CRIT", "0"],
    advisory._max_age: ["0d", "367d", "1mo", "soon", "", HUGE + "d", "-1d"],
    change._risk: ["none", "", "extreme", "3"],
    change._state: ["done", "", "approve", "open"],
    backup._result: ["fine", "", "0", "okay"],
    backups.schedule: ["nightly", "61 * * * *", "0 0 * * 8", "*/0 * * * *", "", "0h", HUGE + "d", "0 0 * *"],
    backups.retention: ["forever", "0 copies", "11y", "", HUGE + "d", "-3d", "30"],
    backups.restore_duration: ["0m", "8d", "-1h", "", HUGE + "h", "soon"],
    backups.objective_target: ["0m", "31d", "-4h", "", HUGE + "h", "four hours"],
    backups.achieved: ["-1h", "-0m", "31d", "soon", "", HUGE + "h"],
    backups.follow_up: ["张伟", "张伟,2027-02-30,x", "", ",2027-01-15,x", "张伟,2027-01-15,"],
    emergency._system: ["kitchen", "", "servers", "ROOM1"],
    emergency._result: ["fine", "", "passed", "0"],
    emergency._version: ["0", "-1", "two", "", HUGE, "1.5"],
    customers.channel: ["fax", "", "phone\x1b", "pigeon"],
    customers.language: ["fr", "", "chinese"],
    customers.report_format: ["docx", "", "pdf\x00"],
    customers.target: ["0d", "61d", "soon", "", HUGE + "d", "-1d"],
    customers.every: ["0d", "2y", "13mo", "monthly", "", HUGE + "d"],
    customers.hours: ["18:00-09:00", "25:00-26:00", "9-5", "", "09:00-17:00\x1b"],
    customers.phone: ["call me", "138\x0700", "", "+", "1" * 40],
    customers.email: ["li.x.cn", "li\x1b@x.cn", "", "a@b", "@x.cn"],
    schedule.interval: ["0s", "5s", "25h", "soon", "", "-5m", HUGE + "s"],
    schedule.jitter: ["soon", "", "-30s", "1x", HUGE + "s"],
    parse.listen_address: ["9464", "127.0.0.1:0", "127.0.0.1:65536", "::1:9464", "[::1]9464", "", "h:" + HUGE, "[x]:1"],
}
#: Bad values of plain text (dcmaint.domain.text): a name, serial or reference with a control character, empty or
#: too long; free text only empty or too long (its control characters are kept, escaped: tests/test_hostile_text.py).
TEXT_BAD: dict[Any, list[str]] = {
    text.identifier: ["", " ", "A\x1b[31mB", "x\x00y", "\x07", "名\u202e字", "z" * (text.LIMITS.identifier + 1)],
    text.free_text: ["", "  ", "y" * (text.LIMITS.free_text + 1)],
}

#: Valid arguments of each command that reads a checked value, so that only the bad value is wrong.
BASE: dict[tuple[str, ...], list[str]] = {
    ("site", "add"): ["new", "--customer", "B"],
    ("site", "edit"): ["hq"],
    ("device", "add"): ["srv02", "--site", "hq", "--kind", "server"],
    ("device", "edit"): ["srv01"],
    ("spare", "add"): ["--site", "hq", "--part", "865414-B21", "--serial", "NEW-9"],
    ("spare", "show"): [],
    ("spare", "reserve"): ["--ticket", T1],
    ("spare", "release"): [],
    ("spare", "levels"): ["--site", "hq"],
    ("spare", "match"): ["--device", "srv01"],
    ("spare", "swap"): ["--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--verify"],
    ("spare", "verify"): ["1"],
    ("spare", "handover"): ["--site", "hq", "--to", "王工"],
    ("spare", "consent", "add"): [
        *("--site", "hq", "--part", "865414-B21", "--substitute", "865408-B21", "--by", "李", "--document", "M-1")
    ],
    ("ticket", "new"): ["--site", "hq", "--description", "PSU 2 故障"],
    ("ticket", "list"): [],
    ("ticket", "assign"): [T1, "--to", "张伟"],
    ("ticket", "start"): [T1],
    ("ticket", "escalate"): [T1, "--reason", "需现场"],
    ("ticket", "pause"): [T1, "--reason", "downtime-window"],
    ("ticket", "resume"): [T1],
    ("ticket", "return-to-factory"): [T1, "--vendor", "HPE", "--reason", "返厂"],
    ("ticket", "restore"): [T1],
    ("ticket", "fill"): [T1, "--actions", "更换电源"],
    ("ticket", "sign"): [T1, "--by", "王工", "--score", "4"],
    ("ticket", "verify"): [T1],
    ("ticket", "close"): [T1],
    ("ticket", "followup"): [T1, "--note", "回访"],
    ("ticket", "note"): [T1, "备注"],
    ("report", "kpi"): ["--month", "2026-10"],
    ("report", "monthly"): ["--site", "hq", "--month", "2026-10", "--format", "md", "--output", "-"],
    ("pm", "due"): [],
    ("pm", "list"): [],
    ("pm", "history"): [],
    ("rma", "open"): ["--vendor", "HPE", "--device", "srv01"],
    ("rma", "ship"): [R1],
    ("rma", "receive"): [R1],
    ("rma", "loaner"): [R1, "--serial", "LN-1", "--model", "DL380"],
    ("rma", "swap-back"): [R1],
    ("rma", "close"): [R1],
    ("rma", "list"): [],
    ("rma", "show"): [R1],
    ("pm", "done"): ["hq/srv01/dust-removal", "--by", "张伟"],
    ("pm", "task", "list"): [],
    ("pm", "task", "interval"): ["dust-removal", "--site", "hq", "--every", "2mo"],
    ("inspect", "plan", "add"): ["--site", "hq", "--every", "monthly"],
    ("inspect", "plan", "list"): [],
    ("inspect", "plan", "show"): [],
    ("inspect", "due"): [],
    ("inspect", "run"): ["--site", "hq"],
    ("inspect", "list"): [],
    ("inspect", "show"): [],
    ("inspect", "report"): ["--output", "-"],
    ("roster", "add"): ["r1", "--site", "hq", "--engineers", "张伟", "--from", "2026-03-01"],
    ("roster", "check"): ["--site", "hq"],
    ("roster", "end"): ["r1", "--on", "2026-04-01"],
    ("roster", "export"): ["--site", "hq", "--from", "2026-03-01", "--to", "2026-03-02", "--output", "-"],
    ("roster", "holiday"): ["--site", "hq", "--holiday", "国庆节", "--year", "2026"],
    ("roster", "leave"): ["张伟", "--from", "2026-03-01", "--to", "2026-03-02"],
    ("roster", "list"): [],
    ("roster", "override"): [
        *("--site", "hq", "--by", "张伟", "--for", "张伟", "--from", "2026-03-01", "--to", "2026-03-02")
    ],
    ("roster", "publish"): ["--site", "hq", "--holiday", "国庆节", "--year", "2026"],
    ("roster", "sheet"): ["--site", "hq", "--holiday", "国庆节", "--year", "2026", "--output", "-"],
    ("roster", "show"): ["r1"],
    ("roster", "who"): [],
    ("backup", "policy", "add"): [
        *("erp-db", "--site", "hq", "--system", "ERP", "--tool", "Veeam", "--schedule", "@daily"),
        *("--retention", "30d", "--target", "NAS", "--owner", "张伟", "--verify-every", "3mo"),
    ],
    ("backup", "policy", "list"): [],
    ("backup", "policy", "show"): ["erp-db"],
    ("backup", "policy", "edit"): ["erp-db"],
    ("backup", "policy", "retire"): ["erp-db", "--reason", "下线"],
    ("backup", "verify"): ["erp-db", "--by", "张伟", "--result", "ok", "--restored", "ERP"],
    ("backup", "due"): [],
    ("backup", "drill", "plan"): [
        *("--site", "hq", "--system", "OA", "--scenario", "断电", "--rto", "1h", "--rpo", "1h", "--every", "1y")
    ],
    ("backup", "drill", "log"): [
        *("--plan", "1", "--by", "张伟", "--rto-achieved", "1h", "--rpo-achieved", "0m", "--result", "ok")
    ],
    ("backup", "drill", "edit"): ["1"],
    ("backup", "drill", "retire"): ["1", "--reason", "下线"],
    ("backup", "drill", "list"): [],
    ("backup", "drill", "show"): ["1"],
    ("backup", "drill", "done"): ["1"],
    ("backup", "drill", "record"): ["1", "--output", "-"],
    ("emergency", "add"): ["--site", "hq", "--template", "ups-on-battery"],
    ("emergency", "list"): [],
    ("emergency", "due"): [],
    ("emergency", "show"): ["hq/ups-on-battery"],
    ("emergency", "edit"): ["hq/ups-on-battery", "--template", "ups-on-battery"],
    ("emergency", "retire"): ["hq/ups-on-battery", "--reason", "UPS 更换"],
    ("emergency", "drill"): ["hq/ups-on-battery", "--result", "ok"],
    ("emergency", "print"): ["hq/ups-on-battery", "--format", "md", "--output", "-"],
    ("audit", "list"): [],
    ("archive", "set"): ["srv01"],
    ("archive", "diff"): ["srv01"],
    ("archive", "show"): ["srv01", "--output", "-"],
    ("archive", "snapshot"): ["srv01"],
    ("archive", "list"): ["srv01"],
    ("advisory", "import"): ["releases.toml"],
    ("advisory", "list"): [],
    ("advisory", "releases"): [],
    ("advisory", "signature-age"): ["--site", "hq", "--max", "3d"],
    ("change", "request"): [
        *("--device", "srv01", "--component", "iLO 5", "--version", "3.08", "--evaluation", "已评估", "--risk", "low"),
        *("--window-start", "2026-12-20T22:00", "--window-end", "2026-12-21T02:00", "--rollback-plan", "回退"),
        *("--by", "张伟"),
    ],
    ("change", "approve"): ["CR-1", "--by", "王工", "--reference", "BG-1"],
    ("change", "reject"): ["CR-1", "--by", "王工", "--reason", "封网"],
    ("change", "implement"): ["CR-1", "--by", "张伟"],
    ("change", "rollback"): ["CR-1", "--reason", "异常"],
    ("change", "list"): [],
    ("change", "show"): ["CR-1"],
    ("customer", "show"): ["hq"],
    ("customer", "set"): ["hq", "--notes", "x"],
    ("customer", "contact", "add"): ["hq", "王工", "--phone", "13800138000"],
    ("customer", "contact", "remove"): ["hq", "王工"],
    ("visit", "plan"): ["--site", "hq", "--every", "1mo"],
    ("visit", "log"): ["--site", "hq", "--by", "张伟", "--channel", "phone"],
    ("visit", "list"): [],
    ("visit", "due"): [],
    ("visit", "complaint", "list"): [],
    ("visit", "complaint", "resolve"): ["1", "--by", "张伟", "--resolution", "x"],
    ("record",): ["srv01", "--output", "."],
    ("collect",): ["--every", "5m", "--site", "hq", "--runs", "1"],
    ("serve-metrics",): [],  # a bad --listen or --site is refused before it listens
    # commands that read only plain text (TEXT_BAD): a bad value is refused as it is read, so these never run
    ("config", "set"): ["user.actor", "x"],
    ("db", "upgrade"): [],
    ("db", "grant"): ["li.wei", "--department", "customer", "--site", "hq"],
    ("db", "revoke"): ["li.wei", "--department", "desk"],
    ("device", "check-credential"): ["srv01"],
    ("device", "import"): ["devices.csv"],
    ("device", "list"): [],
    ("device", "remove"): ["srv01"],
    ("device", "show"): ["srv01"],
    ("plugin", "new"): ["acme", "--kind", "ups", "--protocol", "http", "--output", "dcmaint-acme"],
    ("site", "remove"): ["hq"],
    ("site", "show"): ["hq"],
    ("spare", "catalogue", "list"): [],
    ("spare", "catalogue", "show"): ["865414-B21"],
    ("spare", "consent", "list"): [],
    ("spare", "custody"): [],
    ("spare", "import"): ["stock.csv"],
    ("spare", "list"): [],
    ("spare", "swaps"): [],
    ("staff", "add"): ["wang", "--role", "desk"],
    ("staff", "edit"): ["张伟"],
    ("staff", "remove"): ["张伟"],
    ("staff", "show"): ["张伟"],
    ("ticket", "form"): [T1, "--output", "-"],
    ("ticket", "show"): [T1],
}

#: Commands outside the walk, and why.
NOT_WALKED = {
    ("health",): "its own errors exit 3 (a monitoring plugin); its options are checked by its own tests",
    ("sim",): "serves simulated devices and writes nothing to the store; simulator.check reads its options",
}
NAMED = {"--at", "--date", "--signed", "--received", "--reported", "--since", "--until", "--from", "--month"}
NAMED |= {"--time-spent", "--breaching-within", "--timeout", "--serial", "--spare", "--removed-serial", "serial"}


def commands() -> Iterator[tuple[tuple[str, ...], Any]]:
    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in sorted(subcommands.items()):
                yield from walk(sub, (*path, name))
        else:
            yield path, command

    yield from walk(guard_text(typer.main.get_command(full_app())), ())


def walked() -> list[tuple[tuple[str, ...], Any]]:
    return [(path, command) for path, command in commands() if path[:1] not in {p[:1] for p in NOT_WALKED}]


def checked_params() -> list[tuple[tuple[str, ...], str, bool, Any]]:
    """(command path, option or argument, is an option, parser) of every checked value."""
    return [
        (path, param.opts[0], param.param_type_name == "option", param.type.parser)
        for path, command in walked()
        for param in command.params
        if isinstance(param.type, Checked) and not isinstance(param.type, CheckedText)
    ]


def text_params() -> list[tuple[tuple[str, ...], list[tuple[str, bool, Any]]]]:
    """(command path, [(option or argument, is an option, parser)]) of every plain text value, by command."""
    found = [
        (
            path,
            [
                (p.opts[0], p.param_type_name == "option", p.type.parser)
                for p in command.params
                if isinstance(p.type, CheckedText)
            ],
        )
        for path, command in walked()
    ]
    return [(path, params) for path, params in found if params]


def test_every_number_time_date_and_serial_is_checked_as_it_is_read():
    unchecked = [
        f"{' '.join(path)} {param.opts[0]}"
        for path, command in walked()
        for param in command.params
        if not isinstance(param.type, Checked)
        and (isinstance(param.type, IntParamType | FloatParamType) or param.opts[0] in NAMED)
    ]
    assert unchecked == []
    ticket_list = dict(walked())[("ticket", "list")]
    assert isinstance(next(p for p in ticket_list.params if p.opts[0] == "--to").type, Checked)  # a time there


def test_every_checked_value_has_bad_values_and_its_command_valid_arguments():
    params = checked_params()
    assert {parser for *_, parser in params} <= set(BAD), "give the new parser's bad values in BAD"
    assert {path for path, *_ in params} <= set(BASE), "give the command's valid arguments in BASE"
    assert len(params) >= 40


@pytest.fixture
def shop(room):  # noqa: F811  (the fixture imported above)
    """The room of tests/test_spares_swap.py with a spare in stock and a ticket in progress on srv01."""
    cli, _scenario = room
    cli.ok("spare", "add", "--site", "hq", "--part", "865414-B21", "--serial", "NEW-1")
    cli.ok("ticket", "new", "--site", "hq", "--description", "PSU 2 故障", "--device", "srv01")
    cli.ok("ticket", "assign", T1, "--to", "张伟")
    cli.ok("ticket", "start", T1)
    return cli


def _argv(path: tuple[str, ...], name: str, option: bool, value: str) -> list[str]:
    if option:
        return [*path, *BASE[path], name, value]
    return [*path, value, *BASE[path]]


@pytest.mark.parametrize(
    ("path", "name", "option", "parser"),
    checked_params(),
    ids=[f"{' '.join(p)} {n}" for p, n, *_ in checked_params()],
)
def test_a_bad_value_is_one_line_naming_it_exit_2_and_writes_nothing(shop, db_url, path, name, option, parser):
    before, chain = counts(db_url), audit(db_url)
    for value in BAD[parser]:
        result = shop(*_argv(path, name, option, value))
        lines = result.err.strip().splitlines()
        assert result.code == 2 and result.out == "", (value, result)
        assert len(lines) == 1 and lines[0].startswith("dcmaint: error: "), (value, result.err)
        assert repr(value) in lines[0] or value.strip() in lines[0], (value, lines[0])
    assert counts(db_url) == before and audit(db_url) == chain


def test_a_negative_swap_timeout_does_not_commit_the_swap(shop, db_url):
    before, chain = counts(db_url), audit(db_url)
    result = shop(
        "spare", "swap", "--device", "srv01", "--slot", "PSU 2", "--spare", "NEW-1", "--verify", "--timeout", "-5"
    )
    assert result.code == 2 and "'-5'" in result.err and "--timeout" in result.err
    assert counts(db_url) == before and audit(db_url) == chain
    assert shop.ok("spare", "show", "NEW-1", "-f", "json").json()["status"] == "in_stock"


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["ticket", "note", T1, "x", "--at", "2099-01-01T08:00"], "--at '2099-01-01T08:00' is in the future"),
        (["ticket", "assign", T1, "--to", "张伟", "--at", "2026-01-01"], "--at '2026-01-01' is before"),
        (
            ["ticket", "new", "--site", "hq", "--description", "x", "--reported", "2099-01-01 08:00"],
            "'2099-01-01 08:00'",
        ),
        (
            ["spare", "add", "--site", "hq", "--part", "865414-B21", "--serial", "N-2", "--received", "2099-01-01"],
            "2099",
        ),
    ],
)
def test_a_time_ahead_or_before_the_last_step_is_refused_as_typed(shop, db_url, argv, named):
    before, chain = counts(db_url), audit(db_url)
    result = shop(*argv)
    assert result.code == 2 and named in result.err and len(result.err.strip().splitlines()) == 1, result
    assert counts(db_url) == before and audit(db_url) == chain


def test_a_time_minutes_ahead_is_clock_drift_not_the_future(shop):
    soon = (datetime.now(UTC) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M+00:00")
    shop.ok("ticket", "note", T1, "时钟略快", "--at", soon)


def test_signature_errors_name_the_file(shop, db_url, tmp_path):
    shop.ok("ticket", "restore", T1)
    shop.ok("ticket", "fill", T1, "--actions", "更换电源")
    text, big = tmp_path / "签字.png", tmp_path / "big.jpg"
    text.write_text("not an image", encoding="utf-8")
    big.write_bytes(b"\xff\xd8\xff" + bytes(3 * 1024 * 1024))
    before, chain = counts(db_url), audit(db_url)
    for file in (text, big, tmp_path / "missing.png"):
        result = shop("ticket", "sign", T1, "--by", "王工", "--score", "4", "--signature", str(file))
        assert result.code == 2 and file.name in result.err and len(result.err.strip().splitlines()) == 1, result
    assert counts(db_url) == before and audit(db_url) == chain


def test_a_device_serial_with_control_characters_is_refused_from_a_sheet_too(shop, db_url, tmp_path):
    sheet = tmp_path / "devices.csv"
    sheet.write_text('设备名称,类型,序列号\nsrv09,服务器,"AB\x07CD"\n', encoding="utf-8")
    before = counts(db_url)
    result = shop("device", "import", str(sheet), "--site", "hq")
    assert result.code == 2 and "AB\\x07CD" in result.err
    assert counts(db_url) == before


def test_every_plain_text_value_is_checked_and_its_command_has_valid_arguments():
    by_command = text_params()
    assert {parser for _path, params in by_command for *_, parser in params} == set(TEXT_BAD)
    assert {path for path, _params in by_command} <= set(BASE), "give the command's valid arguments in BASE"
    assert sum(len(params) for _path, params in by_command) >= 150


@pytest.mark.parametrize(("path", "params"), text_params(), ids=[" ".join(p) for p, _ in text_params()])
def test_hostile_text_is_one_line_naming_it_exit_2_and_writes_nothing(shop, db_url, path, params):
    """Every plain text option and argument of every command, fed empty, control-character and too long text."""
    before, chain = counts(db_url), audit(db_url)
    for name, option, parser in params:
        for value in TEXT_BAD[parser]:
            result = shop(*_argv(path, name, option, value))
            lines = result.err.strip().splitlines()
            assert result.code == 2 and result.out == "", (name, value, result)
            assert len(lines) == 1 and lines[0].startswith("dcmaint: error: "), (name, value, result.err)
            assert not any(ch in lines[0] for ch in "\x00\x07\x1b\u202e"), lines[0]  # the error line is safe too
            named = repr(value) in lines[0] or f"longer than {len(value) - 1}" in lines[0]
            named = named or (not option and "longer than" in lines[0])  # another argument may be read first
            assert named and (name in lines[0] or not option), (name, value, lines[0])  # an option is named
    assert counts(db_url) == before and audit(db_url) == chain


@pytest.mark.parametrize(
    ("option", "values"),
    [("--concurrency", ["0", "1025", "-1", "", HUGE]), ("--workers", ["257", "-1", "", "2.5", HUGE])],
)
def test_health_bounds_its_concurrency_and_workers_with_one_unknown_line(shop, db_url, option, values):
    """`health` is outside the walk (its errors exit 3, a monitoring plugin's UNKNOWN): its numbers, checked here."""
    before, chain = counts(db_url), audit(db_url)
    for value in values:
        result = shop("health", "--format", "nagios", option, value)
        [line] = result.out.splitlines()
        assert result.code == 3 and result.err == "", (value, result)
        assert line.startswith(f"DCMAINT UNKNOWN - invalid {option} {value!r}"), (value, line)
    assert counts(db_url) == before and audit(db_url) == chain
