"""Drivers used by the driver tests: a well-behaved one fed by recorded answers, and misbehaving ones."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from dcmaint.drivers import (
    ArchiveSnapshot,
    AuthFailed,
    Component,
    DeviceIdentity,
    DeviceReport,
    Driver,
    DriverError,
    Health,
    LogEvent,
    PartIdentity,
    ProtocolError,
    Sensor,
    ServerDriver,
    StorageDriver,
    SyncDriver,
    Target,
    Thresholds,
    Unreachable,
    UpsDriver,
    hookimpl,
)

# Recorded answers of two servers, keyed by endpoint, in a Redfish-like shape.
RECORDINGS: Mapping[str, Mapping[str, Any]] = {
    "redfish://10.0.0.5": {
        "Manufacturer": "HPE",
        "Model": "ProLiant DL380 Gen10",
        "SerialNumber": "CZ29170ABC",
        "Firmware": {"iLO 5": "2.72", "System ROM": "U30 v2.80"},
        "PowerSupplies": [
            {"Slot": "PSU 1", "Health": "OK", "Model": "865414-B21", "SerialNumber": "5WBXK0A1"},
            {"Slot": "PSU 2", "Health": "OK", "Model": "865414-B21", "SerialNumber": "5WBXK0A2"},
        ],
        "Drives": [
            {"Bay": "Bay 1", "Health": "OK", "Model": "EG001200JWJNQ", "CapacityBytes": 1200000000000},
            {"Bay": "Bay 2", "Health": "Absent"},
        ],
        "Temperatures": [{"Name": "Inlet Temp", "Reading": 22.0, "UpperWarning": 38.0, "UpperCritical": 42.0}],
        "Log": [{"Created": "2024-05-01T03:12:00+00:00", "Message": "Server power restored", "Severity": "OK"}],
    },
    "redfish://10.0.0.6": {
        "Manufacturer": "HPE",
        "Model": "ProLiant DL380 Gen10",
        "SerialNumber": "CZ29170ABD",
        "Firmware": {"iLO 5": "2.72"},
        "PowerSupplies": [
            {"Slot": "PSU 1", "Health": "OK", "Model": "865414-B21"},
            {"Slot": "PSU 2", "Health": "Critical", "Model": "865414-B21", "Reason": "input power lost"},
        ],
        "Drives": [{"Bay": "Bay 1", "Health": "Warning", "Reason": "predictive failure", "Model": "EG001200JWJNQ"}],
        "Temperatures": [{"Name": "Inlet Temp", "Reading": 39.5, "UpperWarning": 38.0, "UpperCritical": 42.0}],
        "Log": [],
    },
    "redfish://10.0.0.7": {"Manufacturer": "HPE"},  # truncated answer: the driver must say protocol error
}

_HEALTH = {"OK": Health.OK, "Warning": Health.WARNING, "Critical": Health.CRITICAL, "Absent": Health.ABSENT}


def parse_recording(data: Mapping[str, Any]) -> DeviceReport:
    """What a real driver does with a device's answer: map it onto the contract's model."""
    try:
        components = [
            Component(
                "psu",
                psu["Slot"],
                _HEALTH[psu["Health"]],
                reason=psu.get("Reason"),
                part=PartIdentity(model=psu.get("Model"), serial=psu.get("SerialNumber")),
            )
            for psu in data["PowerSupplies"]
        ] + [
            Component(
                "disk",
                drive["Bay"],
                _HEALTH[drive["Health"]],
                reason=drive.get("Reason"),
                part=PartIdentity(model=drive.get("Model"), capacity_bytes=drive.get("CapacityBytes"))
                if drive["Health"] != "Absent"
                else None,
            )
            for drive in data["Drives"]
        ]
        sensors = []
        for reading in data["Temperatures"]:
            limits = Thresholds(upper_warning=reading["UpperWarning"], upper_critical=reading["UpperCritical"])
            sensors.append(Sensor(reading["Name"], reading["Reading"], "Cel", limits.judge(reading["Reading"]), limits))
        events = [
            LogEvent(datetime.fromisoformat(entry["Created"]), entry["Message"], _HEALTH[entry["Severity"]])
            for entry in data["Log"]
        ]
        return DeviceReport(
            identity=DeviceIdentity(
                vendor=data["Manufacturer"], model=data["Model"], serial=data["SerialNumber"], firmware=data["Firmware"]
            ),
            components=components,
            sensors=sensors,
            events=events,
            archive=ArchiveSnapshot(
                firmware=dict(data["Firmware"]),
                hardware={"psus": len(data["PowerSupplies"]), "bays": len(data["Drives"])},
            ),
        )
    except KeyError as missing:
        raise ProtocolError(f"answer lacks {missing}") from None


class ReplayServerDriver(ServerDriver):
    """A well-behaved asyncio driver that reads recorded answers instead of a network."""

    name = "replay-server"
    features = ("archive", "events", "firmware", "sensors")
    version = "1.0.0"

    def __init__(self, recordings: Mapping[str, Mapping[str, Any]] = RECORDINGS) -> None:
        self._recordings = recordings

    async def poll(self, target: Target) -> DeviceReport:
        await asyncio.sleep(0)
        if target.credential is not None and target.credential.reveal() == "wrong":
            raise AuthFailed(f"{target.endpoint}: 401 Unauthorized for user {target.username}")
        data = self._recordings.get(target.endpoint or "")
        if data is None:
            raise Unreachable(f"{target.endpoint}: connection refused")
        return parse_recording(data)


class ReplaySyncDriver(SyncDriver, ServerDriver):
    """The same driver written against a blocking library."""

    name = "replay-sync"
    features = ("archive", "events", "firmware", "sensors")
    version = "1.0.0"

    def probe_sync(self, target: Target) -> DeviceIdentity | None:
        data = RECORDINGS.get(target.endpoint or "")
        if data is None:
            raise Unreachable(f"{target.endpoint}: connection refused")
        return DeviceIdentity(vendor=data["Manufacturer"], model=data.get("Model")) if "Model" in data else None

    def poll_sync(self, target: Target) -> DeviceReport:
        time.sleep(0.01)
        data = RECORDINGS.get(target.endpoint or "")
        if data is None:
            raise Unreachable(f"{target.endpoint}: connection refused")
        return parse_recording(data)


class QuietUpsDriver(UpsDriver):
    name = "quiet-ups"
    version = "0.1.0"

    async def poll(self, target: Target) -> DeviceReport:
        return DeviceReport(identity=DeviceIdentity(vendor="Acme", model="UPS 10k", serial=target.name))


class ReplayPlugin:
    """A plugin object, registered in-process the way an installed module would be."""

    @hookimpl
    def dcmaint_register_drivers(self, register):
        register(ReplayServerDriver)
        register(QuietUpsDriver)


# -- misbehaving drivers for the runner ------------------------------------

RELEASE = threading.Event()  # set by tests at the end so abandoned threads can finish


class HangingDriver(ServerDriver):
    name = "hangs"
    version = "1"

    async def poll(self, target: Target) -> DeviceReport:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")


class StubbornDriver(ServerDriver):
    """Swallows cancellation and keeps going: the runner must not wait for it."""

    name = "stubborn"
    version = "1"

    async def poll(self, target: Target) -> DeviceReport:
        for _ in range(600):
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                continue
        raise AssertionError("unreachable")


class HangingSyncDriver(SyncDriver, ServerDriver):
    name = "hangs-sync"
    version = "1"

    def poll_sync(self, target: Target) -> DeviceReport:
        RELEASE.wait(120)
        raise Unreachable("released")


class CrashingDriver(ServerDriver):
    name = "crashes"
    version = "1"

    async def poll(self, target: Target) -> DeviceReport:
        raise ValueError(f"cannot parse answer from {target.endpoint}")


class GarbageDriver(ServerDriver):
    name = "garbage"
    version = "1"

    async def poll(self, target: Target) -> DeviceReport:
        return {"status": "ok"}  # type: ignore[return-value]


class ExitingDriver(SyncDriver, ServerDriver):
    name = "exits"
    version = "1"

    def poll_sync(self, target: Target) -> DeviceReport:
        raise SystemExit(3)


class NotADriver:
    name = "not-a-driver"


class NamelessDriver(Driver):
    version = "1"
    kinds = ("server",)  # type: ignore[assignment]

    async def poll(self, target: Target) -> DeviceReport:
        raise Unreachable("never")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- batch drivers: many devices behind one endpoint -------------------------


def _batch_entry(target: Target) -> DeviceReport | DriverError | object:
    """One device's part of a batch answer, chosen by its ``answer`` option (default: its recording)."""
    answer = target.options.get("answer", "report")
    if answer == "garbage":
        return {"status": "ok"}
    if answer == "down":
        return Unreachable(f"{target.name}: host not connected to the manager")
    if answer == "crash":
        return ValueError("cannot parse this host")
    data = RECORDINGS.get(target.options.get("recording", ""))
    if data is None:
        return ProtocolError(f"{target.name}: no recording")
    try:
        return parse_recording(data)
    except ProtocolError as error:
        return error


