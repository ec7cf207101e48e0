"""The driver plugin contract.

What a vendor needs to write a driver is importable from here::

    from dcmaint.drivers import (
        hookimpl, ServerDriver, Target, DeviceReport, DeviceIdentity, Component,
        ComponentKind, Health, PartIdentity, Sensor, Unreachable, AuthFailed,
        BatchAnswer,  # what poll_batch returns
        FoundDevice,  # what discover returns, one per device behind a manager
    )

The core's side (discovery, polling) lives in :mod:`dcmaint.drivers.manager`,
:mod:`dcmaint.drivers.runner` and :mod:`dcmaint.drivers.plan`; they are
imported lazily so that a plugin importing this package does not pay for
entry-point scanning.
"""

from __future__ import annotations

from typing import Any

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers.base import (
    BatchAnswer,
    CoolingDriver,
    Driver,
    HypervisorDriver,
    NetworkDriver,
    ServerDriver,
    StorageDriver,
    SyncDriver,
    UpsDriver,
)
from dcmaint.drivers.discovery import FoundDevice
from dcmaint.drivers.errors import (
    AuthFailed,
    DriverError,
    ErrorKind,
    NotSupported,
    ProtocolError,
    TimedOut,
    Unreachable,
)
from dcmaint.drivers.health import ComponentKind, Health
from dcmaint.drivers.hookspecs import hookimpl
from dcmaint.drivers.model import Alarm, Component, ComponentRef, LogEvent, PartIdentity, Sensor, Thresholds
from dcmaint.drivers.report import ArchiveSnapshot, DeviceIdentity, DeviceReport
from dcmaint.drivers.target import Target, TlsSettings, target_from_device

#: The version of this contract (the classes, the report's JSON, the hooks, the errors): the major changes only when
#: a plugin written for the previous one may stop working (docs/compatibility.md).
CONTRACT_VERSION = "1.0"

_LAZY = {
    "DriverManager": "dcmaint.drivers.manager",
    "PollJob": "dcmaint.drivers.runner",
    "poll_all": "dcmaint.drivers.runner",
    "run_discovery": "dcmaint.drivers.runner",
    "run_jobs": "dcmaint.drivers.runner",
    "PollResult": "dcmaint.drivers.result",
    "plan_polls": "dcmaint.drivers.plan",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dcmaint.drivers' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "CONTRACT_VERSION",
    "Alarm",
    "ArchiveSnapshot",
    "AuthFailed",
    "BatchAnswer",
    "Component",
    "ComponentKind",
    "ComponentRef",
    "CoolingDriver",
    "DeviceIdentity",
    "DeviceKind",
    "DeviceReport",
    "Driver",
    "DriverError",
    "DriverManager",
    "ErrorKind",
    "FoundDevice",
    "Health",
    "HypervisorDriver",
    "LogEvent",
    "NetworkDriver",
    "NotSupported",
    "PartIdentity",
    "PollJob",
    "PollResult",
    "ProtocolError",
    "Sensor",
    "ServerDriver",
    "StorageDriver",
    "SyncDriver",
    "Target",
    "Thresholds",
    "TimedOut",
    "TlsSettings",
    "Unreachable",
    "UpsDriver",
    "hookimpl",
    "plan_polls",
    "poll_all",
    "run_discovery",
    "run_jobs",
    "target_from_device",
]
