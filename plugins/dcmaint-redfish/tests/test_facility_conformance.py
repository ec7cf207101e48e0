"""dcmaint's driver conformance kit for ``redfish-facility``: the simulator's CDU and PDU trees on fake BMCs.

Collection reads only ``case_ids()``; the fake BMCs start when the kit first builds the cases.
"""

from __future__ import annotations

import atexit
from dataclasses import replace

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


#: What the simulated units give (``sim/facility.py``); neither keeps an event log, so no case states events.
PUMP = PartExpect(part_number="SIM-PUMP-40", spare_part_number="SIM-SP-PUMP40", serial="SIMPUMP00001")
FILTER = PartExpect(part_number="SIM-FILTER-50", spare_part_number="SIM-SP-FLT50")
CDU_PARTS = {"CDU 1": PartExpect(part_number="SIM-CDU-P800", serial="SIMCDU000001"), "Pump 1": PUMP, "Filter 1": FILTER}
FACILITY_ARCHIVE = ("hardware.facility", "system.bmc", "firmware.BMC")
CDU = Expectation(
    status=Health.OK,
    faults=(),
    serial="SIMCDU000001",
    parts=CDU_PARTS,
    fault_identity=True,
    sensors=("Pump 1 speed", "Reservoir 1 fluid level", "Primary loop 1 supply temperature"),
    sensor_health={"Pump 1 speed": Health.OK, "Primary loop 1 flow": Health.OK},
    archive=FACILITY_ARCHIVE,
    alarms=(),
)
PDU = Expectation(
    status=Health.OK,
    faults=(),
    serial="SIMPDU000001",
    parts={"Rack A03 PDU A": PartExpect(part_number="SIM-RPDU-P12", serial="SIMPDU000001")},
    fault_identity=True,
    sensors=("Mains Circuit AC1 voltage", "Branch Circuit CB1 power"),
    sensor_health={"Branch Circuit CB1 current": Health.OK, "Mains Circuit AC1 voltage": Health.OK},
    archive=FACILITY_ARCHIVE,
    alarms=(),
)


def case(case_id: str, kind: str, bmc: FakeBmc, expect: Expectation) -> ConformanceCase:
    target = Target(case_id, kind, bmc.endpoint, username="admin", credential=Secret("secret"), timeout=10.0)
    return ConformanceCase(case_id, target, expect, family=FAMILIES[case_id.split("-")[0]])


class TestFacilityConformance(BaseDriverConformance):
    driver_class = RedfishFacilityDriver

    def case_ids(self) -> tuple[str, ...]:
        return CASES

    def cases(self) -> list[ConformanceCase]:
        return [
            case("cdu", "cooling", _serve("cdu"), CDU),
            case("pdu", "ups", _serve("pdu"), PDU),
            case(
                "cdu-worn-filter-and-leak",
                "cooling",
                _serve("cdu", "filter:2=91,leak:2"),
                # A leak detector has no part identity: ``fault_identity`` cannot be promised for this case.
                replace(
                    CDU,
                    status=Health.CRITICAL,
                    faults=("Filter 2", "Fluid Level Overflow"),
                    parts={**CDU_PARTS, "Filter 2": FILTER},
                    fault_identity=None,
                    alarms=("Simulator.1.0.LeakCritical",),
                ),
            ),
            case(
                "pdu-tripped",
                "ups",
                _serve("pdu", "breaker:1"),
                # A branch circuit is part of the PDU, with no identity of its own.
                replace(
                    PDU,
                    status=Health.CRITICAL,
                    faults=("Branch Circuit CB1",),
                    fault_identity=None,
                    alarms=("Simulator.1.0.BreakerTripped",),
                ),
            ),
        ]