def batch_answer(targets: Sequence[Target]) -> dict[str, DeviceReport | DriverError | object]:
    """What a manager answers for ``targets``: one entry per target except those told to be left out."""
    return {target.name: _batch_entry(target) for target in targets if target.options.get("answer") != "omit"}


class BatchReplayDriver(StorageDriver):
    """Every shelf of one array in one call: replays ``RECORDINGS`` by the ``recording`` option, counts its calls.

    The endpoint's host says how the whole call behaves: ``hang.example`` never answers,
    ``locked.example`` refuses the login, ``broken.example`` raises a bug, ``nonsense.example`` answers
    a list instead of a mapping.
    """

    name = "batch-replay"
    features = ("archive", "events", "firmware", "sensors")
    version = "1.0.0"
    schemes = ("array",)

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []  # the target names of each call, for the tests to count

    async def poll_batch(self, targets: Sequence[Target]) -> Any:
        self.calls.append(tuple(target.name for target in targets))
        host = (targets[0].endpoint or "").split("://")[-1]
        if host == "hang.example":
            await asyncio.sleep(3600)
        if host == "locked.example":
            raise AuthFailed(f"{host}: login refused for {targets[0].username}")
        if host == "broken.example":
            raise KeyError("Members")
        if host == "nonsense.example":
            return [target.name for target in targets]
        await asyncio.sleep(0)
        return batch_answer(targets)


class BatchReplaySyncDriver(SyncDriver, StorageDriver):
    """The same, written against a blocking SDK, batching by the ``array`` option instead of the endpoint."""

    name = "batch-replay-sync"
    features = ("archive", "events", "firmware", "sensors")
    version = "1.0.0"

    def batch_key(self, target: Target) -> str:
        return target.options.get("array", target.name)

    def poll_batch_sync(self, targets: Sequence[Target]) -> Any:
        time.sleep(0.01)
        answer = batch_answer(targets)
        for name, entry in answer.items():  # the pid of the process that polled it, for the worker tests
            if isinstance(entry, DeviceReport):
                answer[name] = replace(entry, identity=replace(entry.identity, hostname=f"{os.getpid()}"))
        return answer
