"""`dcmaint device import` of a big list: read row by row, written in batches, still all or nothing, with progress.

The batch size is made small here so that a list of a few hundred rows spans
many batches: a bad row in a late batch must still leave the store as it was,
after earlier batches were already written inside the transaction. Memory is
compared, not timed: importing a list 8x longer must not take 8x the memory
(tracemalloc's peak, in this process).
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from dcmaint.services import device_import
from tests.helpers import audit, counts

HEADER = "name,kind,vendor,serial,notes"


def write_list(path: Path, rows: int, *, start: int = 1, bad: dict[int, str] | None = None) -> Path:
    """``rows`` servers; ``bad`` replaces the line of a spreadsheet row number (the header is row 1)."""
    lines = [HEADER] + [f"srv{n:05d},server,Dell,SN{n:08d},{'备注 ' * 20}" for n in range(start, start + rows)]
    for row, line in (bad or {}).items():
        lines[row - 1] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def hq(cli, monkeypatch):
    monkeypatch.setattr(device_import, "BATCH", 10)
    cli.ok("site", "add", "hq", "--customer", "Bank")
    return cli


def test_a_list_spanning_many_batches_imports_every_row_audited_once(hq, db_url, tmp_path):
    result = hq.ok("device", "import", write_list(tmp_path / "big.csv", 95), "--site", "hq", "--format", "json")
    assert result.json()["imported"] == 95 and len(result.json()["devices"]) == 95
    assert counts(db_url)["devices"] == 95
    assert [e.entity_key for e in audit(db_url) if e.entity == "device"] == [f"hq/srv{n:05d}" for n in range(1, 96)]
    assert hq.ok("db", "check", "--format", "json").json()["ok"]


def test_a_bad_row_in_a_late_batch_rolls_back_the_batches_already_written(hq, db_url, tmp_path):
    path = write_list(tmp_path / "late.csv", 95, bad={90: "srv00089,toaster,Dell,X,"})
    before = counts(db_url)
    result = hq("device", "import", path, "--site", "hq")
    assert result.code == 2 and result.out == ""
    assert "late.csv, row 90:" in result.err and "'toaster'" in result.err
    assert "1 bad row of 95" in result.err.strip().splitlines()[-1]
    assert counts(db_url) == before


def test_what_the_store_refuses_in_a_late_batch_rolls_everything_back(hq, db_url, tmp_path):
    hq.ok("device", "add", "srv00093", "--site", "hq", "--kind", "server")
    before = counts(db_url)
    result = hq("device", "import", write_list(tmp_path / "taken.csv", 95), "--site", "hq")
    assert result.code == 2 and "row 94: device 'srv00093' already exists at site 'hq'" in result.err
    assert counts(db_url) == before


def test_a_name_twice_in_batches_far_apart_makes_both_rows_bad(hq, db_url, tmp_path):
    path = write_list(tmp_path / "dup.csv", 95, bad={80: "srv00003,server,Dell,SN2,"})
    before = counts(db_url)
    result = hq("device", "import", path, "--site", "hq")
    assert result.code == 2 and "row 4:" in result.err and "row 80:" in result.err and "(rows 4, 80)" in result.err
    assert counts(db_url) == before
    skipped = hq.ok("device", "import", path, "--site", "hq", "--skip-bad", "--format", "json").json()
    assert (skipped["imported"], skipped["skipped"]) == (93, 2)
    assert "srv00003" not in {d["name"] for d in hq.ok("device", "list", "--format", "json").json()}


def test_a_dry_run_of_many_batches_writes_nothing(hq, db_url, tmp_path):
    before = counts(db_url)
    result = hq.ok("device", "import", write_list(tmp_path / "dry.csv", 45), "--site", "hq", "--dry-run", "-f", "csv")
    assert result.out.splitlines()[-1] == "dry.csv,,45,0,true"
    assert counts(db_url) == before


def test_progress_on_stderr_only_when_asked_or_watched_and_never_in_the_output(hq, tmp_path):
    quiet = hq.ok("device", "import", write_list(tmp_path / "a.csv", 25), "--site", "hq", "--format", "json")
    assert quiet.err == "" and json.loads(quiet.out)["imported"] == 25  # stderr is no terminal here
    shown = hq.ok(
        "device", "import", write_list(tmp_path / "b.csv", 25, start=100), "--site", "hq", "--format", "json",
        "--progress",
    )  # fmt: skip
    assert json.loads(shown.out)["imported"] == 25  # stdout is still the JSON document alone
    lines = shown.err.splitlines()
    assert lines[0].startswith("checking b.csv: ") and "checking b.csv: 100% (25 rows)" in lines
    assert lines[-1] == "importing b.csv: 100% (25 rows)"
    assert all(line.startswith(("checking b.csv: ", "importing b.csv: ")) for line in lines)


def _peak(run) -> int:
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    run()
    return tracemalloc.get_traced_memory()[1] - before


def test_memory_does_not_grow_with_the_list(cli, db_url, tmp_path, monkeypatch):
    """8x the rows, not 8x the memory: only a batch of rows (and of ORM objects and audit entries) is held."""
    monkeypatch.setattr(device_import, "BATCH", 50)
    for site in ("warm", "small", "large"):
        cli.ok("site", "add", site, "--customer", "Bank")
    small, large = write_list(tmp_path / "small.csv", 300), write_list(tmp_path / "large.csv", 2400)
    cli.ok("device", "import", write_list(tmp_path / "warm.csv", 60), "--site", "warm")  # imports, caches
    tracemalloc.start()
    try:
        small_peak = _peak(lambda: cli.ok("device", "import", small, "--site", "small"))
        large_peak = _peak(lambda: cli.ok("device", "import", large, "--site", "large"))
    finally:
        tracemalloc.stop()
    assert counts(db_url)["devices"] == 60 + 300 + 2400
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
