"""`dcmaint spare add|list|show|import|reserve|release`: serialised units, consumables, all-or-nothing, races."""

from __future__ import annotations

import pytest
from helpers import audit, counts, race

STOCK_KEYS = {
    "serial",
    "part_number",
    "catalogue_part_number",
    "part_class",
    "description",
    "site",
    "bin",
    "condition",
    "quantity",
    "status",
    "reserved_for",
    "proof_ref",
    "proof_file",
    "received_on",
    "device",
    "slot",
    "custody_location",
    "notes",
    "updated_at",
}


@pytest.fixture
def depot(cli):
    cli.ok("spare", "catalogue", "import", "--bundled")
    cli.ok("site", "add", "dc1", "--customer", "Bank")
    cli.ok("site", "add", "dc2", "--customer", "Bank")
    return cli


def tickets(cli, count):
    """Open tickets at dc1 to reserve spares for; their references."""
    return [
        cli.ok("ticket", "new", "--site", "dc1", "--description", f"fault {n}").out.split(":")[0] for n in range(count)
    ]


def test_add_list_show(depot, db_url, tmp_path):
    proof = tmp_path / "合格证.pdf"
    proof.write_bytes(b"%PDF")
    unit = depot.ok(
        "spare",
        "add",
        "--site",
        "dc1",
        "--part",
        "866730-001",
        "--serial",
        "5WBXK0A1",
        "--bin",
        "A-01",
        "--condition",
        "refurbished",
        "--proof",
        "INV-2026-001",
        "--proof-file",
        proof,
        "--received",
        "2026-11-02",
        "-f",
        "json",
    ).json()
    assert set(unit) == STOCK_KEYS
    assert unit["catalogue_part_number"] == "865414-B21" and unit["part_number"] == "866730-001"
    assert (unit["status"], unit["condition"], unit["quantity"]) == ("in_stock", "refurbished", 1)
    assert unit["proof_file"] == str(proof.resolve()) and unit["received_on"] == "2026-11-02"
    depot.ok("spare", "add", "--site", "dc2", "--part", "872479-B21", "--serial", "WFK1ABCD")
    assert depot.ok("spare", "show", "5WBXK0A1", "-f", "json").json() == unit
    by_option = depot.ok("spare", "list", "--part", "865414-B21", "-f", "json").json()
    assert [u["serial"] for u in by_option] == ["5WBXK0A1"]
    assert [u["serial"] for u in depot.ok("spare", "list", "--site", "dc2", "-f", "json").json()] == ["WFK1ABCD"]
    assert [u["serial"] for u in depot.ok("spare", "list", "--class", "disk", "-f", "json").json()] == ["WFK1ABCD"]
    assert len(depot.ok("spare", "list", "--status", "in_stock", "-f", "json").json()) == 2
    assert depot.ok("spare", "list", "--status", "reserved", "-f", "json").json() == []
    assert "5WBXK0A1" in depot.ok("spare", "list").out
    assert depot.ok("spare", "list", "-f", "csv").out.splitlines()[0].startswith("serial,part_number,")
    entry = audit(db_url)[-1]
    assert (entry.entity, entry.entity_key, entry.action) == ("spare", "WFK1ABCD", "add")


def test_consumables_are_counted_per_bin(depot, db_url):
    depot.ok("spare", "add", "--site", "dc1", "--part", "FLT-G4-595x495x46", "--quantity", "20", "--bin", "F1")
    depot.ok("spare", "add", "--site", "dc1", "--part", "FLT-G4-595x495x46", "--quantity", "5", "--bin", "F1")
    depot.ok("spare", "add", "--site", "dc1", "--part", "FLT-G4-595x495x46", "--quantity", "4", "--bin", "F2")
    depot.ok("spare", "add", "--site", "dc1", "--part", "BL0S3F00H2")
    lines = depot.ok("spare", "list", "--site", "dc1", "-f", "json").json()
    assert sorted((u["part_number"], u["bin"], u["quantity"]) for u in lines) == [
        ("BL0S3F00H2", None, 1),
        ("FLT-G4-595x495x46", "F1", 25),
        ("FLT-G4-595x495x46", "F2", 4),
    ]
    assert all(u["serial"] is None for u in lines)
    assert "25" in depot.ok("spare", "list", "--class", "filter").out
    before = counts(db_url)
    for args in (
        ("--part", "BL0S3F00H2", "--serial", "X1"),
        ("--part", "BL0S3F00H2", "--quantity", "0"),
        ("--part", "866730-001", "--serial", "X2", "--quantity", "3"),
        ("--part", "866730-001"),
    ):
        result = depot("spare", "add", "--site", "dc1", *args)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1, args
    assert counts(db_url) == before


