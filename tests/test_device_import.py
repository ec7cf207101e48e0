"""`dcmaint device import`: customer device lists (CSV in UTF-8/BOM/GBK, XLSX) with Chinese headers.

Store tests run through the CLI on SQLite and PostgreSQL; the header matching
tests at the end are pure and run once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import audit, counts

ROOT = Path(__file__).resolve().parents[1]

HEADER = ["序号", "设备名称", "设备类型", "品牌", "型号", "序列号(SN)", "机柜", "U位", "管理ＩＰ", "是否在保", "凭据"]
GOOD = [
    [
        "1",
        "srv01",
        "服务器",
        "HPE",
        "DL380 Gen10",
        "CN7912ABCD",
        "A01",
        "12",
        "redfish://127.0.0.1:8441",
        "是",
        "env:BMC_PASSWORD",
    ],
    ["2", "san01", "磁盘阵列", "华为", "OceanStor 5500 V5", "2102351QLH", "A04", "1-4", "san01.example.cn", "是", ""],
    ["3", "crac01", "精密空调", "Vertiv", "Liebert PEX", "LP2019A0001", "", "", "", "过保", ""],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None, sheet: str = "设备清单") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    if title:
        worksheet.append([title])
        worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def devices(cli) -> dict[str, dict]:
    return {d["name"]: d for d in cli.ok("device", "list", "--format", "json").json()}


@pytest.fixture
def hq(cli):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    return cli


# --- success --------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_with_chinese_headers_in_each_encoding(hq, db_url, tmp_path, encoding):
    path = write_csv(tmp_path / "设备清单.csv", [HEADER, *GOOD], encoding)
    result = hq.ok("device", "import", path, "--site", "hq", "--format", "json")
    assert result.json()["imported"] == 3 and result.json()["skipped"] == 0
    found = devices(hq)
    assert set(found) == {"srv01", "san01", "crac01"}
    srv = found["srv01"]
    assert (srv["site"], srv["kind"], srv["vendor"], srv["serial"], srv["rack_unit"]) == (
        "hq",
        "server",
        "HPE",
        "CN7912ABCD",
        "12",
    )
    assert srv["endpoint"] == "redfish://127.0.0.1:8441" and srv["credential"] == "env:BMC_PASSWORD"
    assert found["san01"]["kind"] == "storage" and found["san01"]["vendor"] == "华为"
    assert found["crac01"]["kind"] == "cooling" and found["crac01"]["covered"] is False
    entries = [e for e in audit(db_url) if e.entity == "device"]
    assert [(e.command, e.action) for e in entries] == [("device import", "add")] * 3


def test_xlsx_title_row_merged_cells_numbers_and_sheet_choice(hq, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "说明"
    first.append(["本表由甲方提供"])
    sheet = workbook.create_sheet("服务器")
    sheet.append(["某银行机房设备清单"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "主机名", "类别", "厂商", "机房", "U位"])
    sheet.append([1, "srv01", "服务器", "Dell", "主机房A", 12])
    sheet.append([2, "srv02", "Server", "Dell", None, 14.0])
    sheet.append([None, None, None, None, None, None])
    sheet.append([3, "esx01", "宿主机", "Lenovo", None, None])
    sheet.merge_cells("E3:E6")  # one room for the block, as customers merge it
    sheet.append([4])  # a template's pre-numbered empty line
    path = tmp_path / "list.xlsx"
    workbook.save(path)

    result = hq.ok("device", "import", path, "--site", "hq", "--sheet", "服务器", "--format", "json")
    assert result.json()["sheet"] == "服务器" and result.json()["imported"] == 3
    found = devices(hq)
    assert {n: (d["kind"], d["room"], d["rack_unit"]) for n, d in found.items()} == {
        "srv01": ("server", "主机房A", "12"),
        "srv02": ("server", "主机房A", "14"),
        "esx01": ("hypervisor", "主机房A", None),
    }


def test_the_shipped_examples_import_cleanly(hq):
    for name in ("devices-example.csv", "devices-example.xlsx"):
        result = hq.ok("device", "import", ROOT / "configs" / name, "--site", "hq", "--dry-run", "--format", "json")
        assert result.json()["imported"] == 12, name
    hq.ok("device", "import", ROOT / "configs" / "devices-example.xlsx", "--site", "hq")
    kinds = {d["kind"] for d in devices(hq).values()}
    assert kinds == {"server", "hypervisor", "storage", "ups", "cooling", "network", "security", "backup"}


def test_site_column_wins_and_site_option_fills_empty_cells(hq, tmp_path):
    hq.ok("site", "add", "dr", "--customer", "某银行")
    path = write_csv(tmp_path / "two.csv", [["设备名称", "类型", "站点"], ["a1", "ups", "dr"], ["a2", "UPS", ""]])
    hq.ok("device", "import", path, "--site", "hq")
    assert {n: d["site"] for n, d in devices(hq).items()} == {"a1": "dr", "a2": "hq"}


def test_device_list_csv_imports_back(hq, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER, *GOOD])
    hq.ok("device", "import", path, "--site", "hq")
    before = devices(hq)
    exported = tmp_path / "export.csv"
    exported.write_text(hq.ok("device", "list", "--format", "csv").out, encoding="utf-8")
    for name in before:
        hq.ok("device", "remove", name, "--site", "hq")
    hq.ok("device", "import", exported)
    assert devices(hq) == before


# --- all or nothing -------------------------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(hq, db_url, tmp_path):
    rows = [
        HEADER,
        GOOD[0],
        ["2", "bad01", "小型机X", "", "", "", "", "", "", "", ""],
        GOOD[1],
        ["4", "", "服务器", "", "", "", "", "", "", "", ""],
        GOOD[2],
    ]
    path = write_csv(tmp_path / "list.csv", rows)
    before = counts(db_url)
    result = hq("device", "import", path, "--site", "hq")
    assert result.code == 2 and result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 3
    assert "list.csv, row 3:" in lines[0] and "'小型机X'" in lines[0]
    assert "list.csv, row 5:" in lines[1] and "missing device name" in lines[1]
    assert "2 bad rows of 5" in lines[2] and "nothing was imported" in lines[2]
    assert counts(db_url) == before


def test_skip_bad_imports_the_good_rows_and_warns(hq, db_url, tmp_path):
    rows = [
        HEADER,
        GOOD[0],
        ["2", "bad01", "toaster", "", "", "", "", "", "", "", ""],
        GOOD[1],
        ["4", "long01", "服务器", "", "", "X" * 101, "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "list.csv", rows)
    result = hq.ok("device", "import", path, "--site", "hq", "--skip-bad", "--format", "json")
    data = result.json()
    assert (data["imported"], data["skipped"], data["dry_run"]) == (2, 2, False)
    assert data["bad_rows"][0]["row"] == 3 and "'toaster'" in data["bad_rows"][0]["reason"]
    assert data["bad_rows"][1]["row"] == 5 and "serial is longer than 100" in data["bad_rows"][1]["reason"]
    assert "warning" in result.err and "row 3" in result.err
    assert set(devices(hq)) == {"srv01", "san01"}
    assert counts(db_url)["devices"] == 2


def test_dry_run_checks_against_the_store_and_writes_nothing(hq, db_url, tmp_path):
    hq.ok("device", "add", "srv01", "--site", "hq", "--kind", "server")
    path = write_csv(tmp_path / "list.csv", [HEADER, *GOOD])
    before = counts(db_url)
    result = hq("device", "import", path, "--site", "hq", "--dry-run")
    assert result.code == 2 and "row 2: device 'srv01' already exists at site 'hq'" in result.err
    result = hq.ok("device", "import", path, "--site", "hq", "--dry-run", "--skip-bad")
    assert "san01" in result.out and "crac01" in result.out
    assert counts(db_url) == before
    csv_out = hq.ok("device", "import", path, "--site", "hq", "--dry-run", "--skip-bad", "--format", "csv").out
    assert csv_out.splitlines() == ["file,sheet,imported,skipped,dry_run", "list.csv,,2,1,true"]
    assert counts(db_url) == before


def test_duplicate_names_in_the_file_reject_every_copy(hq, db_url, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [HEADER, GOOD[0], GOOD[1], GOOD[0]])
    before = counts(db_url)
    result = hq("device", "import", path, "--site", "hq")
    assert result.code == 2
    assert "row 2:" in result.err and "row 4:" in result.err and "(rows 2, 4)" in result.err
    assert counts(db_url) == before


def test_bad_credential_is_reported_without_its_value(hq, db_url, tmp_path):
    row = ["1", "srv09", "服务器", "", "", "", "", "", "", "", "Passw0rd!"]
    path = write_csv(tmp_path / "cred.csv", [HEADER, row])
    result = hq("device", "import", path, "--site", "hq")
    assert result.code == 2 and "row 2:" in result.err and "credential" in result.err
    assert "Passw0rd" not in result.err + result.out
    assert counts(db_url)["devices"] == 0


def test_unknown_site_is_one_error(hq, tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, *GOOD])
    result = hq("device", "import", path, "--site", "nowhere")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1 and "'nowhere'" in result.err


# --- headers and mapping --------------------------------------------------------------------------


def test_unknown_headers_fail_unless_ignored(hq, db_url, tmp_path):
    path = write_csv(
        tmp_path / "extra.csv",
        [["设备名称", "类型", "资产编号", "采购日期"], ["sw01", "交换机", "ZC-001", "2020-01-01"]],
    )
    result = hq("device", "import", path, "--site", "hq")
    assert result.code == 2 and "资产编号" in result.err and "采购日期" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert counts(db_url)["devices"] == 0
    hq.ok("device", "import", path, "--site", "hq", "--ignore-unknown-columns")
    assert devices(hq)["sw01"]["kind"] == "network"


def test_mapping_file_adds_headers_and_kinds(hq, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[columns]\n"资产名称" = "name"\n"资产编号" = "ignore"\n\n[kinds]\n"小型机2" = "server"\n', encoding="utf-8"
    )
    path = write_csv(tmp_path / "m.csv", [["资产名称", "资产编号", "类别"], ["p01", "ZC-9", "小型机2"]])
    hq.ok("device", "import", path, "--site", "hq", "--mapping", mapping)
    assert devices(hq)["p01"]["kind"] == "server"


def test_mapping_file_overrides_a_builtin_header(hq, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\n"位置" = "room"\n', encoding="utf-8")
    path = write_csv(tmp_path / "m.csv", [["设备名称", "设备类型", "位置"], ["ups01", "UPS", "配电室"]])
    hq.ok("device", "import", path, "--site", "hq", "--mapping", mapping)
    assert (devices(hq)["ups01"]["room"], devices(hq)["ups01"]["rack_unit"]) == ("配电室", None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[columns]\n"资产名称" = "nmae"\n', "'nmae'"),
        ('[kinds]\n"小型机2" = "mainframe"\n', "'mainframe'"),
        ('[colums]\n"a" = "name"\n', "'colums'"),
        ("[columns\n", "not a valid TOML"),
    ],
)
def test_bad_mapping_file_is_one_line(hq, tmp_path, text, expected):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text, encoding="utf-8")
    path = write_csv(tmp_path / "m.csv", [HEADER, GOOD[0]])
    result = hq("device", "import", path, "--site", "hq", "--mapping", mapping)
    assert result.code == 2 and expected in result.err and len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "rows, site, expected",
    [
        ([["设备名称", "品牌"], ["srv01", "HPE"]], "hq", "kind"),
        ([["设备名称", "设备类型"], ["srv01", "服务器"]], None, "--site"),
        ([["名称", "主机名", "类型"], ["a", "b", "ups"]], "hq", "'名称' and '主机名' both map to name"),
        ([["设备名称", "设备类型", "", ""], ["a", "ups", "", "x"]], "hq", "column D (no header)"),
        ([["设备名称", "设备类型"], ["a", "ups", "x"]], "hq", "column C (no header)"),
    ],
)
def test_header_problems_are_one_line(hq, db_url, tmp_path, rows, site, expected):
    path = write_csv(tmp_path / "h.csv", rows)
    args = ["device", "import", path] + (["--site", site] if site else [])
    result = hq(*args)
    assert result.code == 2 and expected in result.err and len(result.err.strip().splitlines()) == 1
    assert counts(db_url)["devices"] == 0


# --- files that cannot be read --------------------------------------------------------------------


def test_files_that_cannot_be_read(hq, db_url, tmp_path):
    undecodable = tmp_path / "latin.csv"
    undecodable.write_bytes(b"name,kind\n\x80\xff\x80,server\n")
    not_a_workbook = tmp_path / "fake.xlsx"
    not_a_workbook.write_text("设备名称,设备类型\nsrv01,服务器\n", encoding="utf-8")
    header_only = write_csv(tmp_path / "empty.csv", [HEADER])
    cases = [
        (undecodable, "latin.csv: cannot decode"),
        (tmp_path / "missing.csv", "missing.csv"),
        (not_a_workbook, "fake.xlsx: not an Excel workbook"),
        (header_only, "no device rows"),
    ]
    before = counts(db_url)
    for path, expected in cases:
        result = hq("device", "import", path, "--site", "hq")
        assert result.code == 2, path
        assert expected in result.err and len(result.err.strip().splitlines()) == 1, result.err
    result = hq(
        "device", "import", write_xlsx(tmp_path / "s.xlsx", [HEADER, GOOD[0]]), "--site", "hq", "--sheet", "Sheet9"
    )
    assert result.code == 2 and "'Sheet9'" in result.err and "设备清单" in result.err
    assert counts(db_url) == before


# --- header matching (pure) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, field",
    [
        ("\ufeff设备名称", "name"),
        (" 主机名 ", "name"),
        ("*设备名称", "name"),
        ("序列号(SN)", "serial"),
        ("序列号（SN）", "serial"),
        ("S/N", "serial"),
        ("ｓｎ", "serial"),
        ("管理ＩＰ", "endpoint"),
        ("管理IP【BMC】", "endpoint"),
        ("带外地址", "endpoint"),
        ("Rack Unit", "rack_unit"),
        ("RACK_UNIT", "rack_unit"),
        ("厂家：", "vendor"),
        ("是否在保", "covered"),
        ("序号", "ignore"),
        ("采购日期", None),
    ],
)
def test_header_matching_is_tolerant(header, field):
    from dcmaint.domain.import_columns import ColumnMapping

    assert ColumnMapping.builtin().field_for(header) == field


@pytest.mark.parametrize(
    "value, kind",
    [
        ("服务器", "server"),
        ("磁盘阵列", "storage"),
        ("不间断电源", "ups"),
        ("ＵＰＳ", "ups"),
        ("路由器", "network"),
        ("防火墙", "security"),
        ("磁带库", "backup"),
        ("存储（SAN）", "storage"),
        ("Server", "server"),
        ("大型机", "大型机"),
    ],
)
def test_kind_synonyms(value, kind):
    from dcmaint.domain.import_columns import ColumnMapping

    assert ColumnMapping.builtin().kind_for(value) == kind


@pytest.mark.parametrize(
    "text, value",
    [
        ("是", True),
        ("在保", True),
        ("Y", True),
        ("1", True),
        ("否", False),
        ("过保", False),
        ("no", False),
        ("FALSE", False),
    ],
)
def test_booleans(text, value):
    from dcmaint.domain.import_columns import parse_bool

    assert parse_bool(text, "coverage") is value
