"""dcmaint's driver conformance kit, run against the vSphere driver: hosts of a simulated vCenter, healthy and
with a failed part, the vCenter itself, and the endpoints that cannot be polled (a wrong password, a host the
vCenter does not know, a dead port).

Collection reads only ``case_ids()``; the simulated vCenters start when the kit first builds the cases and stop
when the test process ends. The cases are of two device families for the support matrix: the vCenter and the
ESXi hosts it manages. Each states what the simulator gives (:mod:`vs_expect`): serial, disks' part identity,
sensors, archive and alarms.
"""

from __future__ import annotations

import atexit
import contextlib
import socket

from vs_expect import VCENTER, VIA_VCENTER, esxi, vcenter
from vs_peers import harness, target

from dcmaint.drivers import ErrorKind, Target
from dcmaint.secrets import Secret
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation
from dcmaint_vsphere.driver import VsphereDriver
from dcmaint_vsphere.sim.vcsim import Inventory, serving

HOST, CENTER = VIA_VCENTER, VCENTER
CASES = ("host-healthy", "vcenter-healthy", "host-dimm", "host-psu", "wrong-password", "unknown-host", "dead-port")
_fleet = contextlib.ExitStack()
atexit.register(_fleet.close)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cases() -> list[ConformanceCase]:
    from vs_peers import PASSWORD, USER

    binary = harness()
    login = {"username": USER, "password": PASSWORD}
    healthy = _fleet.enter_context(serving(Inventory(**login), binary))
    faulty = _fleet.enter_context(serving(Inventory(**login, faults=("dimm=0", "psu=1")), binary))
    first, second = faulty.hosts[0], faulty.hosts[1]
    return [
        ConformanceCase("host-healthy", target(healthy, healthy.hosts[0]), esxi(0), family=HOST),
        ConformanceCase("vcenter-healthy", target(healthy), vcenter(), family=CENTER),
        ConformanceCase("host-dimm", target(faulty, first), esxi(0, ("DIMM A3",)), family=HOST),
        ConformanceCase("host-psu", target(faulty, second), esxi(1, ("PSU 2",)), family=HOST),
        ConformanceCase(
            "wrong-password",
            target(healthy, healthy.hosts[0], password="wrong"),
            Expectation(error=ErrorKind.AUTH_FAILED),
            family=HOST,
        ),
        ConformanceCase(
            "unknown-host",
            target(healthy, "esx-nowhere"),
            Expectation(error=ErrorKind.NOT_SUPPORTED),
            family=HOST,
        ),
        ConformanceCase(
            "dead-port",
            Target("dead", "hypervisor", f"vsphere+http://127.0.0.1:{_closed_port()}/", "u", Secret("p"), timeout=10),
            Expectation(error=ErrorKind.UNREACHABLE),
            family=CENTER,
        ),
    ]


class TestVsphereConformance(BaseDriverConformance):
    driver_class = VsphereDriver

    def case_ids(self) -> tuple[str, ...]:
        return CASES

    def cases(self) -> list[ConformanceCase]:
        return _cases()
