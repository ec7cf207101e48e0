"""What ``dcmaint sim vsphere`` serves: the options of the core's simulator contract as a harness inventory.

One vCenter with ``count`` ESXi hosts: one standalone host, the others in
clusters of 8 to 16 hosts (fewer hosts: one cluster), the hosts that do not
divide evenly standalone too, so that the total is exactly ``count``. Hosts
are numbered from 1 in the harness's order (their inventory names, sorted),
which is the order fault selectors count and endpoints are listed in.

Faults use the core's grammar (docs/sim.md): host faults by device selector
(``host3:psu``, ``every10:fan``), datastore faults by datastore number
(``full:1``). Each becomes the harness's ``-fault KIND=INDEX`` (0-based).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from dcmaint.drivers.simulators import ALL, FaultSpec, SimulatedEndpoint, SimulatorOptions
from dcmaint.errors import UsageError
from dcmaint_vsphere.sim.vcsim import Inventory, Served

#: Faults of one host, as the harness names them (harness/main.go).
HOST_FAULTS = ("psu", "fan", "temperature", "dimm", "storage", "alarm", "disconnected", "notresponding", "maintenance")
#: Faults of one datastore (shared by every host, so the vCenter reports them).
DATASTORE_FAULTS = ("full", "inaccessible", "dsalarm")
DATASTORES = 2
#: The harness's vendor shapes, which hosts take in turn.
FLAVOURS = ("dell-poweredge", "hpe-proliant", "lenovo-thinksystem")
CENTER_FLAVOUR = "vcenter"
CENTER_NAME = "vcsim-vc"
ANY_PASSWORD = "any non-empty password"
CLUSTER_MIN, CLUSTER_MAX = 8, 16


@dataclass(frozen=True)
class Layout:
    """How ``hosts`` hosts are spread: ``clusters`` clusters of ``cluster_hosts`` each, and ``standalone``."""

    clusters: int
    cluster_hosts: int
    standalone: int

    @classmethod
    def of(cls, hosts: int) -> Layout:
        """One standalone host, the rest in clusters of 8 to 16 with as few left over (standalone) as can be.

        >>> Layout.of(5), Layout.of(1)
        (Layout(clusters=1, cluster_hosts=4, standalone=1), Layout(clusters=0, cluster_hosts=0, standalone=1))
        >>> Layout.of(100)
        Layout(clusters=9, cluster_hosts=11, standalone=1)
        """
        clustered = hosts - 1
        if clustered <= CLUSTER_MAX:
            return cls(1 if clustered else 0, clustered, 1)
        fewest = math.ceil(clustered / CLUSTER_MAX)
        counts = range(fewest, max(fewest, clustered // CLUSTER_MIN) + 1)
        clusters = min(counts, key=lambda n: (clustered % n, n))
        per = clustered // clusters
        return cls(clusters, per, 1 + clustered - clusters * per)


def _bad(spec: FaultSpec, reason: str) -> UsageError:
    return UsageError(f"bad fault {spec.text!r}: {reason}")


def _check(spec: FaultSpec) -> None:
    if spec.target in HOST_FAULTS:
        if spec.index is not None or spec.value is not None:
            raise _bad(spec, "a host fault takes no part number or value (host3:psu)")
    elif spec.target in DATASTORE_FAULTS:
        if spec.selector != ALL:
            raise _bad(spec, "a datastore fault takes no host selector (full:1)")
        if spec.value is not None:
            raise _bad(spec, "a datastore fault takes no value (full:1)")
        if not 1 <= (spec.index or 1) <= DATASTORES:
            raise _bad(spec, f"the vCenter has datastores 1-{DATASTORES}")
    else:
        known = ", ".join((*HOST_FAULTS, *DATASTORE_FAULTS))
        raise _bad(spec, f"the vSphere simulator knows {known}")


def _faults(options: SimulatorOptions) -> Sequence[FaultSpec]:
    assert not isinstance(options.faults, str)
    return options.faults


def check(options: SimulatorOptions) -> None:
    """UsageError naming the first fault or option the simulator cannot serve."""
    for spec in _faults(options):
        _check(spec)
    if options.flavours:
        raise UsageError(
            f"--flavour is not supported by the vSphere simulator: hosts take the shapes {', '.join(FLAVOURS)} in turn"
        )


def inventory(options: SimulatorOptions) -> Inventory:
    """The harness's inventory for ``options`` (checked first)."""
    check(options)
    layout = Layout.of(options.count)
    faults = [
        f"{spec.target}={number - 1}"
        for number in range(1, options.count + 1)
        for spec in options.faults_for(number)
        if spec.target in HOST_FAULTS
    ]
    faults += [f"{spec.target}={(spec.index or 1) - 1}" for spec in _faults(options) if spec.target in DATASTORE_FAULTS]
    return Inventory(
        clusters=layout.clusters,
        cluster_hosts=layout.cluster_hosts,
        standalone=layout.standalone,
        datastores=DATASTORES,
        username=options.username,
        password=options.password or "",
        any_password=options.password is None,
        delay_ms=math.ceil(options.latency_ms),
        listen=f"{options.host}:{options.port}",
        faults=tuple(faults),
    )


def endpoints(options: SimulatorOptions, served: Served) -> list[SimulatedEndpoint]:
    """The vCenter first, then every host in the order selectors count them."""
    hint = options.password or ANY_PASSWORD
    datastore_faults = tuple(spec.fault for spec in _faults(options) if spec.target in DATASTORE_FAULTS)
    center = SimulatedEndpoint(CENTER_NAME, served.endpoint(), CENTER_FLAVOUR, options.username, hint, datastore_faults)
    found = [center]
    for number, host in enumerate(served.hosts, 1):
        faults = tuple(spec.fault for spec in options.faults_for(number) if spec.target in HOST_FAULTS)
        flavour = FLAVOURS[(number - 1) % len(FLAVOURS)]
        found.append(SimulatedEndpoint(f"host{number}", served.endpoint(host), flavour, options.username, hint, faults))
    return found
