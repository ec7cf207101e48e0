"""What the vSphere simulator offers ``dcmaint demo``: the machine room's vCenter and three ESXi hosts.

The hosts are the harness's vendor shapes in turn (Dell, HPE, Lenovo); the
HPE host has a failed DIMM. There is no repair in this fleet: the harness
cannot change a part while it serves, and the walk-through repairs a
server's PSU. Offering the fleet builds the harness (once per machine, about
30 s), so that a machine without Go or govmomi leaves the fleet out with a
one-line note instead of failing the demo when it starts.
"""

from __future__ import annotations

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers.sim_demo import DemoDevice, DemoFleet
from dcmaint.drivers.simulators import SimulatorOptions

#: (device name, vendor, model), in the order the simulator serves them: the vCenter, then its hosts.
DEVICES = (
    ("hq-vc-01", "VMware", "vCenter Server"),
    ("hq-esx-01", "Dell Inc.", "PowerEdge R750"),
    ("hq-esx-02", "HPE", "ProLiant DL380 Gen10"),
    ("hq-esx-03", "Lenovo", "ThinkSystem SR650"),
)
FAULTS = "host2:dimm"
LATENCY_MS = 5.0


def fleet() -> DemoFleet:
    """The demo's virtualisation, served by ``dcmaint sim vsphere`` and polled by the ``vsphere`` driver."""
    from dcmaint_vsphere.sim import vcsim

    vcsim.build()  # SimulatorUnavailable (Go or govmomi missing) keeps the fleet out of the demo
    return DemoFleet(
        driver="vsphere",
        options=SimulatorOptions(count=len(DEVICES) - 1, latency_ms=LATENCY_MS, faults=FAULTS),
        devices=tuple(DemoDevice(name, DeviceKind.HYPERVISOR, vendor, model) for name, vendor, model in DEVICES),
    )
