"""dcmaint's driver conformance kit for ``redfish-facility``: the simulator's CDU and PDU trees on fake BMCs.

Collection reads only ``case_ids()``; the fake BMCs start when the kit first builds the cases.
"""

from __future__ import annotations

import atexit

from rf_fakebmc import FakeBmc

from dcmaint.drivers import Health, Target
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.secrets import Secret
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation, PartExpect
from dcmaint_redfish.driver import RedfishFacilityDriver
from dcmaint_redfish.sim.server import plan

_servers: dict[str, FakeBmc] = {}


def _serve(flavour: str, faults: str = "") -> FakeBmc:
    key = f"{flavour}:{faults}"
    if key not in _servers:
        [bmc] = plan(SimulatorOptions(count=1, faults=faults, flavours=(flavour,)))
        _servers[key] = FakeBmc(dict(bmc.view.resources)).start()
    return _servers[key]


@atexit.register
def _stop_all() -> None:
    for server in _servers.values():
        server.stop()
    _servers.clear()


#: The device family each simulated flavour stands for in the support matrix.
FAMILIES = {"cdu": "Redfish CDU (DMTF ThermalEquipment)", "pdu": "Redfish rack PDU (DMTF PowerEquipment)"}
CASES = ("cdu", "pdu", "cdu-worn-filter-and-leak", "pdu-tripped")


def case(case_id: str, kind: str, bmc: FakeBmc, expect: Expectation) -> ConformanceCase:
    target = Target(case_id, kind, bmc.endpoint, username="admin", credential=Secret("secret"), timeout=10.0)
    return ConformanceCase(case_id, target, expect, family=FAMILIES[case_id.split("-")[0]])


class TestFacilityConformance(BaseDriverConformance):
    driver_class = RedfishFacilityDriver

    def case_ids(self) -> tuple[str, ...]:
        return CASES

    def cases(self) -> list[ConformanceCase]:
        return [
            case("cdu", "cooling", _serve("cdu"), Expectation(status=Health.OK, faults=(), serial="SIMCDU000001")),
            case("pdu", "ups", _serve("pdu"), Expectation(status=Health.OK, faults=(), serial="SIMPDU000001")),
            case(
                "cdu-worn-filter-and-leak",
                "cooling",
                _serve("cdu", "filter:2=91,leak:2"),
                Expectation(
                    status=Health.CRITICAL,
                    faults=("Filter 2", "Fluid Level Overflow"),
                    parts={"Filter 2": PartExpect(part_number="SIM-FILTER-50", spare_part_number="SIM-SP-FLT50")},
                    sensors=("Pump 1 speed", "Reservoir 1 fluid level", "Primary loop 1 supply temperature"),
                    archive=("hardware.facility", "system.bmc", "firmware.BMC"),
                    alarms=("Simulator.1.0.LeakCritical",),
                ),
            ),
            case(
                "pdu-tripped",
                "ups",
                _serve("pdu", "breaker:1"),
                Expectation(
                    status=Health.CRITICAL,
                    faults=("Branch Circuit CB1",),
                    sensor_health={"Branch Circuit CB1 current": Health.OK, "Mains Circuit AC1 voltage": Health.OK},
                    alarms=("Simulator.1.0.BreakerTripped",),
                ),
            ),
        ]
