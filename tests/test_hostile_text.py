"""Control characters from every way text comes in never reach a terminal, a Nagios line, a form or PostgreSQL raw.

Identifiers (names, serials, part numbers) with a control character are refused where they enter, naming the
row or the option; free text (notes, descriptions, e-mails, a device's messages) is kept with each control
character escaped (``\\x1b``), and shown so. docs/cli.md, "Hostile text and numbers".
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from dcmaint.cli.health_formats import perf_label, plugin_text
from dcmaint.domain import text
from dcmaint.drivers import Component, PartIdentity
from dcmaint.errors import UsageError
from tests.helpers import audit, counts

HOSTILE = "灯\x1b[31m红\x07铃\x00空\x9b尾"  # ESC sequence, BEL, NUL, a C1 control (CSI)
SHOWN = "灯\\x1b[31m红\\x07铃\\x00空\\x9b尾"
RAW = ("\x1b", "\x07", "\x00", "\x9b")
T1 = "T-2026-000001"


def clean(output: str) -> bool:
    """No raw control character but newlines: safe for a terminal, a file and a Nagios parser."""
    return not any(ch in output for ch in RAW) and not any(text.is_control(ch) for ch in output if ch != "\n")


# -- the rule ----------------------------------------------------------------------------------------------------


def test_escape_writes_every_control_character_out_and_twice_changes_nothing():
    assert text.escape(HOSTILE) == SHOWN
    assert text.escape(SHOWN) == SHOWN
    assert text.escape("a\u202eb\tc\nd") == "a\\u202eb\tc\nd"
    assert text.escape("a\tb\nc", one_line=True) == "a\\x09b\\x0ac"
    assert text.escape("机房 A-01 (2U)") == "机房 A-01 (2U)"


@pytest.mark.parametrize("value", ["SN\x1b[2J", "SN\x00", "\x07", "名\u202e字", "SN\u200b1", "", "  "])
def test_an_identifier_with_a_control_character_or_empty_is_refused_naming_it(value):
    with pytest.raises(UsageError) as error:
        text.identifier(value, "--serial")
    message = str(error.value)
    assert "--serial" in message and repr(value) in message and clean(message)


def test_free_text_is_kept_escaped_and_limited():
    assert text.free_text(f"  {HOSTILE}  ", "--note") == SHOWN
    with pytest.raises(Exception, match="longer than 20000"):
        text.free_text("x" * (text.LIMITS.free_text + 1), "--note")


def test_a_device_report_escapes_what_a_bmc_says():
    part = PartIdentity(model="Delta\x1b[5m", serial="PSU\x00SN", attributes={"form": "\x07hot"})
    component = Component("psu", "PSU\x1b[31m 2", "critical", reason="input\x00 lost", part=part)
    assert component.location == "PSU\\x1b[31m 2" and component.reason == "input\\x00 lost"
    assert part.serial == "PSU\\x00SN" and part.model == "Delta\\x1b[5m" and part.attributes["form"] == "\\x07hot"
    assert Component.from_json(component.as_json()) == component  # a stored report reads back the same


def test_nagios_text_and_perfdata_labels():
    assert plugin_text("PSU 2 | lost\n\x1b[31mred") == "PSU 2 / lost \\x1b[31mred"
    assert perf_label("faults") == "faults"
    assert perf_label("hq/srv 1=x|y's") == "'hq/srv 1_x/y''s'"


# -- the command line and the store -------------------------------------------------------------------------------


@pytest.fixture
def hq(cli):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok("staff", "add", "张伟", "--role", "engineer")
    cli.ok("ticket", "new", "--site", "hq", "--description", f"描述{HOSTILE}")
    return cli


def test_a_note_with_esc_bel_and_nul_is_stored_and_shown_escaped(hq, db_url):
    hq.ok("ticket", "note", T1, HOSTILE)
    hq.ok("ticket", "assign", T1, "--to", "张伟", "--note", HOSTILE)
    shown = hq.ok("ticket", "show", T1)
    assert SHOWN in shown.out and f"描述{SHOWN}" in shown.out and clean(shown.out), shown.out
    data = hq.ok("ticket", "show", T1, "-f", "json").json()
    assert data["description"] == f"描述{SHOWN}"  # stored escaped: the same text on SQLite and PostgreSQL
    assert [event.get("note") for event in data.get("events", []) if event.get("note")] in ([], [SHOWN, SHOWN])
    assert clean(hq.ok("ticket", "list").out)
    assert clean(hq.ok("audit", "list").out)


def test_an_identifier_with_control_characters_is_refused_and_nothing_is_written(hq, db_url):
    before, chain = counts(db_url), audit(db_url)
    for argv in (
        ["site", "add", "dr", "--customer", "客户\x1b[2J"],
        ["ticket", "new", "--site", "hq", "--description", "x", "--caller", "王\x00工"],
        ["ticket", "assign", T1, "--to", "张伟\x07"],
        ["--as", "root\x1b]0;pwned\x07", "site", "add", "dr", "--customer", "B"],
    ):
        result = hq(*argv)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1 and clean(result.err), result
        assert "control characters" in result.err
    assert counts(db_url) == before and audit(db_url) == chain


def test_an_imported_row_whose_serial_holds_esc_is_refused_naming_the_row(hq, db_url, tmp_path):
    sheet = tmp_path / "devices.csv"
    sheet.write_text(
        '设备名称,类型,序列号,备注\nsrv01,服务器,CZ1,好\nsrv02,服务器,"CZ\x1b[31m2",\nsrv03,服务器,CZ3,"备\x1b注"\n',
        encoding="utf-8",
    )
    before = counts(db_url)
    result = hq("device", "import", str(sheet), "--site", "hq")
    assert result.code == 2 and result.out == "" and clean(result.err), result
    assert "row 3" in result.err and "CZ\\x1b[31m2" in result.err
    assert counts(db_url) == before
    hq.ok("device", "import", str(sheet), "--site", "hq", "--skip-bad")
    note = hq.ok("device", "show", "srv03", "-f", "json").json()["notes"]
    assert note == "备\\x1b注"  # free text in a sheet: kept, escaped
    assert clean(hq.ok("device", "list").out)


def test_an_email_with_control_characters_gives_an_escaped_ticket(hq, db_url, tmp_path):
    message = EmailMessage()
    message["From"] = "王工 <wang@example.com>"
    message["Subject"] = "PSU\x1b[31m 故障"
    message.set_content(f"机房 A 的服务器 PSU 2 故障\n{HOSTILE}\n")
    eml = tmp_path / "fault.eml"
    eml.write_bytes(bytes(message))
    ref = hq.ok("ticket", "new", "--site", "hq", "--from-eml", str(eml)).out.split(":")[0]
    data = hq.ok("ticket", "show", ref, "-f", "json").json()
    assert SHOWN in data["description"] and not any(ch in data["description"] for ch in RAW)
    assert clean(hq.ok("ticket", "show", ref).out)


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_a_form_rendered_from_escaped_text_shows_the_escapes(hq, tmp_path, fmt):
    hq.ok("ticket", "assign", T1, "--to", "张伟")
    hq.ok("ticket", "start", T1)
    hq.ok("ticket", "restore", T1)
    hq.ok("ticket", "fill", T1, "--actions", f"更换{HOSTILE}")
    form = tmp_path / f"form.{fmt}"
    hq.ok("ticket", "form", T1, "--format", fmt, "--output", str(form))
    if fmt == "pdf":
        import io

        from pypdf import PdfReader

        shown = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(form.read_bytes())).pages)
    else:
        shown = form.read_text(encoding="utf-8")
    squeezed = "".join(shown.split())
    assert all(f"x{code}" in squeezed for code in ("1b", "07", "00", "9b")), shown  # each control written out
    assert "更换灯" in squeezed and clean(shown)


# -- a BMC that answers hostile text --------------------------------------------------------------------------------

REDFISH_TESTS = Path(__file__).resolve().parents[1] / "plugins" / "dcmaint-redfish" / "tests"


@pytest.fixture
def hostile_bmc(monkeypatch):
    """The Redfish plugin's fake BMC serving its standard server tree, PSU 2 failed and named with ESC and ``|``."""
    monkeypatch.syspath_prepend(str(REDFISH_TESTS))
    import rf_trees
    from rf_fakebmc import FakeBmc

    tree = rf_trees.server()
    rf_trees.fail_psu(tree, 2)
    psu = tree[f"{rf_trees.CH}/PowerSubsystem/PowerSupplies/2"]
    psu.update(
        {
            "Name": "Power\x1b[31m Supply | 2",
            "Location": rf_trees.label("PSU\x1b[31m 2 | rear"),
            "Model": "865414-B21\x1b[0m|x",
            "SerialNumber": "PSU\x00SN|2",
        }
    )
    tree[f"{rf_trees.CH}/Power"]["PowerSupplies"][1].update(
        {"Name": "Power\x1b[31m Supply | 2", "SerialNumber": "PSU\x00SN|2"}
    )
    bmc = FakeBmc(tree, password="secret").start()
    monkeypatch.setenv("DCMAINT_LOAD_PLUGINS", "redfish")
    monkeypatch.setenv("BMC_PW", "secret")
    yield bmc
    bmc.stop()


