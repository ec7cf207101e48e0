"""The facility flavours of the Redfish simulator without a network: flavours asked for by name, fault targets."""

from __future__ import annotations

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.errors import UsageError
from dcmaint_redfish.sim import RedfishSimulator, facility, flavours, locate
from dcmaint_redfish.sim.faults import describe, part_faults
from dcmaint_redfish.sim.server import plan


def test_the_default_mix_stays_servers_and_facility_flavours_are_served_when_named() -> None:
    assert not set(flavours.FACILITY) & set(RedfishSimulator().flavours())
    assert set(flavours.FACILITY) <= set(flavours.known())
    dealt = plan(SimulatorOptions(count=3))
    assert all(bmc.view.flavour.name not in flavours.FACILITY for bmc in dealt)
    named = plan(SimulatorOptions(count=3, flavours=("cdu", "pdu", "generic")))
    assert [bmc.view.flavour.name for bmc in named] == ["cdu", "pdu", "generic"]


def test_an_unknown_flavour_names_the_facility_ones_too() -> None:
    with pytest.raises(UsageError, match=r"unknown flavour 'crac'.*cdu, pdu"):
        RedfishSimulator().check(SimulatorOptions(flavours=("crac",)))


@pytest.mark.parametrize(
    ("flavour", "kind", "count"),
    [("cdu", "filter", 2), ("cdu", "pump", 2), ("cdu", "leak", 2), ("pdu", "outlet", 12), ("pdu", "breaker", 3)],
)
def test_every_target_finds_its_parts(flavour: str, kind: str, count: int) -> None:
    assert locate.count(flavours.load(flavour).resources, kind) == count


@pytest.mark.parametrize(
    ("faults", "names"),
    [
        ("filter:1=worn", "filter takes a wear percent"),
        ("filter:1=501", "filter takes a wear percent"),
        ("leak:1=failed", "leak can be critical, warning"),
        ("breaker:1=off", "breaker can be tripped"),
        ("pump:3", "no selected BMC's flavour has pump 3"),
        ("outlet:1", "no selected BMC's flavour has outlet 1"),  # a CDU has no outlets
    ],
)
def test_facility_faults_that_cannot_be_served_are_refused(faults: str, names: str) -> None:
    with pytest.raises(UsageError, match=names):
        RedfishSimulator().check(SimulatorOptions(count=1, faults=faults, flavours=("cdu",)))


def test_facility_faults_go_only_to_the_flavours_that_have_the_part() -> None:
    bmcs = plan(SimulatorOptions(count=3, faults="filter:1=97,breaker:1,psu:1", flavours=("cdu", "pdu", "generic")))
    assert [[describe(spec) for spec in bmc.faults] for bmc in bmcs] == [
        ["filter:1=97"],
        ["breaker:1=tripped"],
        ["psu:1=critical"],
    ]
    [wear] = part_faults(bmcs[0].faults)
    assert (wear.kind, wear.number, wear.state) == ("filter", 1, "97")


def test_filter_wear_changes_the_hours_only() -> None:
    [bmc] = plan(SimulatorOptions(count=1, faults="filter:2=120", flavours=("cdu",)))
    worn = bmc.view.resources[f"{facility.CDU}/Filters/2"]
    assert worn["ServiceHours"] == 12000 and worn["Status"] == {"State": "Enabled", "Health": "OK"}
    assert bmc.view.resources[facility.CDU]["Status"]["HealthRollup"] == "OK"  # the device does not flag wear
    assert flavours.load("cdu").resources[f"{facility.CDU}/Filters/2"]["ServiceHours"] == 1200  # the flavour intact


def test_a_tripped_breaker_rolls_up_to_the_pdu_with_one_condition() -> None:
    [bmc] = plan(SimulatorOptions(count=1, faults="breaker:1", flavours=("pdu",)))
    breaker = bmc.view.resources[f"{facility.PDU}/Branches/CB1"]
    assert (breaker["BreakerState"], breaker["PowerState"], breaker["CurrentAmps"]["Reading"]) == ("Tripped", "Off", 0)
    unit = bmc.view.resources[facility.PDU]["Status"]
    assert unit["HealthRollup"] == "Critical" and unit["Health"] == "OK"
    [condition] = unit["Conditions"]
    assert condition["OriginOfCondition"] == {"@odata.id": f"{facility.PDU}/Branches/CB1"}


def test_a_facility_part_can_be_replaced_like_a_server_part() -> None:
    [bmc] = plan(SimulatorOptions(count=1, faults="pump:1", flavours=("cdu",)))
    old = bmc.replace("pump:1", "NEWPUMP0001")
    assert old.startswith("SIMPUMP") and not bmc.faults
    assert bmc.view.resources[f"{facility.CDU}/Pumps/1"]["Status"]["Health"] == "OK"