def test_bad_input_is_one_line_exit_2_and_nothing_changed(depot, db_url, tmp_path):
    depot.ok("spare", "add", "--site", "dc1", "--part", "866730-001", "--serial", "SN-1")
    before = counts(db_url)
    cases = {
        ("spare", "add", "--site", "dc1", "--part", "866730-00", "--serial", "SN-2"): "866730-001",  # the hint
        ("spare", "add", "--site", "dc1", "--part", "ZZZ-404", "--serial", "SN-2"): "catalogue import",
        ("spare", "add", "--site", "dc1", "--part", "872479-B21", "--serial", "SN-1"): "SN-1",
        ("spare", "add", "--site", "nowhere", "--part", "866730-001", "--serial", "SN-3"): "nowhere",
        (
            "spare",
            "add",
            "--site",
            "dc1",
            "--part",
            "866730-001",
            "--serial",
            "SN-4",
            "--proof-file",
            tmp_path / "missing.pdf",
        ): "missing.pdf",
        ("spare", "add", "--site", "dc1", "--part", "866730-001", "--serial", "SN-5", "--condition", "used"): "used",
        (
            "spare",
            "add",
            "--site",
            "dc1",
            "--part",
            "866730-001",
            "--serial",
            "SN-6",
            "--received",
            "2026-13-01",
        ): "2026-13-01",
        ("spare", "show", "NOPE"): "NOPE",
        ("spare", "reserve", "NOPE", "--ticket", "T-1"): "NOPE",
        ("spare", "reserve", "SN-1", "--ticket", "T-2026-999999"): "T-2026-999999",
        ("spare", "release", "SN-1"): "in_stock",
        ("spare", "list", "--status", "lost"): "lost",
        ("spare", "list", "--site", "nowhere"): "nowhere",
    }
    for args, needle in cases.items():
        result = depot(*args)
        assert result.code == 2, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1 and needle in result.err, (args, result.err)
    assert counts(db_url) == before


def test_reserve_and_release(depot, db_url):
    first, second = tickets(depot, 2)
    depot.ok("spare", "add", "--site", "dc1", "--part", "850881-001", "--serial", "DIMM-7")
    reserved = depot.ok("spare", "reserve", "DIMM-7", "--ticket", first.lower(), "-f", "json").json()
    assert (reserved["status"], reserved["reserved_for"]) == ("reserved", first)
    entry = audit(db_url)[-1]
    assert (entry.entity_key, entry.action, entry.before["status"], entry.after["reserved_for"]) == (
        "DIMM-7",
        "reserve",
        "in_stock",
        first,
    )
    before = counts(db_url)
    result = depot("spare", "reserve", "DIMM-7", "--ticket", second)
    assert result.code == 2 and first in result.err and len(result.err.strip().splitlines()) == 1
    assert counts(db_url) == before
    released = depot.ok("spare", "release", "DIMM-7", "-f", "json").json()
    assert (released["status"], released["reserved_for"]) == ("in_stock", None)
    assert audit(db_url)[-1].before["reserved_for"] == first


def test_only_an_open_ticket_can_have_spares_reserved(depot, db_url):
    (ref,) = tickets(depot, 1)
    depot.ok("staff", "add", "li.na", "--role", "engineer")
    depot.ok("spare", "add", "--site", "dc1", "--part", "850881-001", "--serial", "DIMM-8")
    for step in (("assign", ref, "--to", "li.na"), ("start", ref), ("restore", ref)):
        depot.ok("ticket", *step)
    before = counts(db_url)
    result = depot("spare", "reserve", "DIMM-8", "--ticket", ref)
    assert result.code == 2 and "is restored" in result.err and "cannot reserve" in result.err
    assert counts(db_url) == before


