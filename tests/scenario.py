"""A scenario driver installed through a real entry point: it answers what a test writes for each device.

Tests break and mend parts between polls by rewriting a device's answer
(``scenario(device, report(...))``); the driver is found, loaded and run
exactly like a vendor's plugin.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

DRIVER_MODULE = """
import json, os
from pathlib import Path
from dcmaint.drivers import (AuthFailed, DeviceReport, ServerDriver, UpsDriver, Unreachable, hookimpl)

ERRORS = {"unreachable": Unreachable, "auth_failed": AuthFailed}

class ScenarioDriver(ServerDriver):
    name = "scenario"
    version = "1.0"
    kinds = ("server", "ups", "storage")
    schemes = ("scenario",)

    async def poll(self, target):
        path = Path(os.environ["SCENARIO_DIR"]) / (target.endpoint.split("://")[1] + ".json")
        answer = json.loads(path.read_text())
        if "error" in answer:
            raise ERRORS[answer["error"]](answer["message"])
        return DeviceReport.from_json(answer)

@hookimpl
def dcmaint_register_drivers(register):
    register(ScenarioDriver)
"""


def part(kind, location, health="ok", reason=None, serial=None, spare=None):
    return {
        "kind": kind,
        "location": location,
        "health": health,
        "reason": reason,
        "name": None,
        "part": {
            "manufacturer": "HPE",
            "model": "800W FS Plat Ht Plg LH Pwr Sply Kit",
            "part_number": "865414-B21",
            "spare_part_number": spare,
            "serial": serial,
            "firmware": None,
            "capacity_bytes": None,
            "speed_mhz": None,
            "link_mbps": None,
            "rpm": None,
            "attributes": {},
        },
    }


def report(*components, sensors=()):
    return {
        "identity": {
            "vendor": "HPE",
            "model": "ProLiant DL380 Gen10",
            "serial": "CZ1",
            "firmware": {},
            "part_number": None,
            "hostname": None,
        },
        "components": list(components),
        "sensors": list(sensors),
        "alarms": [],
        "events": [],
        "archive": None,
        "rollup": None,
    }


def install_plugin(site_dir: Path, monkeypatch: pytest.MonkeyPatch, plugin: str, source: str) -> None:
    """Install ``source`` as the module ``dcmaint_PLUGIN`` of a distribution ``dcmaint-PLUGIN`` on sys.path, with
    its entry point, and load only that plugin (drop the module from ``sys.modules`` when done)."""
    dist = site_dir / f"dcmaint_{plugin}-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: dcmaint-{plugin}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[dcmaint.drivers]\n{plugin} = dcmaint_{plugin}\n")
    (site_dir / f"dcmaint_{plugin}.py").write_text(source)
    monkeypatch.syspath_prepend(str(site_dir))
    monkeypatch.setenv("DCMAINT_LOAD_PLUGINS", plugin)


def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, Any], Any]]:
    """Install the scenario driver as a distribution on sys.path; return a function that sets answers."""
    install_plugin(tmp_path / "site-packages", monkeypatch, "scenario", DRIVER_MODULE)
    answers = tmp_path / "answers"
    answers.mkdir()
    monkeypatch.setenv("SCENARIO_DIR", str(answers))
    yield lambda device, answer: (answers / f"{device}.json").write_text(json.dumps(answer))
    sys.modules.pop("dcmaint_scenario", None)
