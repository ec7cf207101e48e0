"""dcmaint's driver conformance kit, run against fake BMCs over HTTP: my own trees and every vendor fixture.

Collection reads only ``case_ids()``; the fake BMCs start when the kit first
builds the cases (the first check that runs) and stop when the test process
ends. Each case names its device family for the support matrix: the vendor
fixtures their BMC, my own trees a generic DMTF Redfish service.
"""

from __future__ import annotations

import atexit
from dataclasses import replace
from typing import Any

import rf_make_recordings
import rf_trees as trees
from rf_devices import DEVICES
from rf_fakebmc import FakeBmc

from dcmaint.drivers import ErrorKind, Health, Target
from dcmaint.secrets import Secret
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation, PartExpect
from dcmaint_redfish.driver import RedfishDriver

_servers: dict[str, FakeBmc] = {}


def _serve(key: str, resources: Any, **options: Any) -> FakeBmc:
    if key not in _servers:
        _servers[key] = FakeBmc(resources, **options).start()
    return _servers[key]


@atexit.register
def _stop_all() -> None:
    for server in _servers.values():
        server.stop()
    _servers.clear()


#: The device family of each simulator flavour (each vendor fixture), named once for the recordings and these cases.
FAMILIES = {case.flavour: case.family for case in rf_make_recordings.CASES}
#: The family of the trees built by rf_trees: standard DMTF resources only.
GENERIC = FAMILIES["dmtf-generic"]
OWN_CASES = ("healthy", "five-faults", "legacy-firmware", "wrong-password", "malformed")


#: What the faulty tree gives, whatever the firmware's dialect: four faults, sensors, the event log, an archive.
FAULTY = Expectation(
    status=Health.CRITICAL,
    faults=("PSU 2", "Bay 4", "P1-DIMMA1", "Battery 1"),
    sensors=("Inlet Temp", "CPU 1 Temp", "12V Rail"),
    sensor_health={"Fan 3": Health.ABSENT, "Inlet Temp": Health.OK},
    events_at_least=2,
    event_codes=("SEL.2", "SEL.3"),
    archive=("hardware.psu", "system.bmc", "raid", "firmware.BIOS"),
    alarms=(),
)
PSU_2 = PartExpect(part_number="865414-B21", spare_part_number="866730-001", serial="PSU-SN-2")
BAY_4 = PartExpect(part_number="781518-B21", spare_part_number="782669-001", serial="W3C00004")


def case(
    case_id: str, bmc: FakeBmc, expect: Expectation, *, password: str = "secret", family: str = GENERIC
) -> ConformanceCase:
    target = Target(case_id, "server", bmc.endpoint, username="admin", credential=Secret(password), timeout=10.0)
    return ConformanceCase(case_id, target, expect, family=family)


def _vendor_cases() -> list[ConformanceCase]:
    from dcmaint_redfish import fixtures

    found = []
    for name in fixtures.names():
        fixture = fixtures.load(name)
        bmc = _serve(f"vendor-{name}", fixture.resources)
        # The fixture as written: what the simulator's flavour of that name gives, except its serials.
        expect = DEVICES[name].expect(Health.OK, serials=False)
        found.append(case(f"vendor-{name}", bmc, expect, family=FAMILIES[name]))
    return found


class TestRedfishConformance(BaseDriverConformance):
    driver_class = RedfishDriver

    def case_ids(self) -> list[str]:
        from dcmaint_redfish import fixtures

        return [*OWN_CASES, *(f"vendor-{name}" for name in fixtures.names())]

    def cases(self) -> list[ConformanceCase]:
        malformed = _serve("malformed", trees.server())
        malformed.fail(f"{trees.R}/Chassis", body=b"{oops")
        return [
            case(
                "healthy",
                _serve("healthy", trees.server()),
                # The same tree without its faults: every part identified, Fan 3 fitted, the same log and archive.
                replace(
                    FAULTY,
                    status=Health.OK,
                    faults=(),
                    serial="ACME0001",
                    parts={"PSU 2": PSU_2, "Bay 4": BAY_4},
                    fault_identity=True,
                    sensor_health={"Fan 3": Health.OK, "Inlet Temp": Health.OK},
                ),
            ),
            case(
                "five-faults",
                _serve("faulty", trees.faulty()),
                replace(FAULTY, fault_identity=True, parts={"PSU 2": PSU_2, "Bay 4": BAY_4}),
            ),
            case(
                "legacy-firmware",
                _serve("legacy", trees.legacy(trees.faulty())),
                # Older firmware leaves the PSU's part and spare numbers out: only its serial identifies it.
                replace(FAULTY, fault_identity=True, parts={"PSU 2": PartExpect(serial="PSU-SN-2"), "Bay 4": BAY_4}),
            ),
            case(
                "wrong-password",
                _serve("healthy", trees.server()),
                Expectation(error=ErrorKind.AUTH_FAILED),
                password="wrong",
            ),
            case("malformed", malformed, Expectation(error=ErrorKind.PROTOCOL_ERROR)),
            *_vendor_cases(),
        ]