def test_a_bmc_answering_esc_and_pipes_gives_a_clean_table_a_valid_nagios_line_and_a_stored_poll(
    cli, db_url, hostile_bmc
):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    cli.ok(
        *("device", "add", "bmc1", "--site", "hq", "--kind", "server", "--endpoint", hostile_bmc.endpoint),
        *("--username", "admin", "--credential", "env:BMC_PW"),
    )
    table = cli("health")
    assert table.code == 2 and clean(table.out) and "PSU\\x1b[31m 2" in table.out, table
    nagios = cli("health", "--format", "nagios", "--record")  # a NUL in a serial: PostgreSQL must take the poll
    status, *details = nagios.out.splitlines()
    assert nagios.code == 2 and clean(nagios.out), nagios
    assert status.count("|") == 1  # only the perfdata separator: the BMC's | were replaced
    summary, perfdata = status.split(" | ")
    assert summary.startswith("DCMAINT CRITICAL - hq/bmc1: 1 faults"), summary
    assert all(item.count("=") == 1 for item in perfdata.split(" ")), perfdata
    assert "faults=1;;;0" in perfdata.split(" ")
    assert [line for line in details if "PSU\\x1b[31m 2 / rear" in line and "SN PSU\\x00SN/2" in line], details
    shown = cli("health", "--format", "json").json()
    [fault] = shown["devices"][0]["faults"]
    assert fault["serial"] == "PSU\\x00SN|2" and fault["location"] == "PSU\\x1b[31m 2 | rear"
    assert json.dumps(shown).count("\\u0000") == 0
    again = cli("health", "--record")  # recorded twice: the same escaped serial is the same part
    assert again.code == 2 and clean(again.out), again


