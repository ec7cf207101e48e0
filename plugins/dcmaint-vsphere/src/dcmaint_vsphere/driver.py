"""The vSphere driver: every ESXi host of a vCenter, and the vCenter itself, from one conversation.

``poll_batch`` is login, one PropertyCollector pass, logout: the runner
groups a vCenter's devices by their endpoint's address (each host is
``vsphere://VC/host/NAME``, :mod:`dcmaint_vsphere.endpoints`) and hands the
whole group to one call, so 2,000 hosts cost one session and a handful of
paged calls instead of 2,000 logins. The blocking pyVmomi calls run in
worker threads, decoding and parsing run on the event loop in slices; the
session is logged out in ``finally`` after a good pass, an error, the
deadline or a cancellation (:mod:`dcmaint_vsphere.session`).

A host the vCenter no longer knows costs only its own device
(``not_supported`` naming it); a wrong password, an unreachable vCenter or an
endpoint that is no vSphere API fails the devices of that vCenter only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import (
    BatchAnswer,
    DeviceIdentity,
    DeviceReport,
    DriverError,
    HypervisorDriver,
    NotSupported,
    Target,
    TimedOut,
)
from dcmaint_vsphere import __version__
from dcmaint_vsphere.endpoints import SCHEMES, Endpoint, host_endpoint, parse_endpoint
from dcmaint_vsphere.options import VsphereOptions

if TYPE_CHECKING:
    from dcmaint.drivers.discovery import FoundDevice
    from dcmaint_vsphere.collect import Inventory

PROBE_TIMEOUT = 10.0
PARSE_SLICE = 25  # devices parsed between two turns of the event loop (about 15 ms)


@dataclass(frozen=True)
class Wanted:
    """One device of a batch: its target, where it is, and its options."""

    target: Target
    endpoint: Endpoint
    options: VsphereOptions


def answers(inventory: Inventory, group: Sequence[Wanted]) -> dict[str, DeviceReport | DriverError]:
    """Each device's report from one pass (pure): a host, the vCenter, or a standalone ESXi host."""
    from dcmaint_vsphere.parse import center_report, host_report, is_center

    hosts = inventory.hosts_by_name
    center = is_center(inventory)
    found: dict[str, DeviceReport | DriverError] = {}
    for wanted in group:
        where, options, name = wanted.endpoint, wanted.options, wanted.target.name
        if where.inventory_host is not None:
            host = hosts.get(where.inventory_host)
            found[name] = (
                host_report(host, inventory, options)
                if host is not None
                else NotSupported(
                    f"{where.display}: no host named {where.inventory_host!r} in this "
                    f"{'vCenter' if center else 'ESXi host'} (removed or renamed?)"
                )
            )
        elif center:
            found[name] = center_report(inventory, options, where.display)
        elif len(hosts) == 1:
            found[name] = host_report(next(iter(hosts.values())), inventory, options, all_datastores=True)
        else:
            found[name] = NotSupported(f"{where.display}: the ESXi host serves {len(hosts)} hosts")
    return found