def test_an_installed_unit_cannot_be_reserved(depot, db_url):
    from sqlalchemy import create_engine, text

    from dcmaint.store.urls import parse

    depot.ok("spare", "add", "--site", "dc1", "--part", "872737-001", "--serial", "DISK-9")
    engine = create_engine(parse(db_url).sqlalchemy)  # the swap command is not ours: set the state directly
    with engine.begin() as connection:
        connection.execute(text("UPDATE stock_units SET status = 'installed', slot = 'Bay 3' WHERE serial = 'DISK-9'"))
    engine.dispose()
    (ref,) = tickets(depot, 1)
    before = counts(db_url)
    result = depot("spare", "reserve", "DISK-9", "--ticket", ref)
    assert result.code == 2 and "installed" in result.err
    result = depot("spare", "release", "DISK-9")
    assert result.code == 2 and "installed" in result.err
    assert counts(db_url) == before


def test_import_stock_list_with_chinese_headers(depot, db_url, tmp_path):
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "c1.pdf").write_bytes(b"%PDF")
    sheet = tmp_path / "备件库存.csv"
    sheet.write_text(
        "序列号,部件号,库位,入库日期,合格证,附件,数量,成色\n"
        "5WBXK0B1,866730-001,A-01,2026-10-08,HG-001,certs/c1.pdf,,全新\n"
        "WFK1XYZ9,872479-B21,B-02,2026-10-09,HG-002,,,翻新\n"
        ",FLT-G4-595x495x46,F1,2026-10-09,,,12,\n",
        encoding="utf-8-sig",
    )
    summary = depot.ok("spare", "import", sheet, "--site", "dc1", "-f", "json").json()
    assert summary == {"file": "备件库存.csv", "rows": 3, "units": 3, "quantity": 14}
    unit = depot.ok("spare", "show", "WFK1XYZ9", "-f", "json").json()
    assert (unit["bin"], unit["condition"], unit["proof_ref"], unit["received_on"]) == (
        "B-02",
        "refurbished",
        "HG-002",
        "2026-10-09",
    )
    assert depot.ok("spare", "show", "5WBXK0B1", "-f", "json").json()["proof_file"].endswith("c1.pdf")


def test_import_with_bad_rows_writes_nothing(depot, db_url, tmp_path):
    depot.ok("spare", "add", "--site", "dc1", "--part", "866730-001", "--serial", "TAKEN-1")
    sheet = tmp_path / "stock.csv"
    sheet.write_text(
        "站点,序列号,部件号,库位,入库日期\n"
        "dc1,OK-1,866730-001,A,2026-10-08\n"
        "dc1,TAKEN-1,866730-001,A,2026-10-08\n"
        "dc1,OK-2,NOT-A-PART,A,2026-10-08\n"
        "dc1,OK-3,866730-001,A,2026-02-30\n"
        "dc1,OK-1,866730-001,A,2026-10-08\n"
        "nowhere,OK-4,866730-001,A,2026-10-08\n",
        encoding="utf-8",
    )
    before = counts(db_url)
    result = depot("spare", "import", sheet)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert [line.split(", row ")[1].split(":")[0] for line in lines[:-1]] == ["3", "4", "5", "6", "7"]
    assert "TAKEN-1" in lines[0] and "NOT-A-PART" in lines[1] and "2026-02-30" in lines[2] and "nowhere" in lines[4]
    assert "5 bad rows of 6; nothing was imported" in lines[-1]
    assert counts(db_url) == before


def test_parallel_reserve_exactly_one_wins(depot, db_url, home):
    refs = tickets(depot, 4)
    depot.ok("spare", "add", "--site", "dc1", "--part", "866730-001", "--serial", "RACE-1")
    results = race(db_url, home, [["spare", "reserve", "RACE-1", "--ticket", ref] for ref in refs])
    winners = [i for i, (code, _err) in enumerate(results) if code == 0]
    assert len(winners) == 1, results
    assert all(code == 2 and "reserved for" in err for code, err in results if code != 0), results
    unit = depot.ok("spare", "show", "RACE-1", "-f", "json").json()
    assert unit["reserved_for"] == refs[winners[0]]
    assert [e.action for e in audit(db_url)].count("reserve") == 1
