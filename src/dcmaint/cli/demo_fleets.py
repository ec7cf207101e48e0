"""The simulators ``dcmaint demo`` walks through: asked what they offer, started, and stopped again.

The demo knows no simulator by name: every installed simulator whose
``demo()`` offers a fleet, for a driver that is installed, is started as
``dcmaint sim NAME`` (its own process, as a user would run it) and its
devices join the demo's machine room. A simulator that offers something
unusable is named in one warning and left out.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from dcmaint.errors import DcmaintError
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.manager import DriverManager
    from dcmaint.drivers.sim_demo import DemoDevice, DemoFleet
    from dcmaint.drivers.simulators import SimulatedEndpoint, Simulator, SimulatorOptions

START_TIMEOUT = 30.0  # seconds a simulator may take until every device listens


@dataclass(frozen=True)
class RunningFleet:
    """A started simulator: what it offered, and the endpoints of its devices in the same order."""

    simulator: Simulator
    fleet: DemoFleet
    endpoints: tuple[SimulatedEndpoint, ...]

    def devices(self) -> Iterator[tuple[DemoDevice, SimulatedEndpoint]]:
        return iter(zip(self.fleet.devices, self.endpoints, strict=True))

    def endpoint_of(self, device: str) -> SimulatedEndpoint:
        return next(endpoint for demo, endpoint in self.devices() if demo.name == device)


def _offer(
    simulator_class: type[Simulator], drivers: set[str], taken: set[str]
) -> tuple[Simulator, DemoFleet] | str | None:
    """The simulator and its fleet, why the fleet cannot be used, or None when it offers none."""
    from dcmaint.drivers.errors import describe
    from dcmaint.drivers.sim_demo import fleet_problem

    try:
        simulator = simulator_class()
        fleet = simulator.demo()
        problem = None if fleet is None else fleet_problem(fleet, simulator)
    except Exception as error:  # noqa: BLE001 - plugin code; costs its fleet only
        return describe(error)
    if fleet is None or problem is not None:
        return problem
    if fleet.driver not in drivers:
        return _("its driver {driver!r} is not installed").format(driver=fleet.driver)
    if taken & {device.name for device in fleet.devices}:
        return _("its device names are taken by another simulator")
    return simulator, fleet


def offered(manager: DriverManager) -> list[tuple[Simulator, DemoFleet]]:
    """The installed simulators that offer a usable fleet, with it; device names distinct across fleets."""
    drivers = {info.name for info in manager.drivers()}
    chosen: list[tuple[Simulator, DemoFleet]] = []
    taken: set[str] = set()
    for simulator_class in manager.simulators():
        offer = _offer(simulator_class, drivers, taken)
        if isinstance(offer, str):
            typer.echo(
                _("dcmaint demo: simulator {name!r} left out: {problem}").format(
                    name=simulator_class.name, problem=offer
                ),
                err=True,
            )
        elif offer is not None:
            taken.update(device.name for device in offer[1].devices)
            chosen.append(offer)
    return chosen


def sim_argv(name: str, options: SimulatorOptions) -> list[str]:
    """``dcmaint sim NAME ...`` arguments that serve ``options`` (the login stays the simulator's default)."""
    argv = ["sim", name, "--count", str(options.count)]
    if options.latency_ms:
        argv += ["--latency", f"{options.latency_ms:g}"]
    if options.faults:
        argv += ["--faults", ",".join(spec.text for spec in options.faults)]  # type: ignore[union-attr]
    if options.seed:
        argv += ["--seed", str(options.seed)]
    for flavour in options.flavours:
        argv += ["--flavour", flavour]
    return argv


def _start(
    simulator: Simulator, fleet: DemoFleet, home: Path, number: int
) -> tuple[subprocess.Popen[bytes], tuple[SimulatedEndpoint, ...]]:
    from dataclasses import replace

    from dcmaint.drivers.simulators import SimulatedEndpoint

    endpoints_file = home / f"simulator-{number}.json"
    argv = sim_argv(simulator.name, fleet.options)
    shown = sim_argv(simulator.name, replace(fleet.options, flavours=()))  # the flavours would fill a screen
    typer.secho("\n$ dcmaint " + " ".join(shown) + " &", bold=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "dcmaint", *argv, "--endpoints-file", str(endpoints_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while not endpoints_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            reason = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
            raise DcmaintError(
                _("the simulator {name!r} did not start: {reason}").format(
                    name=simulator.name, reason=reason.splitlines()[-1] if reason else "?"
                )
            )
        time.sleep(0.1)
    document = json.loads(endpoints_file.read_text(encoding="utf-8"))
    return process, tuple(
        SimulatedEndpoint(**{**item, "faults": tuple(item["faults"])}) for item in document["endpoints"]
    )


@contextmanager
def running(offers: list[tuple[Simulator, DemoFleet]], home: Path) -> Iterator[list[RunningFleet]]:
    """Start every offered fleet; stop them all when the block ends, however it ends."""
    import signal

    processes: list[subprocess.Popen[bytes]] = []
    fleets: list[RunningFleet] = []
    try:
        for number, (simulator, fleet) in enumerate(offers, 1):
            process, endpoints = _start(simulator, fleet, home, number)
            processes.append(process)
            fleets.append(RunningFleet(simulator, fleet, endpoints))
        yield fleets
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
