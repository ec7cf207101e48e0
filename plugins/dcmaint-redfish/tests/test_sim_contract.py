"""The simulator contract without a network: fault grammar, options, Redfish fault checks, plugin registration."""

from __future__ import annotations

import pytest

from dcmaint.drivers.manager import DriverManager
from dcmaint.drivers.simulators import (
    FaultSpec,
    FaultSpecError,
    Selector,
    SimulatorOptions,
    UnknownSimulator,
    parse_fault,
    parse_faults,
)
from dcmaint.errors import UsageError
from dcmaint_redfish import sim
from dcmaint_redfish.sim import RedfishSimulator, locate, plugin_hook
from dcmaint_redfish.sim.server import plan


@pytest.mark.parametrize(
    ("text", "expected", "selected"),
    [
        ("psu:2=critical", FaultSpec("psu", 2, "critical", text="psu:2=critical"), [1, 2, 3]),
        ("bmc7:psu:2=critical", FaultSpec("psu", 2, "critical", Selector(7, 7), "bmc7:psu:2=critical"), [7]),
        (
            "every10:disk:1=predicted",
            FaultSpec("disk", 1, "predicted", Selector(every=10), "every10:disk:1=predicted"),
            [10, 20],
        ),
        ("every10+3:hang", FaultSpec("hang", None, None, Selector(every=10, offset=3), "every10+3:hang"), [3, 13, 23]),
        ("bmc3-5:http=503", FaultSpec("http", None, "503", Selector(3, 5), "bmc3-5:http=503"), [3, 4, 5]),
        ("all:fan:5=absent", FaultSpec("fan", 5, "absent", text="all:fan:5=absent"), [1, 2, 3]),
        (" Slow=200 ", FaultSpec("slow", None, "200", text="Slow=200"), [1, 2, 3]),
    ],
)
def test_good_items_parse(text: str, expected: FaultSpec, selected: list[int]) -> None:
    spec = parse_fault(text)
    assert spec == expected
    assert [number for number in range(1, 25) if spec.applies(number)][:3] == selected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("psu:x", "'x' is not a part number"),
        ("psu:0=critical", "'0' is not a part number"),
        ("bmc0:hang", "device numbers start at 1"),
        ("bmc9-3:hang", "range goes upwards"),
        ("every0:hang", "'every' needs a number"),
        ("bmc7", "expected what to break"),
        ("=3", "expected what to break"),
        ("psu:1:2", "too many ':' parts"),
        ("psu=a b", "the value after '='"),
        ("x-y:hang", "'x-y' is not a device selector"),
    ],
)
def test_bad_items_name_the_bad_part(text: str, names: str) -> None:
    with pytest.raises(FaultSpecError) as error:
        parse_fault(text)
    message = str(error.value)
    assert names in message and repr(text.strip()) in message and "\n" not in message
    assert error.value.exit_code == 2


def test_a_spec_splits_on_commas_and_semicolons() -> None:
    specs = parse_faults("psu:2=critical; bmc3:hang,,every2:slow=50")
    assert [spec.fault for spec in specs] == ["psu:2=critical", "hang", "slow=50"]
    options = SimulatorOptions(count=4, faults="psu:2=critical;bmc3:hang")
    assert [spec.fault for spec in options.faults_for(3)] == ["psu:2=critical", "hang"]
    assert [spec.fault for spec in options.faults_for(4)] == ["psu:2=critical"]


@pytest.mark.parametrize("fields", [{"count": 0}, {"latency_ms": -1}, {"port": 65535, "count": 2}])
def test_options_refuse_impossible_values(fields: dict) -> None:
    with pytest.raises(UsageError):
        SimulatorOptions(**fields)


@pytest.mark.parametrize(
    ("faults", "names"),
    [
        ("frobnicate:1", "unknown target 'frobnicate'"),
        ("psu:1=exploded", "psu can be absent, critical"),
        ("http=200", "http needs an HTTP status"),
        ("slow=fast", "slow needs milliseconds"),
        ("hang=3", "hang takes no value"),
        ("sessions:2=3", "sessions takes no part number"),
        ("bmc9:hang", "selects none of the 3 BMCs"),
        ("psu:3=critical", "no selected BMC's flavour has psu 3"),
    ],
)
def test_redfish_refuses_faults_it_cannot_serve(faults: str, names: str) -> None:
    with pytest.raises(UsageError, match=names):
        RedfishSimulator().check(SimulatorOptions(count=3, faults=faults, flavours=("generic",)))


def test_unknown_flavours_are_named() -> None:
    with pytest.raises(UsageError, match=r"unknown flavour 'ilo9'.*generic"):
        RedfishSimulator().check(SimulatorOptions(flavours=("ilo9",)))


def test_flavours_are_dealt_in_turn_and_faults_go_where_they_fit() -> None:
    names = RedfishSimulator().flavours()
    assert names[0] == "generic"
    bmcs = plan(SimulatorOptions(count=len(names) + 1, faults="battery:1=failed,every2:psu:2"))
    assert [bmc.view.flavour.name for bmc in bmcs] == [*names, names[0]]
    first = bmcs[0]
    assert [spec.target for spec in first.faults] == ["battery"]  # BMC 1: not a multiple of 2
    assert [spec.target for spec in bmcs[1].faults][-1:] == ["psu"]
    for bmc in bmcs:  # a flavour without a controller battery does not claim the fault
        has_battery = any(spec.target == "battery" for spec in bmc.faults)
        assert has_battery == (locate.count(bmc.view.flavour.resources, "battery") > 0)


def test_every_public_name_of_the_package_resolves() -> None:
    assert set(sim._LAZY) <= set(sim.__all__), "a lazily imported name is missing from __all__"
    for name in sim.__all__:
        assert getattr(sim, name) is not None


def test_the_plugin_hook_registers_the_simulator(driver_manager: DriverManager) -> None:
    driver_manager.register_plugin(plugin_hook, name="redfish-sim")
    assert driver_manager.simulators() == (RedfishSimulator,)
    assert driver_manager.get_simulator("redfish") is RedfishSimulator
    with pytest.raises(UnknownSimulator, match=r"unknown simulator 'ups'.*redfish"):
        driver_manager.get_simulator("ups")


def test_a_broken_simulator_hook_leaves_the_drivers_alone(driver_manager: DriverManager) -> None:
    class Broken:
        from dcmaint.drivers import hookimpl

        @hookimpl
        def dcmaint_register_simulators(self, register):
            register(RedfishSimulator)
            register(object)

    warnings: list[str] = []
    driver_manager._warn = warnings.append  # the fixture's manager warns through the log by default
    driver_manager.register_plugin(plugin_hook, name="first")
    driver_manager.register_plugin(Broken(), name="broken")
    assert driver_manager.simulators() == (RedfishSimulator,)
    stages = [(failure.origin.plugin, failure.stage) for failure in driver_manager.failures()]
    assert stages == [("broken", "simulator"), ("broken", "simulator")]
    assert any("already provides it" in line for line in warnings)
    assert any("not a Simulator subclass" in line for line in warnings)
