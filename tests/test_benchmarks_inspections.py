"""benchmarks/inspections.py still runs: a smoke-size site on each backend, every figure printed, every check passed.

No timing is asserted: exit status 3 (a target missed) is accepted, only a
failed check (1) or a crash fails the test.
"""

from __future__ import annotations

import pytest

from tests.helpers import run_benchmark


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_quick_run_prints_every_figure(backend, request):
    pg_url = request.getfixturevalue("postgres") if backend == "postgresql" else "postgresql://unused"
    done = run_benchmark("inspections.py", "--backend", backend, "--pg-url", pg_url)
    for fmt in ("md", "html", "pdf"):
        assert f"{backend}: inspect report --format {fmt}, in process: median " in done.stdout, done.stdout
        assert f"{backend}: end to end, `dcmaint inspect report RUN --format {fmt}`: " in done.stdout, done.stdout
        assert f"PASS {backend}: {fmt}: the report lists the devices" in done.stdout
    assert f"{backend}: inspect report --format pdf, peak memory (tracemalloc): " in done.stdout
