"""benchmarks/reports.py still runs: a smoke-size store on each backend, every figure line printed, every check passed.

No timing is asserted: exit status 3 (a target missed) is accepted, only a
failed check (1) or a crash fails the test.
"""

from __future__ import annotations

import pytest

from tests.helpers import run_benchmark

FIGURES = [
    "the store's side of report monthly ",
    "baseline, the same for ",
    *(f"--format {fmt}`: " for fmt in ("pdf", "html", "md")),
    "peak memory ",
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_quick_run_prints_every_figure(backend, request):
    pg_url = request.getfixturevalue("postgres") if backend == "postgresql" else "postgresql://unused"
    done = run_benchmark("reports.py", "--backend", backend, "--pg-url", pg_url)
    for figure in FIGURES:
        assert figure in done.stdout, (figure, done.stdout)
    for fmt in ("pdf", "html", "md"):
        assert f"PASS {backend}: {fmt}: the report is whole" in done.stdout
    assert f"{backend} pdf: " in done.stdout and "target under 5 s" in done.stdout
