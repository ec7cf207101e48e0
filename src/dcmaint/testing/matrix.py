"""``pytest --dcmaint-matrix=FILE``: run only the conformance kit's checks and write what each case proved.

The support matrix (docs/drivers/matrix.md, rendered by tools/matrix.py)
must say only what a test showed, so it is read from a kit run rather than
from the drivers' declarations. Per case the file holds the driver's name
and version, the device family, the case id, the recording's file name, what
the case proved (``poll``, ``probe``, ``poll_batch`` and the features its
report carries) and whether every kit check of the case and of its class
passed. Runs in one process (the cached outcomes are read at the end).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from dcmaint.drivers.features import shown
from dcmaint.drivers.report import DeviceIdentity, DeviceReport
from dcmaint.testing.cases import existing_book
from dcmaint.testing.conformance import KIT_CHECKS, BaseDriverConformance

#: The file's format; tools/matrix.py refuses another.
FORMAT = 1


@dataclass(frozen=True)
class Proof:
    """What one conformance case proved about one driver."""

    driver: str
    version: str
    kit: str
    family: str | None
    case: str
    recording: str | None
    proved: tuple[str, ...]
    passed: bool


def proved(kit: type[BaseDriverConformance], case_id: str) -> tuple[str, ...]:
    """What the cached outcomes of ``case_id`` show, in matrix column order; () when it gave no report."""
    book = existing_book(kit)
    if book is None or case_id not in book.polls:
        return ()
    report = book.polls[case_id].report
    if not isinstance(report, DeviceReport):
        return ()
    driver = kit.driver_class
    found = ["poll"]
    probe = book.probes.get(case_id)
    if probe is not None and isinstance(probe.report, DeviceIdentity):
        found.append("probe")
    if "poll_batch" in driver.capabilities():
        found.append("poll_batch")
    found += sorted(set(shown(report)) & set(driver.features))
    return tuple(found)


class MatrixCollector:
    """The pytest plugin object a ``--dcmaint-matrix`` run registers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[pytest.Item] = []
        self.failed: set[str] = set()

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        kept, dropped = [], []
        for item in items:
            cls = getattr(item, "cls", None)
            name = getattr(item, "originalname", item.name)
            is_kit = isinstance(cls, type) and issubclass(cls, BaseDriverConformance) and name in KIT_CHECKS
            (kept if is_kit else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept
        self.items = kept

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.add(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.path.write_text(json.dumps(self.document(), indent=1) + "\n", encoding="utf-8")

    def document(self) -> dict[str, Any]:
        """Every case of every kit class that ran, with what it proved."""
        failed_kits: set[type] = set()
        failed_cases: set[tuple[type, str]] = set()
        kits: list[type[BaseDriverConformance]] = []
        for item in self.items:
            cls: Any = getattr(item, "cls", None)
            if cls not in kits:
                kits.append(cls)
            params = getattr(item, "callspec", None)
            case_id = params.params.get("conformance_case") if params is not None else None
            if item.nodeid in self.failed:
                if case_id is None:
                    failed_kits.add(cls)
                else:
                    failed_cases.add((cls, case_id))
        proofs, incomplete = [], []
        for kit in kits:
            book = existing_book(kit)
            if book is None or not book.built():
                incomplete.append(kit.__qualname__)  # its cases were never built: skipped (a missing peer) or broken
                continue
            driver = kit.driver_class
            for case in book.cases().values():
                proofs.append(
                    Proof(
                        driver=driver.name,
                        version=driver.version,
                        kit=kit.__qualname__,
                        family=case.family,
                        case=case.id,
                        recording=case.recording.name if case.recording is not None else None,
                        proved=proved(kit, case.id),
                        passed=kit not in failed_kits and (kit, case.id) not in failed_cases,
                    )
                )
        proofs.sort(key=lambda proof: (proof.driver, proof.family or "", proof.case))
        return {"format": FORMAT, "cases": [asdict(proof) for proof in proofs], "incomplete": sorted(incomplete)}
