"""The classes a driver subclasses.

A driver is a class with a ``name``, the device ``kinds`` it serves, a
``version``, and two coroutines: :meth:`Driver.probe` (is this endpoint one
of mine, and what is it?) and :meth:`Driver.poll` (a full
:class:`~dcmaint.drivers.report.DeviceReport`). What a driver does not
support raises ``NotImplementedError``, as in NAPALM: the capability matrix in
the docs is read from which methods a driver overrides.

Drivers are asyncio-first because one run polls a thousand BMCs in seconds;
a driver built on a blocking library subclasses :class:`SyncDriver` and
writes plain functions, which the core runs in worker threads.

The runner creates one instance per run and may poll many targets with it at
once: keep per-device state in local variables, not on ``self``. A driver
never prints, never touches the database, and raises only the errors of
:mod:`dcmaint.drivers.errors`.
"""

from __future__ import annotations

from typing import ClassVar

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers.report import DeviceIdentity, DeviceReport
from dcmaint.drivers.target import Target
from dcmaint.drivers.threads import run_in_daemon_thread

CAPABILITIES = ("probe", "poll")


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
    #: The driver's own version, shown by ``dcmaint plugin list`` and stored with reports.
    version: ClassVar[str] = ""

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

    @classmethod
    def capabilities(cls) -> tuple[str, ...]:
        """The methods of the contract this driver implements, e.g. ``("poll",)``."""
        return tuple(method for method in CAPABILITIES if cls._implements(method))

    @classmethod
    def _implements(cls, method: str) -> bool:
        return getattr(cls, method) is not getattr(Driver, method)


class SyncDriver(Driver):
    """Base for drivers built on blocking libraries (pyVmomi, vendor SDKs, subprocess CLIs).

    Implement :meth:`poll_sync` (and optionally :meth:`probe_sync`); each call
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

    async def probe(self, target: Target) -> DeviceIdentity | None:
        return await run_in_daemon_thread(self.probe_sync, target, name=f"dcmaint-{self.name}-probe")

    async def poll(self, target: Target) -> DeviceReport:
        return await run_in_daemon_thread(self.poll_sync, target, name=f"dcmaint-{self.name}-poll")

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
