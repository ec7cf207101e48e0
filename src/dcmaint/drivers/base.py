"""The classes a driver subclasses.

A driver is a class with a ``name``, the device ``kinds`` it serves, the URL
``schemes`` of the endpoints it answers for, a ``version``, and coroutines:
:meth:`Driver.probe` (is this endpoint one of mine, and what is it?),
:meth:`Driver.poll` (a full :class:`~dcmaint.drivers.report.DeviceReport`)
and, for devices that share one endpoint (the hosts of a vCenter, the shelves
of an array), :meth:`Driver.poll_batch` (many reports from one conversation)
and :meth:`Driver.discover` (which devices are behind it).
What a driver does not support raises ``NotImplementedError``, as in NAPALM:
the capability matrix in the docs is read from which methods a driver
overrides, and from the ``features`` its reports carry (declared on the
class, proved by the conformance kit).

Drivers are asyncio-first because one run polls a thousand BMCs in seconds;
a driver built on a blocking library subclasses :class:`SyncDriver` and
writes plain functions, which the core runs in worker threads.

The runner creates one instance per run and may poll many targets with it at
once: keep per-device state in local variables, not on ``self``. A driver
never prints, never touches the database, and raises only the errors of
:mod:`dcmaint.drivers.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers.discovery import FoundDevice
from dcmaint.drivers.errors import DriverError
from dcmaint.drivers.report import DeviceIdentity, DeviceReport
from dcmaint.drivers.target import Target, endpoint_key
from dcmaint.drivers.threads import run_in_daemon_thread

CAPABILITIES = ("probe", "poll", "poll_batch", "discover")

#: What :meth:`Driver.poll_batch` returns: for each target's ``name``, its report or the contract error it got.
BatchAnswer = Mapping[str, DeviceReport | DriverError]


class Driver:
    """Base of every driver.

    Example::

        class AcmeUpsDriver(UpsDriver):
            name = "acme-ups"
            version = "1.0.0"

            async def poll(self, target: Target) -> DeviceReport:
                ...
    """

    #: Unique across installed plugins; devices name it in the register (``--driver``).
    name: ClassVar[str] = ""
    #: The device kinds this driver can poll.
    kinds: ClassVar[tuple[DeviceKind, ...]] = ()
    #: The URL schemes of the endpoints it serves, lower case (``("snmp",)``): ``dcmaint health --target
    #: snmp://10.0.0.9`` reaches this driver through them. Unique across installed drivers, like ``name``.
    schemes: ClassVar[tuple[str, ...]] = ()
    #: The driver's own version, shown by ``dcmaint plugin list`` and stored with reports.
    version: ClassVar[str] = ""
    #: What its reports carry beyond health, from :class:`dcmaint.drivers.features.Feature` (``("sensors",
    #: "events", "archive", "firmware")``). The methods it implements are read by :meth:`capabilities`, not
    #: declared here. The conformance kit fails a declared feature no case shows, and a shown one not declared.
    features: ClassVar[tuple[str, ...]] = ()

    async def probe(self, target: Target) -> DeviceIdentity | None:
        """Identify the device at ``target`` cheaply, or return None when it is not one this driver serves.

        Used to suggest a driver when a device is registered. Raises the
        contract's errors when the endpoint cannot be asked at all.
        """
        raise NotImplementedError

    async def poll(self, target: Target) -> DeviceReport:
        """Read everything the device reports and return it normalised.

        Must finish within ``target.timeout`` seconds; the runner cancels it
        after that and records the device as timed out.
        """
        raise NotImplementedError

    async def poll_batch(self, targets: Sequence[Target]) -> BatchAnswer:
        """Poll several devices that share one endpoint in one conversation (optional).

        Implement it when one call to the endpoint answers for many devices:
        every host of a vCenter in one PropertyCollector pass, every shelf of
        an array from its controller. The runner then never calls :meth:`poll`
        during a run: it groups the run's targets by :meth:`batch_key` and
        calls this once per group, with at most one group per concurrency
        slot and the group's whole call within ``target.timeout`` seconds (one
        deadline for the batch, not one per device).

        Return, for each target's ``name``, its report or the contract error
        (an instance, not raised) that device got. A target missing from the
        answer is recorded as ``invalid_report`` for that device; raising a
        contract error fails every device of the group with it; anything else
        raised is ``crashed`` for the group. Target names within one call are
        unique.

        Example::

            async def poll_batch(self, targets):
                hosts = await self.read_all_hosts(targets[0])   # one pass over the manager
                return {t.name: parse(hosts[t.options["host"]]) if t.options["host"] in hosts
                        else NotSupported(f"{t.options['host']}: not managed here") for t in targets}
        """
        raise NotImplementedError

    async def discover(self, target: Target) -> Sequence[FoundDevice]:
        """List every device the manager at ``target.endpoint`` knows about (optional).

        Implement it when one endpoint manages many devices (a vCenter its
        ESXi hosts, an array controller its shelves): ``dcmaint device import
        --from URL`` registers each device returned that is not registered
        yet, with this driver, the login and TLS settings of ``target``, and
        the found device's endpoint, identity and options. Return the manager
        itself too when it can be polled. ``target.name`` is the source's host
        name, ``target.kind`` the driver's first kind; the call must finish
        within ``target.timeout`` seconds (the core cancels it after that).
        Raise the contract's errors (``Unreachable``, ``AuthFailed``,
        ``TimedOut``, ``ProtocolError``, ``NotSupported``) when the manager
        cannot be asked: nothing is registered then.

        Example::

            async def discover(self, target):
                hosts = await self.read_all_hosts(target)
                return [FoundDevice(h.name, DeviceKind.HYPERVISOR, f"vsphere://{vc}/?host={h.moid}",
                                    DeviceIdentity(vendor=h.vendor, model=h.model, serial=h.serial),
                                    options={"host": h.moid}, note=f"in cluster {h.cluster}") for h in hosts]
        """
        raise NotImplementedError

    def batch_key(self, target: Target) -> str:
        """Which batch ``target`` belongs to: targets with equal keys are polled in one :meth:`poll_batch` call.

        By default the endpoint's scheme, host and port (``https://vc01:443``
        and ``https://vc01`` differ; a target without a host is alone in its
        batch). Override it when devices of one manager are addressed
        differently, e.g. by the manager named in ``target.options``. Only
        used when the driver implements :meth:`poll_batch`; must be cheap and
        must not do I/O.
        """
        return endpoint_key(target.endpoint, target.name)

    @classmethod
    def capabilities(cls) -> tuple[str, ...]:
        """The methods of the contract this driver implements, e.g. ``("poll",)`` or ``("poll", "discover")``."""
        return tuple(method for method in CAPABILITIES if cls._implements(method))

    @classmethod
    def _implements(cls, method: str) -> bool:
        return getattr(cls, method) is not getattr(Driver, method)


class SyncDriver(Driver):
    """Base for drivers built on blocking libraries (pyVmomi, vendor SDKs, subprocess CLIs).

    Implement :meth:`poll_sync` (and optionally :meth:`probe_sync`,
    :meth:`poll_batch_sync` and :meth:`discover_sync`); each call
    runs in its own worker thread. A thread that never returns is abandoned
    when the deadline passes: it cannot hold up the run, but it keeps its
    socket until the process ends, so set the library's own timeouts from
    ``target.timeout``.
    """

    def probe_sync(self, target: Target) -> DeviceIdentity | None:
        """Blocking form of :meth:`Driver.probe`."""
        raise NotImplementedError

    def poll_sync(self, target: Target) -> DeviceReport:
        """Blocking form of :meth:`Driver.poll`."""
        raise NotImplementedError

    def poll_batch_sync(self, targets: Sequence[Target]) -> BatchAnswer:
        """Blocking form of :meth:`Driver.poll_batch`: one worker thread per batch."""
        raise NotImplementedError

    def discover_sync(self, target: Target) -> Sequence[FoundDevice]:
        """Blocking form of :meth:`Driver.discover`."""
        raise NotImplementedError

    async def probe(self, target: Target) -> DeviceIdentity | None:
        return await run_in_daemon_thread(self.probe_sync, target, name=f"dcmaint-{self.name}-probe")

    async def poll(self, target: Target) -> DeviceReport:
        return await run_in_daemon_thread(self.poll_sync, target, name=f"dcmaint-{self.name}-poll")

    async def poll_batch(self, targets: Sequence[Target]) -> BatchAnswer:
        return await run_in_daemon_thread(self.poll_batch_sync, targets, name=f"dcmaint-{self.name}-batch")

    async def discover(self, target: Target) -> Sequence[FoundDevice]:
        return await run_in_daemon_thread(self.discover_sync, target, name=f"dcmaint-{self.name}-discover")

    @classmethod
    def _implements(cls, method: str) -> bool:
        sync = f"{method}_sync"
        if getattr(cls, sync) is not getattr(SyncDriver, sync):
            return True
        return getattr(cls, method) is not getattr(SyncDriver, method)


class ServerDriver(Driver):
    """Rack and blade servers through their BMC (Redfish, IPMI, vendor APIs).

    Expected: identity with BIOS/BMC firmware; components for CPUs, DIMMs,
    disks (by bay), controllers, NICs, HBAs, PSUs, fans, batteries; sensors for
    temperatures, voltages, fan speeds, power; active alarms; the system event
    log as events; archive with hardware inventory, RAID layout and firmware.
    """

    kinds = (DeviceKind.SERVER,)


class HypervisorDriver(Driver):
    """Virtualisation hosts and their managers (vCenter, ESXi, Proxmox, Hyper-V).

    Expected: identity of the host; components the hypervisor sees (NICs,
    HBAs, disks, PSUs, fans where exposed); host alarms; archive with host
    configuration (version, build, clusters, datastores, virtual switches).
    """

    kinds = (DeviceKind.HYPERVISOR,)


class StorageDriver(Driver):
    """Disk arrays, NAS heads and SAN switches' storage side.

    Expected: identity with controller firmware; components for controllers,
    disks (by shelf and slot), enclosures, PSUs, fans, cache batteries, host
    ports; capacity sensors; active alarms; archive with RAID groups/pools,
    LUNs and their mappings, replication and backup settings.
    """

    kinds = (DeviceKind.STORAGE,)


class UpsDriver(Driver):
    """Uninterruptible power supplies and their network cards.

    Expected: components for power modules, battery strings, bypass;
    sensors for input/output voltage, load %, battery charge and runtime
    (unit "s"), temperature; alarms such as "on battery"; the event log.
    """

    kinds = (DeviceKind.UPS,)


class CoolingDriver(Driver):
    """Precision air conditioning and in-row cooling.

    Expected: components for compressors, fans, filters, humidifiers,
    heaters; sensors for supply/return temperature and humidity, pressures;
    alarms; archive with set points and operating mode.
    """

    kinds = (DeviceKind.COOLING,)


class NetworkDriver(Driver):
    """Switches, routers and firewalls' hardware side.

    Expected: identity with OS version; components for supervisors/line
    cards (module), PSUs, fans, transceivers (by port); temperature sensors;
    alarms; archive with the running configuration under ``system``.
    """

    kinds = (DeviceKind.NETWORK,)
