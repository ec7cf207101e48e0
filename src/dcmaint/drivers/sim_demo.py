"""What a simulator offers ``dcmaint demo``: devices of a machine room, their faults, and one repair.

``dcmaint demo`` knows no protocol and no simulator: it asks every installed
simulator (:meth:`dcmaint.drivers.simulators.Simulator.demo`) for a
:class:`DemoFleet`, starts each with ``dcmaint sim NAME``, registers the
devices it serves beside equipment nobody polls, and walks through health,
recording, a ticket, the depot and, when a fleet offers a :class:`DemoRepair`,
a spare matched, fitted (:meth:`~dcmaint.drivers.simulators.Simulator.replace_part`),
swapped and verified by a poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.parse import NAME_PATTERN
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import Simulator


@dataclass(frozen=True)
class DemoDevice:
    """One simulated device as the customer's list names it; its address comes from the running simulator.

    >>> DemoDevice("hq-web-01", DeviceKind.SERVER, "HPE", "ProLiant DL380 Gen10").kind.value
    'server'
    """

    name: str
    kind: DeviceKind
    vendor: str
    model: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DeviceKind(self.kind))


@dataclass(frozen=True)
class DemoPart:
    """A parts-catalogue entry the demo's depot stocks (``dcmaint spare catalogue import``, docs/spares.md).

    ``spare_part_number`` is the number the spare is stocked and ordered under, when it has one;
    a ``consumable`` (a filter) is stocked by quantity, without serials; ``note`` says, for a
    substitute, when it may stand in.
    """

    part_number: str
    description: str
    part_class: str
    vendor: str | None = None
    spare_part_number: str | None = None
    annual_failure_rate: float | None = None
    lead_time_days: int | None = None
    consumable: bool = False
    note: str | None = None

    @property
    def stocked_as(self) -> str:
        """The number ``dcmaint spare add --part`` is given."""
        return self.spare_part_number or self.part_number


@dataclass(frozen=True)
class DemoRepair:
    """The broken part the walk-through has a technician replace.

    :param device: the name of one of the fleet's devices
    :param part: the simulator's own name for the part, handed back to ``replace_part`` (``psu:2``)
    :param slot: the location the driver reports for it (``PSU 2``), as ``spare swap --slot`` takes it
    :param fitted: the catalogue entry of the part that failed
    :param substitutes: entries the catalogue declares as substitutes; the first one is stocked too, so
        that the depot step shows a substitute that needs the customer's consent
    :param how: how the simulator is told about the swap, shown in the walk-through (``POST /sim/replace``)
    """

    device: str
    part: str
    slot: str
    fitted: DemoPart
    substitutes: tuple[DemoPart, ...] = ()
    how: str = ""


@dataclass(frozen=True)
class DemoFleet:
    """The devices one simulator serves in the demo, and the driver that polls them.

    ``options`` gives the count, latency, faults, flavours and seed to serve with (the demo logs in
    as the default user with a password of its own, so leave ``username`` and ``password`` alone);
    ``devices`` names the simulated devices in the simulator's order, one per endpoint it serves
    (:meth:`~dcmaint.drivers.simulators.Simulator.endpoint_count`: a vCenter is one beside its hosts).
    """

    driver: str
    options: SimulatorOptions
    devices: tuple[DemoDevice, ...]
    repair: DemoRepair | None = None


def fleet_problem(fleet: object, simulator: Simulator) -> str | None:
    """Why ``fleet``, offered by ``simulator``, cannot be walked through, or None."""
    if not isinstance(fleet, DemoFleet):
        return _("offered {value!r}, which is not a DemoFleet").format(value=fleet)
    served = simulator.endpoint_count(fleet.options)
    if len(fleet.devices) != served:
        return _("it names {names} devices but serves {count}").format(names=len(fleet.devices), count=served)
    names = [device.name for device in fleet.devices]
    bad = next((name for name in names if not NAME_PATTERN.match(name) or names.count(name) > 1), None)
    if bad is not None:
        return _("device names must be valid and distinct ({name!r})").format(name=bad)
    if fleet.repair is not None and fleet.repair.device not in names:
        return _("its repair names {device!r}, which is none of its devices").format(device=fleet.repair.device)
    return None
