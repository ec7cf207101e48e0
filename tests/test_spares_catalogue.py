"""`dcmaint spare catalogue`: TOML and sheet import as one upsert, number clashes, bad entries, list and show."""

from __future__ import annotations

from pathlib import Path

from helpers import audit, counts

PSU = """
[[part]]
part_number = "865414-B21"
vendor = "HPE"
description = "HPE 800W Flex Slot Platinum PSU kit"
class = "psu"
annual_failure_rate = 0.01
lead_time_days = 10
[part.attributes]
wattage = 800
[part.numbers]
spare = ["866730-001"]

[[part]]
part_number = "865408-B21"
vendor = "HPE"
description = "HPE 500W Flex Slot Platinum PSU kit"
class = "psu"
[part.numbers]
spare = ["866729-001"]
[[part.substitutes]]
part_number = "866730-001"
note = "replace both supplies"
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_toml_import_then_show_by_any_number(cli, tmp_path):
    result = cli.ok("spare", "catalogue", "import", write(tmp_path / "psu.toml", PSU), "-f", "json").json()
    assert result == {"files": 1, "parts": 2, "added": 2, "updated": 0, "unchanged": 0}
    for number in ("865414-B21", "866730-001"):
        part = cli.ok("spare", "catalogue", "show", number, "-f", "json").json()
        assert part["part_number"] == "865414-B21"
        assert part["numbers"] == [{"number": "866730-001", "kind": "spare"}]
        assert part["attributes"] == {"wattage": 800}
        assert part["annual_failure_rate"] == 0.01 and part["lead_time_days"] == 10 and part["consumable"] is False
    small = cli.ok("spare", "catalogue", "show", "866729-001", "-f", "json").json()
    # A substitute named by its spare number is stored as the part it names.
    assert small["substitutes"] == [{"part_number": "865414-B21", "note": "replace both supplies"}]
    assert [e.action for e in audit(cli_db(cli))][-2:] == ["add", "add"]


def cli_db(cli) -> str:
    import os

    return os.environ["DCMAINT_DB_URL"]


def test_import_is_an_idempotent_upsert(cli, db_url, tmp_path):
    path = write(tmp_path / "psu.toml", PSU)
    cli.ok("spare", "catalogue", "import", path)
    before = counts(db_url)
    again = cli.ok("spare", "catalogue", "import", path, "-f", "json").json()
    assert again == {"files": 1, "parts": 2, "added": 0, "updated": 0, "unchanged": 2}
    assert counts(db_url) == before  # no audit rows for an unchanged catalogue
    write(
        path,
        PSU.replace("HPE 800W Flex Slot Platinum PSU kit", "800W PSU").replace(
            '"866730-001"]', '"866730-001"]\nfru = ["FRU-1"]'
        ),
    )
    changed = cli.ok("spare", "catalogue", "import", path, "-f", "json").json()
    assert changed["updated"] == 1 and changed["unchanged"] == 1
    entry = audit(db_url)[-1]
    assert (entry.entity, entry.entity_key, entry.action) == ("part", "865414-B21", "edit")
    assert entry.before["description"] == "HPE 800W Flex Slot Platinum PSU kit"
    assert cli.ok("spare", "catalogue", "show", "FRU-1", "-f", "json").json()["description"] == "800W PSU"


def test_sheet_with_chinese_headers(cli, tmp_path):
    sheet = write(
        tmp_path / "备件目录.csv",
        (
            "序号,部件号,厂商,描述,类别,备件号,选件号,年故障率,采购周期(天),容量\n"
            "1,7XB7A00027,Lenovo,1.2TB 10K SAS,硬盘,,,1.5%,14天,1.2TB\n"
            "2,815100-B21,HPE,32GB RDIMM,内存,850881-001,,0.005,10,32GB\n"
            "3,BL0S3F00H2,Carel,加湿罐 3kg/h,加湿罐,,,,21,\n"
        ),
        encoding="gb18030",
    )
    assert cli.ok("spare", "catalogue", "import", sheet, "-f", "json").json()["added"] == 3
    disk = cli.ok("spare", "catalogue", "show", "7XB7A00027", "-f", "json").json()
    assert disk["part_class"] == "disk" and disk["annual_failure_rate"] == 0.015 and disk["lead_time_days"] == 14
    assert disk["attributes"] == {"capacity": "1.2TB"}
    assert cli.ok("spare", "catalogue", "show", "850881-001", "-f", "json").json()["part_class"] == "dimm"
    tank = cli.ok("spare", "catalogue", "show", "BL0S3F00H2", "-f", "json").json()
    assert tank["part_class"] == "humidifier" and tank["consumable"] is True


def test_xlsx_sheet(cli, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["部件号", "类别", "选件号", "年故障率"])
    sheet.append(["866730-001", "电源", "865414-B21", 0.01])
    workbook.save(tmp_path / "parts.xlsx")
    cli.ok("spare", "catalogue", "import", tmp_path / "parts.xlsx")
    part = cli.ok("spare", "catalogue", "show", "865414-B21", "-f", "json").json()
    assert part["part_number"] == "866730-001" and part["numbers"] == [{"number": "865414-B21", "kind": "option"}]


def test_starter_catalogue_imports_and_filters(cli):
    summary = cli.ok("spare", "catalogue", "import", "--bundled", "-f", "json").json()
    assert summary["files"] >= 4 and summary["added"] == summary["parts"] >= 12
    parts = cli.ok("spare", "catalogue", "list", "-f", "json").json()
    assert {p["part_class"] for p in parts} >= {"psu", "disk", "dimm", "battery", "filter", "humidifier"}
    assert {p["vendor"] for p in parts} >= {"HPE", "Dell", "Lenovo", "Huawei"}
    memory = cli.ok("spare", "catalogue", "list", "--class", "memory", "-f", "json").json()
    assert memory and all(p["part_class"] == "dimm" for p in memory)
    hpe = cli.ok("spare", "catalogue", "list", "--vendor", "hpe", "-f", "json").json()
    assert hpe and all(p["vendor"] == "HPE" for p in hpe)
    assert set(parts[0]) == {
        "part_number",
        "vendor",
        "description",
        "part_class",
        "attributes",
        "annual_failure_rate",
        "lead_time_days",
        "consumable",
        "numbers",
        "substitutes",
    }
    csv_out = cli.ok("spare", "catalogue", "list", "--class", "psu", "-f", "csv").out
    assert csv_out.splitlines()[0].startswith("part_number,vendor,description,part_class")
    assert "865414-B21" in cli.ok("spare", "catalogue", "list").out


def test_the_bundled_catalogue_is_package_data_and_imports_beside_named_files(cli, tmp_path):
    """--bundled reads the files shipped inside the package: what a wheel carries, not a path into a checkout."""
    from dcmaint import paths
    from dcmaint.services.catalogue import bundled_catalogue

    shipped = bundled_catalogue()
    assert shipped == paths.bundled("parts") and shipped.is_relative_to(Path(paths.__file__).parent)
    own = write(tmp_path / "own.toml", '[[part]]\npart_number = "OWN-1"\nclass = "fan"\n')
    summary = cli.ok("spare", "catalogue", "import", own, "--bundled", "-f", "json").json()
    assert summary["files"] == 1 + len(list(shipped.glob("*.toml")))
    assert cli.ok("spare", "catalogue", "show", "OWN-1", "-f", "json").json()["part_class"] == "fan"
    assert cli.ok("spare", "catalogue", "import", "--bundled", "-f", "json").json()["unchanged"] == summary["parts"] - 1


def test_import_without_files_or_bundled_names_both_ways(cli, db_url):
    before = counts(db_url)
    result = cli("spare", "catalogue", "import")
    assert result.code == 2 and "--bundled" in result.err and len(result.err.strip().splitlines()) == 1
    assert counts(db_url) == before


def test_a_number_belongs_to_one_part_only(cli, db_url, tmp_path):
    cli.ok("spare", "catalogue", "import", write(tmp_path / "psu.toml", PSU))
    before = counts(db_url)
    clash = write(
        tmp_path / "clash.toml",
        '[[part]]\npart_number = "X-1"\nclass = "psu"\n[part.numbers]\nother = ["866730-001"]\n',
    )
    result = cli("spare", "catalogue", "import", clash)
    assert result.code == 2
    assert "866730-001" in result.err and "X-1" in result.err and "865414-B21" in result.err
    assert counts(db_url) == before
    # Two entries of one import claiming the same number: both named.
    twice = write(
        tmp_path / "twice.toml",
        '[[part]]\npart_number = "A-1"\nclass = "fan"\n'
        '[part.numbers]\nspare = ["S-9"]\n'
        '[[part]]\npart_number = "B-1"\nclass = "fan"\n'
        '[part.numbers]\nspare = ["S-9"]\n',
    )
    result = cli("spare", "catalogue", "import", twice)
    assert result.code == 2 and "S-9" in result.err and "A-1" in result.err and "B-1" in result.err
    assert counts(db_url) == before


def test_moving_a_number_between_parts_in_one_import(cli, tmp_path):
    cli.ok("spare", "catalogue", "import", write(tmp_path / "psu.toml", PSU))
    moved = PSU.replace('spare = ["866730-001"]', "spare = []").replace(
        'spare = ["866729-001"]', 'spare = ["866729-001", "866730-001"]'
    )
    moved = moved.replace('part_number = "866730-001"', 'part_number = "865414-B21"')
    cli.ok("spare", "catalogue", "import", write(tmp_path / "psu.toml", moved))
    assert cli.ok("spare", "catalogue", "show", "866730-001", "-f", "json").json()["part_number"] == "865408-B21"


def test_every_bad_entry_is_reported_and_nothing_written(cli, db_url, tmp_path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    write(
        folder / "a.toml",
        PSU + '\n[[part]]\npart_number = "BAD 1"\nclass = "psu"\n'
        '\n[[part]]\npart_number = "Y-2"\nclass = "toaster"\n'
        '\n[[part]]\npart_number = "Y-3"\nclass = "fan"\nannual_failure_rate = 1.5\n'
        '\n[[part]]\npart_number = "Y-4"\nclass = "fan"\n'
        '[[part.substitutes]]\npart_number = "NOT-THERE"\n',
    )
    write(folder / "b.csv", "部件号,类别,采购周期\nZ-1,fan,soon\nZ-2,psu,5\n")
    before = counts(db_url)
    result = cli("spare", "catalogue", "import", folder)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 6, result.err  # five problems, then the summary
    assert "a.toml, part 3" in lines[0] and "'BAD 1'" in lines[0]
    assert "'toaster'" in result.err and "1.5" in result.err and "NOT-THERE" in result.err
    assert "b.csv, row 2" in result.err and "'soon'" in result.err
    assert "5 bad catalogue entries of 8; nothing was imported" in lines[-1]
    assert counts(db_url) == before


def test_show_unknown_number_and_bad_class(cli, db_url):
    before = counts(db_url)
    result = cli("spare", "catalogue", "show", "NOPE-1")
    assert result.code == 2 and "NOPE-1" in result.err and len(result.err.strip().splitlines()) == 1
    result = cli("spare", "catalogue", "list", "--class", "toaster")
    assert result.code == 2 and "toaster" in result.err
    result = cli("spare", "catalogue", "import", "/nonexistent/parts.toml")
    assert result.code == 2
    assert counts(db_url) == before
