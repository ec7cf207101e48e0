"""Running a fleet of simulated SNMP agents: planning, one UDP port per agent, and the in-process helper.

Each agent gets its own port, as each device of a machine room has its own
address; one process serves them all from one event loop. Flavours are the
profiles' samples (``ups-apc``, ``crac-liebert``...): an agent serves what its
sample builds for the faults that apply to it, plus the transport faults of
:mod:`.agent`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

from dcmaint.drivers.simulators import FaultSpec, SimulatedEndpoint, SimulatorOptions
from dcmaint.errors import UsageError
from dcmaint_snmp.profiles import SAMPLES
from dcmaint_snmp.profiles.base import Sample
from dcmaint_snmp.sim.agent import TRANSPORT_FAULTS, SnapshotAgent
from dcmaint_snmp.snapshot import Snapshot

#: What ``password_hint`` says when the agents answer any community.
ANY_COMMUNITY = "(any community)"


def flavours() -> tuple[str, ...]:
    return tuple(sample.profile for sample in SAMPLES)


def sample(name: str) -> Sample:
    found = next((candidate for candidate in SAMPLES if candidate.profile == name), None)
    if found is None:
        raise UsageError(f"unknown flavour {name!r} (known flavours: {', '.join(flavours())})")
    return found


@dataclass(frozen=True)
class PlannedAgent:
    number: int
    name: str
    sample: Sample
    faults: tuple[FaultSpec, ...]
    snapshot: Snapshot

    @property
    def transport_faults(self) -> tuple[str, ...]:
        return tuple(spec.target for spec in self.faults if spec.target in TRANSPORT_FAULTS)


def plan(options: SimulatorOptions) -> list[PlannedAgent]:
    """The agents ``options`` describe, nothing bound yet; UsageError for an unknown flavour or a fault no
    selected agent understands."""
    chosen = [sample(name) for name in options.flavours] if options.flavours else list(SAMPLES)
    if not chosen:
        raise UsageError("no SNMP profile has a simulated agent")
    built: dict[tuple[str, tuple[FaultSpec, ...]], Snapshot] = {}
    used: set[FaultSpec] = set()
    assert not isinstance(options.faults, str)
    agents = []
    for number in range(1, options.count + 1):
        flavour = chosen[(number - 1) % len(chosen)]
        specs = options.faults_for(number)
        fitting = tuple(spec for spec in specs if spec.target in TRANSPORT_FAULTS or spec.target in flavour.targets)
        used.update(fitting)
        own = tuple(spec for spec in fitting if spec.target not in TRANSPORT_FAULTS)
        key = (flavour.profile, own)
        if key not in built:
            built[key] = flavour.build(own)
        agents.append(PlannedAgent(number, f"{flavour.prefix}{number}", flavour, fitting, built[key]))
    for spec in options.faults:
        if spec not in used and any(spec.applies(agent.number) for agent in agents):
            understood = sorted({target for flavour in chosen for target in flavour.targets})
            raise UsageError(
                f"bad fault {spec.text!r}: no selected agent's flavour understands {spec.target!r}"
                f" (they understand: {', '.join([*understood, *TRANSPORT_FAULTS])})"
            )
    return agents


class SimulatorHandle:
    """A running fleet: its endpoints, its agents (request counters) and ``close``."""

    def __init__(self, agents: list[SnapshotAgent], endpoints: list[SimulatedEndpoint]) -> None:
        self.agents = tuple(agents)
        self.endpoints = tuple(endpoints)

    async def close(self) -> None:
        for agent in self.agents:
            if agent.transport is not None:
                agent.transport.close()
        await asyncio.sleep(0)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}/udp: {error.strerror or error}") from None
    return sock


async def start(options: SimulatorOptions) -> SimulatorHandle:
    """Plan, bind and start every agent of ``options``; the caller must ``close`` the handle."""
    planned = plan(options)
    loop = asyncio.get_running_loop()
    agents: list[SnapshotAgent] = []
    sockets: list[socket.socket] = []
    try:
        for agent in planned:
            sockets.append(_bind(options.host, options.port + agent.number - 1 if options.port else 0))
        for agent, sock in zip(planned, sockets, strict=True):
            protocol = SnapshotAgent(
                agent.snapshot, options.password, options.latency_ms / 1000, agent.transport_faults
            )
            await loop.create_datagram_endpoint(lambda protocol=protocol: protocol, sock=sock)
            agents.append(protocol)
    except BaseException:
        for protocol in agents:
            if protocol.transport is not None:
                protocol.transport.close()
        for sock in sockets[len(agents) :]:
            sock.close()
        raise
    host = f"[{options.host}]" if ":" in options.host else options.host
    endpoints = [
        SimulatedEndpoint(
            name=agent.name,
            url=f"snmp://{host}:{sock.getsockname()[1]}",
            flavour=agent.sample.profile,
            username="",
            password_hint=options.password or ANY_COMMUNITY,
            faults=tuple(spec.fault for spec in agent.faults),
        )
        for agent, sock in zip(planned, sockets, strict=True)
    ]
    return SimulatorHandle(agents, endpoints)


@contextlib.contextmanager
def running(options: SimulatorOptions | None = None, **fields: object) -> Iterator[SimulatorHandle]:
    """Serve from a background thread for the ``with`` block: ``with running(count=3) as sim: sim.endpoints``."""
    options = replace(options or SimulatorOptions(), **fields) if fields else options or SimulatorOptions()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="dcmaint-snmp-sim", daemon=True)
    thread.start()
    try:
        handle = asyncio.run_coroutine_threadsafe(start(options), loop).result()
        try:
            yield handle
        finally:
            asyncio.run_coroutine_threadsafe(handle.close(), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
