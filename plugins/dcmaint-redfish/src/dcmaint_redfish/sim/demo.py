"""What the Redfish simulator offers ``dcmaint demo``: six servers of a bank's machine room, four broken parts.

The servers are recorded vendor trees (flavours) under the names and models a
customer's list gives them. The walk-through's repair is PSU 2 of the HPE
ProLiant: the part numbers are the ones its recorded iLO 5 tree reports, so
the depot's spare matches exactly, and the 500 W kit is the substitute that
needs the customer's consent. The technician's swap is told to the simulated
BMC through ``POST /sim/replace`` (docs/sim.md). Importing this is cheap.
"""

from __future__ import annotations

import json
import urllib.request

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers.sim_demo import DemoDevice, DemoFleet, DemoPart, DemoRepair
from dcmaint.drivers.simulators import SimulatedEndpoint, SimulatorOptions

#: (device name, flavour, vendor, model), in the order the simulator serves them.
SERVERS = (
    ("hq-web-01", "hpe-ilo5", "HPE", "ProLiant DL380 Gen10"),
    ("hq-db-01", "dell-idrac9", "Dell", "PowerEdge R740"),
    ("hq-app-01", "lenovo-xcc", "Lenovo", "ThinkSystem SR650 V2"),
    ("hq-app-02", "huawei-ibmc", "Huawei", "FusionServer 2288H V5"),
    ("hq-erp-01", "hpe-ilo6", "HPE", "ProLiant DL380 Gen11"),
    ("hq-backup-01", "dmtf-generic", "Contoso", "Generic 2U"),
)
FAULTS = "bmc1:psu:2=critical,bmc2:disk:2=predicted,bmc3:dimm:3=degraded,bmc6:battery:1=failed"
LATENCY_MS = 20.0

PSU_800W = DemoPart(
    "865414-B21",
    "HPE 800W Flex Slot Platinum Hot Plug Low Halogen Power Supply Kit",
    "psu",
    vendor="HPE",
    spare_part_number="866730-001",
    annual_failure_rate=0.01,
    lead_time_days=10,
)
PSU_500W = DemoPart(
    "865408-B21",
    "HPE 500W Flex Slot Platinum Hot Plug Low Halogen Power Supply Kit",
    "psu",
    vendor="HPE",
    spare_part_number="866729-001",
    annual_failure_rate=0.01,
    lead_time_days=10,
    note="500W: only where the server's load allows",
)


def fleet() -> DemoFleet:
    """The demo's servers, served by ``dcmaint sim redfish`` and polled by the ``redfish`` driver."""
    return DemoFleet(
        driver="redfish",
        options=SimulatorOptions(
            count=len(SERVERS),
            latency_ms=LATENCY_MS,
            faults=FAULTS,
            flavours=tuple(flavour for _name, flavour, _vendor, _model in SERVERS),
        ),
        devices=tuple(DemoDevice(name, DeviceKind.SERVER, vendor, model) for name, _flavour, vendor, model in SERVERS),
        repair=DemoRepair("hq-web-01", "psu:2", "PSU 2", PSU_800W, (PSU_500W,), how="POST /sim/replace"),
    )


def replace_part(endpoint: SimulatedEndpoint, part: str, serial: str, timeout: float = 10.0) -> None:
    """``POST /sim/replace`` on the BMC at ``endpoint``: its ``part`` (``psu:2``) now carries ``serial``."""
    body = json.dumps({"part": part, "serial": serial}).encode()
    request = urllib.request.Request(
        f"{endpoint.url}/sim/replace", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        answer.read()
