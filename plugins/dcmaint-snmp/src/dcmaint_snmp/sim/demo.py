"""What the SNMP simulator offers ``dcmaint demo``: the machine room's UPS on battery and a CRAC with a clogged filter.

The two agents are the profiles' samples (flavours ``ups-apc`` and
``crac-liebert``) under the names a customer's list gives them. There is no
repair in this fleet: the walk-through repairs a server's PSU; the clogged
filter is matched to the depot's consumable filters by class. Importing this
is cheap.
"""

from __future__ import annotations

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers.sim_demo import DemoDevice, DemoFleet
from dcmaint.drivers.simulators import SimulatorOptions

#: (device name, flavour, kind, vendor, model), in the order the simulator serves them.
AGENTS = (
    ("hq-ups-01", "ups-apc", DeviceKind.UPS, "APC", "Smart-UPS SRT 6000"),
    ("hq-crac-01", "crac-liebert", DeviceKind.COOLING, "Vertiv", "Liebert PEX"),
)
FAULTS = "ups1:onbattery,crac2:filter"
LATENCY_MS = 5.0


def fleet() -> DemoFleet:
    """The demo's facility equipment, served by ``dcmaint sim snmp`` and polled by the ``snmp`` driver."""
    return DemoFleet(
        driver="snmp",
        options=SimulatorOptions(
            count=len(AGENTS),
            latency_ms=LATENCY_MS,
            faults=FAULTS,
            flavours=tuple(flavour for _name, flavour, _kind, _vendor, _model in AGENTS),
        ),
        devices=tuple(DemoDevice(name, kind, vendor, model) for name, _flavour, kind, vendor, model in AGENTS),
    )
