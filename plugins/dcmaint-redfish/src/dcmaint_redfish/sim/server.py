"""Running a fleet of simulated BMCs: planning, one listening port per BMC, and the in-process helpers.

Each BMC gets its own port, because monitoring configurations address BMCs
by host:port and a benchmark must pay one connection setup per BMC, as in a
machine room. All of them run on one event loop; ``start`` is the async API,
``running`` a context manager that serves from a background thread for
synchronous tests and scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

from aiohttp import web

from dcmaint.drivers.simulators import FaultSpec, SimulatedEndpoint, SimulatorOptions
from dcmaint.errors import UsageError
from dcmaint_redfish.sim import faults, flavours, locate
from dcmaint_redfish.sim.bmc import DEFAULT_SESSION_LIMIT, Behaviour, SimulatedBmc
from dcmaint_redfish.sim.view import TreeView

ANY_PASSWORD = "any non-empty password"


def _behaviour(options: SimulatorOptions, specs: tuple[FaultSpec, ...]) -> Behaviour:
    values = {spec.target: spec.value for spec in specs}  # the last of a kind wins
    slow = sum(int(spec.value or 0) for spec in specs if spec.target == "slow")
    return Behaviour(
        delay=(options.latency_ms + slow) / 1000.0,
        http_status=int(values["http"]) if values.get("http") else None,
        hang="hang" in values,
        malformed="malformed" in values,
        session_limit=int(values["sessions"]) if values.get("sessions") else DEFAULT_SESSION_LIMIT,
        username=options.username,
        password=options.password,
    )


def plan(options: SimulatorOptions) -> list[SimulatedBmc]:
    """The BMCs ``options`` describe, nothing bound yet; UsageError for an unknown flavour or fault.

    Flavours are dealt out in turn (BMC 1 the first, BMC 2 the second...). A part fault is applied
    to the BMCs whose flavour has that part (an iDRAC 8 tree shows no controller battery) and is
    listed in their endpoint's ``faults``; one that selects no BMC, or fits none, is an error.
    """
    assert not isinstance(options.faults, str)
    for spec in options.faults:
        faults.check(spec)
    known = flavours.known()
    chosen = options.flavours or flavours.names()  # servers; facility flavours only when named
    for name in chosen:
        if name not in known:
            raise UsageError(f"unknown flavour {name!r} (known flavours: {', '.join(known)})")
    fits: dict[tuple[str, FaultSpec], bool] = {}
    selected: set[FaultSpec] = set()
    applied: set[FaultSpec] = set()
    views: dict[tuple[str, tuple[faults.PartFault, ...]], TreeView] = {}
    bmcs = []
    for number in range(1, options.count + 1):
        flavour = flavours.load(chosen[(number - 1) % len(chosen)])
        specs = options.faults_for(number)
        for spec in specs:
            if (flavour.name, spec) not in fits:
                fits[flavour.name, spec] = spec.target not in faults.PART_STATES or bool(
                    locate.nth(flavour.resources, spec.target, spec.index or 1)
                )
        usable = tuple(spec for spec in specs if fits[flavour.name, spec])
        selected.update(specs)
        applied.update(usable)
        key = (flavour.name, faults.part_faults(usable))
        if key not in views:
            views[key] = TreeView(flavour, key[1])
        bmcs.append(
            SimulatedBmc(
                number, f"bmc{number}", views[key], _behaviour(options, usable), options.count, options.seed, usable
            )
        )
    for spec in options.faults:
        if spec not in selected:
            raise UsageError(f"bad fault {spec.text!r}: it selects none of the {options.count} BMCs")
        if spec not in applied:
            raise UsageError(
                f"bad fault {spec.text!r}: no selected BMC's flavour has {spec.target} "
                f"{spec.index or 1} (flavours: {', '.join(sorted({b.view.flavour.name for b in bmcs}))})"
            )
    return bmcs


def raise_fd_limit(needed: int) -> None:
    """Lift the soft open-files limit towards the hard one: each BMC is a listening socket plus its clients."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ceiling = hard if hard != resource.RLIM_INFINITY else max(needed, soft)
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, ceiling), hard))
    if ceiling < needed // 4:
        raise UsageError(
            f"this process may open only {ceiling} files; {needed // 4} BMCs need more "
            "(raise the hard limit, ulimit -Hn)"
        )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock


Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


