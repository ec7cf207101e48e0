"""The conformance kit, used the way a vendor uses it, and shown to reject a sloppy driver."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path

import pytest
from example_drivers import (
    BatchReplayDriver,
    BatchReplaySyncDriver,
    QuietUpsDriver,
    ReplayServerDriver,
    ReplaySyncDriver,
)

from dcmaint.drivers import Component, DeviceIdentity, DeviceReport, Health, LogEvent, Target
from dcmaint.drivers.declaration import declaration_problem
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.features import Feature, shown
from dcmaint.secrets import Secret
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation, report_problems


def _cases() -> list[ConformanceCase]:
    def server(name: str, endpoint: str, **fields) -> Target:
        return Target(name, "server", endpoint, username="monitor", timeout=5.0, **fields)

    return [
        ConformanceCase(
            "healthy",
            server("srv-1", "redfish://10.0.0.5"),
            Expectation(status=Health.OK, faults=(), serial="CZ29170ABC"),
        ),
        ConformanceCase(
            "psu-and-disk-faults",
            server("srv-2", "redfish://10.0.0.6"),
            Expectation(status=Health.CRITICAL, faults=("PSU 2", "Bay 1")),
        ),
        ConformanceCase(
            "truncated-answer", server("srv-3", "redfish://10.0.0.7"), Expectation(error=ErrorKind.PROTOCOL_ERROR)
        ),
        ConformanceCase("no-route", server("srv-4", "redfish://10.0.0.99"), Expectation(error=ErrorKind.UNREACHABLE)),
    ]


class TestReplayServerConformance(BaseDriverConformance):
    driver_class = ReplayServerDriver

    def cases(self):
        wrong = Target("srv-5", "server", "redfish://10.0.0.5", username="monitor", credential=Secret("wrong"))
        return [*_cases(), ConformanceCase("wrong-password", wrong, Expectation(error=ErrorKind.AUTH_FAILED))]


class TestReplaySyncConformance(BaseDriverConformance):
    driver_class = ReplaySyncDriver

    def cases(self):
        return [case for case in _cases() if case.id != "truncated-answer"]


def _shelves(array: str = "a1") -> list[ConformanceCase]:
    def shelf(name: str, recording: str, **options: str) -> Target:
        return Target(
            name,
            "storage",
            f"array://{array}.example",
            timeout=5.0,
            options={"recording": recording, "array": array, **options},
        )

    return [
        ConformanceCase(
            "healthy-shelf",
            shelf("shelf-1", "redfish://10.0.0.5"),
            Expectation(status=Health.OK, faults=(), serial="CZ29170ABC"),
        ),
        ConformanceCase(
            "degraded-shelf",
            shelf("shelf-2", "redfish://10.0.0.6"),
            Expectation(status=Health.CRITICAL, faults=("PSU 2", "Bay 1")),
        ),
        ConformanceCase(
            "truncated-shelf", shelf("shelf-3", "redfish://10.0.0.7"), Expectation(error=ErrorKind.PROTOCOL_ERROR)
        ),
        ConformanceCase(
            "disconnected-shelf",
            shelf("shelf-1", "redfish://10.0.0.5", answer="down"),
            Expectation(error=ErrorKind.UNREACHABLE),
        ),  # a second shelf-1: the kit renames it
    ]


class TestBatchReplayConformance(BaseDriverConformance):
    driver_class = BatchReplayDriver

    def cases(self):
        # Case ids name the tests, so they are unique: the second array's shelves carry its name.
        return [*_shelves("a1"), *(replace(case, id=f"{case.id}-a2") for case in _shelves("a2"))]


class TestBatchReplaySyncConformance(BaseDriverConformance):
    driver_class = BatchReplaySyncDriver

    def cases(self):
        return _shelves()


def test_the_kit_groups_cases_as_the_runner_would() -> None:
    kit = TestBatchReplayConformance()
    groups = kit.batches()
    ids = [case.id for case in _shelves()]
    assert [[case.id for case in group] for group in groups] == [ids, [f"{case_id}-a2" for case_id in ids]]
    assert [case.target.name for case in groups[0]] == ["shelf-1", "shelf-2", "shelf-3", "disconnected-shelf"]


@pytest.mark.parametrize(
    ("features", "problem"),
    [
        ("sensors", "must declare its features as a tuple of strings, not 'sensors'"),
        (("poll",), "declares an unknown feature 'poll' (one of: archive, events, firmware, sensors, facility)"),
        (("Sensors",), "declares an unknown feature 'Sensors'"),
        (("events", "events"), "declares a feature twice"),
    ],
)
def test_bad_feature_declarations_are_refused(features: object, problem: str) -> None:
    class Declared(QuietUpsDriver):
        name = "declared"

    Declared.features = features  # type: ignore[assignment]
    found = declaration_problem(Declared)
    assert found is not None and problem in found and "'declared'" in found


def test_every_feature_can_be_declared_and_is_read_from_the_report() -> None:
    from dcmaint.drivers import ArchiveSnapshot, Sensor

    class Declared(QuietUpsDriver):
        name = "declared"
        features = tuple(Feature)

    assert declaration_problem(Declared) is None
    report = DeviceReport(
        DeviceIdentity(),
        components=[Component("filter", "Filter 1", Health.OK)],
        sensors=[Sensor("Supply air", 18.5, "C", Health.OK)],
        events=[LogEvent(None, "compressor started", code="C1")],
        archive=ArchiveSnapshot(firmware={"controller": "2.1"}),
    )
    assert shown(report) == set(Feature)
    assert shown(DeviceReport(DeviceIdentity(), archive=ArchiveSnapshot())) == set()


def test_report_problems_name_each_broken_rule() -> None:
    from datetime import datetime

    report = DeviceReport(
        DeviceIdentity(),
        components=[
            Component("disk", " ", Health.OK),
            Component("psu", "PSU 1", Health.CRITICAL),
            Component("fan", "Fan 1", Health.OK),
            Component("fan", "Fan 1", Health.OK),
        ],
        events=[LogEvent(datetime(2024, 1, 1), "naive time")],
    )
    assert report_problems(report) == [
        "components[0]: has no location (the slot label a technician can find)",
        "components[1] (PSU 1): is critical but gives no reason",
        "components[3]: a second fan at location 'Fan 1'",
        "events[0].at: timestamps must be timezone-aware datetimes (got datetime.datetime(2024, 1, 1, 0, 0))",
    ]
    assert report_problems({"status": "ok"}) == ["poll returned dict, not a DeviceReport"]


SLOPPY_VENDOR_TESTS = """
from dcmaint.drivers import (
    Component, DeviceIdentity, DeviceReport, Health, PartIdentity, Sensor, ServerDriver, StorageDriver, Target
)
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation, PartExpect


