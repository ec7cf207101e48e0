"""docs/drivers/matrix.md: rendered from what the conformance kit proved, and never stale.

The freshness test runs every plugin's conformance classes (``tools/matrix.py --check``): they start their
own peers (fake BMCs, the SNMP simulator, vcsim), about 35 s here. A run in which a peer is missing cannot
say whether the page is stale: it skips, and fails under ``CI=true``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import matrix as matrix_tool  # noqa: E402  (tools/matrix.py)


def _case(case: str, family: str | None, proved: list[str], *, passed: bool = True, **fields: str) -> dict:
    entry = {"driver": "acme", "version": "2.0", "kit": "TestAcme", "family": family, "case": case}
    return {**entry, "recording": None, "proved": proved, "passed": passed, **fields}


def test_only_passing_cases_with_a_family_fill_the_cells() -> None:
    document = {
        "format": 1,
        "incomplete": [],
        "cases": [
            _case("old", "Acme 1", ["poll", "probe", "sensors"], recording="acme1-old.json"),
            _case("new", "Acme 1", ["poll", "probe", "events"], recording="acme1-new.json"),
            _case("broken", "Acme 1", ["poll", "archive"], passed=False),
            _case("wrong-password", "Acme 1", []),
            _case("lab", None, ["poll", "firmware"]),
            _case("two", "Acme 2", ["poll", "sensors"]),
        ],
    }
    page = matrix_tool.render(document)
    assert "## acme 2.0" in page
    assert "| Device family | proved on | poll | probe | events | sensors |" in page
    assert "| Acme 1 | `acme1-new.json`, `acme1-old.json` | all | all | `acme1-new.json` | `acme1-old.json` |" in page
    assert "| Acme 2 | `two` | all |  |  | all |" in page
    for absent in ("broken", "archive", "wrong-password", "lab", "firmware"):
        assert absent not in page.split("## acme")[1], absent


def test_a_matrix_file_of_another_format_is_refused() -> None:
    with pytest.raises(SystemExit, match="unknown matrix file format 2"):
        matrix_tool.render({"format": 2, "cases": []})


def test_the_page_is_what_the_kit_proves_now() -> None:
    done = subprocess.run(
        [sys.executable, "tools/matrix.py", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    if done.returncode == matrix_tool.INCOMPLETE and os.environ.get("CI") != "true":
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stderr
    assert "generated in" in done.stderr


def test_the_page_is_linked_for_readers() -> None:
    for page in ("README.md", "docs/plugins.md"):
        assert "drivers/matrix.md" in (ROOT / page).read_text(encoding="utf-8"), page