class ConnectionTasks:
    """The tasks serving the fleet's connections, so that ``close`` can end those still running.

    aiohttp's shutdown cancels a connection's task without awaiting it, and it
    forgets the task of a connection whose client hung up in the middle of a
    request (a client giving up on a hung BMC): such a task would still be
    pending when the loop closes ("Task was destroyed but it is pending!").
    Each request names the task of its connection (``request.task``); it is
    kept here until it ends.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def tracking(self, handle: Handler) -> Handler:
        """``handle`` recording the task of each connection it serves."""

        async def tracked(request: web.BaseRequest) -> web.StreamResponse:
            task = request.task
            if task not in self._tasks:
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return await handle(request)

        return tracked

    async def end(self) -> None:
        """Cancel the connection tasks still running and wait until each has ended."""
        pending = [task for task in self._tasks if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


class SimulatorHandle:
    """A running fleet: its endpoints, its BMCs (sessions, counters) and ``close``."""

    def __init__(
        self,
        bmcs: list[SimulatedBmc],
        endpoints: list[SimulatedEndpoint],
        runners: list[web.ServerRunner],
        connections: ConnectionTasks,
    ) -> None:
        self.bmcs = tuple(bmcs)
        self.endpoints = tuple(endpoints)
        self._runners = runners
        self._connections = connections

    def bmc(self, which: int | str) -> SimulatedBmc:
        """A BMC by number (from 1) or name (``bmc7``)."""
        for bmc in self.bmcs:
            if which in (bmc.number, bmc.name):
                return bmc
        raise KeyError(which)

    def sessions(self, which: int | str) -> int:
        """How many sessions the BMC has open now."""
        return len(self.bmc(which).sessions)

    async def close(self) -> None:
        """Stop listening, drop connections (hung requests included) and free every port.

        When it returns, no task of the simulator is left on the loop: the
        caller may stop and close the loop at once.
        """
        runners, self._runners = self._runners, []
        await asyncio.gather(*(runner.cleanup() for runner in runners), return_exceptions=True)
        await self._connections.end()


async def start(options: SimulatorOptions) -> SimulatorHandle:
    """Plan, bind and start every BMC of ``options``; the caller must ``close`` the handle."""
    bmcs = plan(options)
    raise_fd_limit(options.count * 4 + 1024)
    sockets: list[socket.socket] = []
    runners: list[web.ServerRunner] = []
    connections = ConnectionTasks()
    try:
        for bmc in bmcs:
            sockets.append(_bind(options.host, options.port + bmc.number - 1 if options.port else 0))
        for bmc, sock in zip(bmcs, sockets, strict=True):
            runner = web.ServerRunner(
                web.Server(connections.tracking(bmc.handle), access_log=None), shutdown_timeout=0.2
            )
            runners.append(runner)
            await runner.setup()
            await web.SockSite(runner, sock, backlog=256).start()
    except BaseException:
        await asyncio.gather(*(runner.cleanup() for runner in runners), return_exceptions=True)
        await connections.end()
        for sock in sockets:
            sock.close()
        raise
    host = f"[{options.host}]" if ":" in options.host else options.host
    endpoints = [
        SimulatedEndpoint(
            name=bmc.name,
            url=f"http://{host}:{sock.getsockname()[1]}",
            flavour=bmc.view.flavour.name,
            username=options.username,
            password_hint=options.password or ANY_PASSWORD,
            faults=tuple(faults.describe(spec) for spec in bmc.faults),
        )
        for bmc, sock in zip(bmcs, sockets, strict=True)
    ]
    return SimulatorHandle(bmcs, endpoints, runners, connections)


@contextlib.contextmanager
def running(options: SimulatorOptions | None = None, **fields: object) -> Iterator[SimulatorHandle]:
    """Serve from a background thread for the ``with`` block: ``with running(count=3) as sim: sim.endpoints``."""
    options = replace(options or SimulatorOptions(), **fields) if fields else options or SimulatorOptions()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="dcmaint-redfish-sim", daemon=True)
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