class SloppyDriver(ServerDriver):
    name = "sloppy"
    version = "0.0.1"

    async def poll(self, target):
        if target.endpoint == "crash":
            return {}["Members"]
        print("polling", target.name)
        return DeviceReport(DeviceIdentity(), components=[Component("disk", "", Health.CRITICAL)])


class UndeclaredDriver(SloppyDriver):
    version = ""


class SloppyBatch(StorageDriver):
    name = "sloppy-batch"
    version = "0.0.1"

    async def poll_batch(self, targets):
        if len(targets) > 1:
            targets = targets[1:]  # forgets the first shelf when asked for several
        return {
            t.name: KeyError("Members") if t.endpoint == "array://bug" else DeviceReport(DeviceIdentity(serial=t.name))
            for t in targets
        }


class DishonestDriver(ServerDriver):
    # Declares events it never reports, reports sensors it does not declare, and logs every poll.

    name = "dishonest"
    version = "0.0.1"
    features = ("events",)

    async def poll(self, target):
        with open("polls.log", "a", encoding="utf-8") as log:
            print(target.name, file=log)
        return DeviceReport(
            DeviceIdentity(serial="D1"),
            components=[
                Component("psu", "PSU 1", Health.CRITICAL, reason="failed", part=PartIdentity(part_number="PN-1")),
                Component("psu", "PSU 2", Health.CRITICAL, reason="failed"),
            ],
            sensors=[Sensor("Inlet", 21.0, "C", Health.OK)],
        )


class HonestDriver(ServerDriver):
    name = "honest"
    version = "1.2.3"
    features = ("sensors",)

    async def probe(self, target):
        return DeviceIdentity(serial="H1")

    async def poll(self, target):
        return DeviceReport(DeviceIdentity(serial="H1"), sensors=[Sensor("Inlet", 21.0, "C", Health.OK)])


CASES = [
    ConformanceCase("prints", Target("a", "server", "prints"), Expectation(status=Health.OK)),
    ConformanceCase("crash", Target("b", "server", "crash")),
]


class TestSloppy(BaseDriverConformance):
    driver_class = SloppyDriver

    def cases(self):
        return CASES


class TestUndeclared(BaseDriverConformance):
    driver_class = UndeclaredDriver

    def cases(self):
        return CASES[:1]


class TestDishonest(BaseDriverConformance):
    driver_class = DishonestDriver

    def case_ids(self):
        return ["psus"]  # forgets "spare": collection and cases() disagree

    def cases(self):
        wrong = Expectation(
            fault_identity=True,
            parts={"PSU 1": PartExpect(part_number="PN-2")},
            sensors=("Inlet", "Outlet"),
            sensor_health={"Inlet": Health.WARNING},
            events_at_least=1,
            event_codes=("E1",),
            archive=("raid",),
            alarms=("on battery",),
        )
        return [
            ConformanceCase("psus", Target("d", "server", "x"), wrong, family="Dishonest"),
            ConformanceCase("spare", Target("e", "server", "x"), family="Dishonest"),
        ]


class TestHonest(BaseDriverConformance):
    driver_class = HonestDriver

    def case_ids(self):
        return ["h1"]

    def cases(self):
        with open("built.log", "a", encoding="utf-8") as log:
            print("honest", file=log)
        expect = Expectation(serial="H1", sensors=("Inlet",), sensor_health={"Inlet": Health.OK})
        return [ConformanceCase("h1", Target("h", "server", "x"), expect, family="Acme H")]