class VsphereDriver(HypervisorDriver):
    """VMware vCenter Server and ESXi hosts through the vSphere API (read-only)."""

    name = "vsphere"
    version = __version__
    #: ``vsphere://`` is HTTPS; ``vsphere+http://`` plain HTTP (simulators).
    schemes = tuple(SCHEMES)
    #: The hosts' numeric sensors, their BIOS and ESXi versions, and an archive of host configuration.
    features = ("archive", "firmware", "sensors")

    async def poll(self, target: Target) -> DeviceReport:
        answer = (await self.poll_batch([target]))[target.name]
        if isinstance(answer, DriverError):
            raise answer
        return answer

    async def poll_batch(self, targets: Sequence[Target]) -> BatchAnswer:
        """One pass per distinct login among ``targets`` (normally one: every device of a vCenter shares it).

        Devices registered with another account are read in a session of their own, so that a wrong
        password costs only the devices that carry it.
        """
        answers: dict[str, DeviceReport | DriverError] = {}
        logins: dict[tuple[str | None, str | None], list[Wanted]] = {}
        for target in targets:
            try:
                wanted = Wanted(target, parse_endpoint(target.endpoint), VsphereOptions.from_target(target.options))
            except DriverError as error:
                answers[target.name] = error
                continue
            secret = target.credential.reveal() if target.credential is not None else None
            logins.setdefault((target.username, secret), []).append(wanted)
        passes = await asyncio.gather(*(self._answer(group) for group in logins.values()))
        for answered in passes:
            answers.update(answered)
        return answers

    async def _answer(self, group: list[Wanted]) -> dict[str, DeviceReport | DriverError]:
        """The reports of one login's devices from one pass; a failed pass is every one's error."""
        first = group[0]
        try:
            inventory = await self._read(first.target, first.endpoint, first.options)
        except DriverError as error:
            return {wanted.target.name: error for wanted in group}
        # Parsing 2,000 hosts takes a while: in slices between which the loop polls the rest of the fleet
        # (in a worker thread it would hold the GIL the loop waits for, as decoding would: collect.fetch).
        found: dict[str, DeviceReport | DriverError] = {}
        for start in range(0, len(group), PARSE_SLICE):
            found.update(answers(inventory, group[start : start + PARSE_SLICE]))
            await asyncio.sleep(0)
        return found

    async def _read(self, target: Target, endpoint: Endpoint, options: VsphereOptions) -> Inventory:
        from dcmaint_vsphere.collect import collect
        from dcmaint_vsphere.session import Login, Session, logout_reserve

        reserve = logout_reserve(target.timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + target.timeout - reserve
        session = Session(Login.of(endpoint, target, options.check_hostname), logout_budget=reserve)
        try:
            async with asyncio.timeout_at(deadline):
                service = await session.open()
                return await collect(session, service, options.page_size)
        except TimeoutError:
            raise TimedOut(f"{endpoint.display}: vSphere pass not finished within {target.timeout:g} s") from None
        finally:
            await session.close()

    async def probe(self, target: Target) -> DeviceIdentity | None:
        """Log in and read the server's ``about``: what it is and its version; None when it is no vSphere API."""
        from dcmaint_vsphere.session import Login, Session, logout_reserve

        endpoint = parse_endpoint(target.endpoint)
        timeout = min(target.timeout, PROBE_TIMEOUT)
        session = Session(Login.of(endpoint, target), logout_budget=logout_reserve(timeout))
        try:
            async with asyncio.timeout(timeout):
                service = await session.open()
                about: Any = await session.call(lambda: service.content.about)
        except TimeoutError:
            raise TimedOut(f"{endpoint.display}: no answer within {timeout:g} s") from None
        except DriverError as error:
            if error.kind.value == "protocol_error":
                return None
            raise
        finally:
            await session.close()
        return DeviceIdentity(
            vendor=about.vendor,
            model=about.name,
            serial=getattr(about, "instanceUuid", None),
            firmware={str(about.name): f"{about.version} build {about.build}"},
        )

    async def discover(self, target: Target) -> Sequence[FoundDevice]:
        """The vCenter (or standalone ESXi host) at ``target.endpoint`` and every host it manages."""
        from dcmaint.drivers.discovery import FoundDevice
        from dcmaint_vsphere.collect import moid
        from dcmaint_vsphere.parse import host_identity, is_center

        endpoint = parse_endpoint(target.endpoint)
        inventory = await self._read(target, endpoint, VsphereOptions.from_target(target.options))
        hosts = sorted(inventory.hosts_by_name.items())
        about = inventory.about
        if not is_center(inventory):
            identity = host_identity(hosts[0][1]) if hosts else DeviceIdentity()
            return [
                FoundDevice(endpoint.host, DeviceKind.HYPERVISOR, endpoint.base, identity, note="standalone ESXi host")
            ]
        found = [
            FoundDevice(
                endpoint.host,
                DeviceKind.HYPERVISOR,
                endpoint.base,
                DeviceIdentity(
                    vendor=about.vendor,
                    model=about.name,
                    serial=getattr(about, "instanceUuid", None),
                    firmware={str(about.name): f"{about.version} build {about.build}"},
                ),
                note="the vCenter itself",
            )
        ]
        clusters = inventory.of("ClusterComputeResource")
        for name, host in hosts:
            cluster = clusters.get(moid(host.get("parent")))
            found.append(
                FoundDevice(
                    name,
                    DeviceKind.HYPERVISOR,
                    host_endpoint(endpoint.base, name),
                    host_identity(host),
                    note=f"in cluster {cluster.get('name')}" if cluster else "standalone host",
                )
            )
        return found
