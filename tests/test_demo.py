"""`dcmaint demo`, the README's main job: it runs end to end and leaves nothing behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def test_demo_runs_end_to_end_and_cleans_up(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "dcmaint", "demo"], capture_output=True, text=True, env=env, check=False, timeout=180
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # A vCenter and three ESXi hosts (dcmaint sim vsphere) join where Go and govmomi are installed (always in CI).
    vsphere = "simulator 'vsphere' left out" not in done.stderr
    if IN_CI or vsphere:
        assert "Imported  14" in out
        assert "[CRITICAL] hq/hq-esx-02: dimm PROC 1 DIMM 3: Physical element has failed" in out
        assert "recorded 12 devices" in done.stderr  # and the vCenter with its three hosts
    else:
        assert "needs Go" in done.stderr and "Imported  10" in out and "recorded 8 devices" in done.stderr
    assert "[CRITICAL] hq/hq-web-01: psu PSU 2" in out  # found by the driver in the simulated BMC
    assert "spare 866730-001" in out  # with the spare part number a technician orders
    # six servers over Redfish, a UPS and a CRAC over SNMP
    # The facility equipment beside the servers: the UPS on battery, the CRAC's clogged filter (dcmaint sim snmp).
    assert "[WARNING] hq/hq-ups-01: alarm Input: On battery" in out
    assert "[WARNING] hq/hq-crac-01: filter Air filter: Clogged air filter" in out
    # The depot step: the spare is offered first, fitted in the simulated BMC, swapped and verified by a poll.
    assert re.search(r"hq-web-01 +psu:PSU 2 +1 +exact +5WBXK0A9DEMO", out)
    assert "needs customer consent" in out  # the 500 W substitute, offered second
    assert re.search(r"^Verification +verified$", out, re.MULTILINE)
    assert "psu:PSU 2 reports the spare 5WBXK0A9DEMO, ok" in out
    assert re.search(r"^hq +\S+ +865414-B21 +faulty +hq-web-01 +PSU 2 ", out, re.MULTILINE)  # in custody
    # The ticket the swap belongs to went through the whole work order.
    assert re.search(r"^State +verified$", out, re.MULTILINE)
    assert "12h target: met" in out and re.search(
        r"swap +in_progress +psu:PSU 2 on hq-web-01: fitted 5WBXK0A9DEMO", out
    )
    assert re.search(r"form written to \S*维护单.pdf \(\d+ bytes\)", out)
    assert re.search(r"^problems +0$", out, re.MULTILINE)  # db check found the audit chain sound
    assert "Not polled (2), the status above leaves them out:" in out  # the equipment without a driver
    # It ends with where its files went and what to try next.
    assert re.search(r"^The demo's files were removed with its home \S+dcmaint-demo-\S+\.$", out, re.MULTILINE)
    assert re.search(r"^Try next:\n  dcmaint demo --keep +# ", out, re.MULTILINE)
    assert re.search(r"^  dcmaint sim redfish --count 3 +# ", out, re.MULTILINE)
    assert list(tmp_path.iterdir()) == []  # the temporary home is gone and the simulator stopped


def _demo(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(TMPDIR=str(tmp_path), **extra)
    return subprocess.run(
        [sys.executable, "-m", "dcmaint", "demo", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )


def test_with_keep_the_demo_says_where_its_home_is_and_what_to_try_there(tmp_path: Path):
    done = _demo(tmp_path, "--keep")
    assert done.returncode == 0, done.stderr
    [home] = tmp_path.iterdir()
    assert f"The demo's machine room is kept in {home}:" in done.stdout
    tries = re.findall(r"^  (dcmaint [^#]+?) +# ", done.stdout.split("Try next:")[1], re.MULTILINE)
    assert tries == [
        "dcmaint device show hq-web-01",
        "dcmaint ticket show " + re.search(r"T-\d{4}-\d+", done.stdout)[0],
        "dcmaint spare custody --site hq",
        "dcmaint audit list --entity fault",
    ]
    assert f"export DCMAINT_HOME={home}" in done.stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env["DCMAINT_HOME"] = str(home)
    for command in tries:  # each suggestion works in the kept home, the simulators gone
        tried = subprocess.run(
            [sys.executable, "-m", "dcmaint", *command.split()[1:]], capture_output=True, text=True, env=env
        )
        assert tried.returncode == 0 and tried.stdout, (command, tried.stderr)


def test_without_a_simulator_the_demo_says_so_and_fails(tmp_path: Path):
    done = _demo(tmp_path, DCMAINT_LOAD_PLUGINS="no-such-plugin")  # whatever is installed, none loads
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        "dcmaint: error: no device simulator is installed, so the demo has nothing to poll: install a driver "
        "plugin that ships one (the Redfish plugin does, see docs/sim.md) and run dcmaint demo again; dcmaint "
        "plugin list shows what is installed\n"
    )
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_the_demo_takes_what_each_simulator_offers_and_names_what_it_leaves_out(capsys):
    from dcmaint.cli.demo_fleets import offered, sim_argv
    from dcmaint.drivers import DeviceIdentity, DeviceKind, DeviceReport, UpsDriver, hookimpl
    from dcmaint.drivers.manager import DriverManager
    from dcmaint.drivers.sim_demo import DemoDevice, DemoFleet
    from dcmaint.drivers.simulators import Simulator, SimulatorOptions

    class UpsPoller(UpsDriver):
        name, version = "ups-poller", "1"

        async def poll(self, target):
            return DeviceReport(DeviceIdentity(vendor="Acme"))

    def fleet(driver: str, *names: str, count: int | None = None) -> DemoFleet:
        return DemoFleet(
            driver,
            SimulatorOptions(
                count=count or len(names), latency_ms=5, faults="ups1:battery=failed", flavours=("a", "b"), seed=3
            ),
            tuple(DemoDevice(name, DeviceKind.UPS, "Acme", "UPS 10k") for name in names),
        )

    offers = {
        "silent": None,
        "miscounted": fleet("ups-poller", "ups-1", count=2),
        "orphan": fleet("acme", "ups-2"),
        "good": fleet("ups-poller", "ups-3", "ups-4"),
        "twin": fleet("ups-poller", "ups-4"),
        "broken": RuntimeError("no fixtures"),
    }

    def simulator(name: str) -> type[Simulator]:
        def demo(self: Simulator) -> DemoFleet | None:
            offer = offers[name]
            if isinstance(offer, Exception):
                raise offer
            return offer

        return type(
            f"Sim_{name}", (Simulator,), {"name": name, "serve": lambda self, options, ready: None, "demo": demo}
        )

    class Plugin:
        @hookimpl
        def dcmaint_register_simulators(self, register):
            for name in offers:
                register(simulator(name))

    manager = DriverManager(entry_points=False)
    manager.register_plugin(Plugin(), name="sims")
    manager.register_driver(UpsPoller)
    chosen = offered(manager)
    assert [(simulator.name, [d.name for d in fleet.devices]) for simulator, fleet in chosen] == [
        ("good", ["ups-3", "ups-4"])
    ]
    warnings = capsys.readouterr().err.splitlines()
    assert warnings == [
        "dcmaint demo: simulator 'broken' left out: RuntimeError: no fixtures",
        "dcmaint demo: simulator 'miscounted' left out: it names 1 devices but serves 2",
        "dcmaint demo: simulator 'orphan' left out: its driver 'acme' is not installed",
        "dcmaint demo: simulator 'twin' left out: its device names are taken by another simulator",
    ]
    assert sim_argv("good", chosen[0][1].options) == [
        "sim",
        "good",
        "--count",
        "2",
        "--latency",
        "5",
        "--faults",
        "ups1:battery=failed",
        "--seed",
        "3",
        "--flavour",
        "a",
        "--flavour",
        "b",
    ]