class TestSloppyBatch(BaseDriverConformance):
    driver_class = SloppyBatch

    def cases(self):
        return [
            ConformanceCase("shelf-1", Target("s1", "storage", "array://a1"), Expectation(serial="s1")),
            ConformanceCase("shelf-2", Target("s2", "storage", "array://a1"), Expectation(serial="s2")),
            ConformanceCase("bug", Target("s3", "storage", "array://bug")),
        ]
"""


def test_the_kit_rejects_a_sloppy_driver(tmp_path: Path) -> None:
    (tmp_path / "test_vendor.py").write_text(textwrap.dedent(SLOPPY_VENDOR_TESTS), encoding="utf-8")
    report = tmp_path / "report.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", "test_vendor.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    failed = {
        f"{case.get('classname').rsplit('.', 1)[-1]}::{case.get('name')}"
        for case in ElementTree.parse(report).iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    }
    assert failed == {
        "TestSloppy::test_raises_only_contract_errors[crash]",
        "TestSloppy::test_returns_a_conforming_report[prints]",
        "TestSloppy::test_returns_a_conforming_report[crash]",
        "TestSloppy::test_does_not_print[prints]",
        "TestSloppy::test_meets_expectation[prints]",
        "TestSloppy::test_meets_expectation[crash]",
        "TestUndeclared::test_declares_itself",
        "TestUndeclared::test_returns_a_conforming_report[prints]",
        "TestUndeclared::test_does_not_print[prints]",
        "TestUndeclared::test_meets_expectation[prints]",
        "TestSloppyBatch::test_raises_only_contract_errors[bug]",
        "TestSloppyBatch::test_returns_a_conforming_report[bug]",
        "TestSloppyBatch::test_meets_expectation[bug]",
        "TestSloppyBatch::test_one_batch_answers_every_case",
        "TestDishonest::test_case_ids_match_cases",
        "TestDishonest::test_fault_parts_are_identified[psus]",
        "TestDishonest::test_sensors_are_reported[psus]",
        "TestDishonest::test_events_are_reported[psus]",
        "TestDishonest::test_archive_is_reported[psus]",
        "TestDishonest::test_alarms_are_reported[psus]",
        "TestDishonest::test_declares_the_features_it_shows[psus]",
        "TestDishonest::test_every_declared_feature_is_shown",
    }
    assert "poll_batch answered no entry for 's1'" in done.stdout
    assert "has no location" in done.stdout and "gives no reason" in done.stdout
    assert "drivers may raise only Unreachable" in done.stdout
    for message in (
        "case_ids() gives ['psus'], cases() builds ['psus', 'spare']",
        "parts: PSU 1 part_number 'PN-1', expected 'PN-2'",
        "fault_identity: PSU 2 is a fault without part number",
        "sensors: no sensor named 'Outlet'",
        "sensor_health: Inlet is ok, expected warning",
        "events: 0 events, expected at least 1",
        "event_codes: no event with code 'E1'",
        "archive: section 'raid' is missing or empty",
        "alarms [], expected ['on battery']",
        "the report shows sensors, which DishonestDriver.features does not declare",
        "DishonestDriver.features declares events, shown by no case",
    ):
        assert message in done.stdout, message
    # Every check read one cached poll per case: each target was polled once in the whole session.
    assert sorted((tmp_path / "polls.log").read_text(encoding="utf-8").split()) == ["d", "e"]
    assert (tmp_path / "built.log").read_text(encoding="utf-8") == "honest\n"


def test_collection_builds_no_case_and_the_matrix_names_what_passed(tmp_path: Path) -> None:
    """Listing the tests asks only ``case_ids()``; a ``--dcmaint-matrix`` run writes each case's proof."""
    (tmp_path / "test_vendor.py").write_text(textwrap.dedent(SLOPPY_VENDOR_TESTS), encoding="utf-8")
    pytest_command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    listed = subprocess.run(
        [*pytest_command, "--collect-only", "test_vendor.py::TestHonest"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "test_vendor.py::TestHonest::test_meets_expectation[h1]" in listed.stdout, listed.stdout + listed.stderr
    assert not (tmp_path / "built.log").exists()
    matrix = tmp_path / "matrix.json"
    subprocess.run(
        [*pytest_command, f"--dcmaint-matrix={matrix}", "test_vendor.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    document = json.loads(matrix.read_text(encoding="utf-8"))
    by_case = {(entry["kit"], entry["case"]): entry for entry in document["cases"]}
    assert by_case["TestHonest", "h1"] == {
        "driver": "honest",
        "version": "1.2.3",
        "kit": "TestHonest",
        "family": "Acme H",
        "case": "h1",
        "recording": None,
        "proved": ["poll", "probe", "sensors"],
        "passed": True,
    }
    assert by_case["TestDishonest", "spare"]["passed"] is False  # its class failed
    assert by_case["TestSloppy", "prints"]["passed"] is False
    assert document["incomplete"] == []