def test_a_stock_list_with_control_characters_or_huge_quantities_is_refused_naming_each_row(cli, db_url, tmp_path):
    cli.ok("spare", "catalogue", "import", "--bundled")
    cli.ok("site", "add", "dc1", "--customer", "Bank")
    sheet = tmp_path / "stock.csv"
    sheet.write_text(
        "站点,序列号,部件号,库位,数量\n"
        "dc1,OK-1,866730-001,A,\n"
        'dc1,"SN\x1b[31m2",866730-001,A,\n'
        'dc1,OK-3,866730-001,"A\x00",\n'
        "dc1,,FLT-G4-595x495x46,F1,99999999999999999999\n"
        "dc1,,FLT-G4-595x495x46,F1,²\n",
        encoding="utf-8",
    )
    before, chain = counts(db_url), audit(db_url)
    result = cli("spare", "import", str(sheet))
    lines = result.err.strip().splitlines()
    assert result.code == 2 and result.out == "" and clean(result.err), result
    assert [line.split(", row ")[1].split(":")[0] for line in lines[:-1]] == ["3", "4", "5", "6"], lines
    assert "SN\\x1b[31m2" in lines[0] and "A\\x00" in lines[1] and "99999999999999999999" in lines[2]
    assert counts(db_url) == before and audit(db_url) == chain
