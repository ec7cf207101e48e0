"""One PropertyCollector pass over a vCenter (or an ESXi host): every host, datastore and cluster at once.

Asking each host for its properties costs one round trip per host and per
property; a vCenter with 2,000 hosts would take minutes and load the
vCenter. Instead one ContainerView over the whole inventory feeds one
``RetrievePropertiesEx`` with only the property paths dcmaint reads, paged
(``page_size`` objects per page, ``ContinueRetrievePropertiesEx`` for the
rest), and a second, small call names the alarms that are triggered. The
answers are decoded by :mod:`dcmaint_vsphere.wire`, which drops the sensors
dcmaint never reads (installed software, above all) before they cost any
object. The result is plain data (:class:`Inventory`) that
:mod:`dcmaint_vsphere.parse` reads without any further call. pyVmomi's calls
run in worker threads; the answers are decoded on the event loop, a chunk at
a time (:func:`fetch` says why).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from dcmaint.drivers import DriverError
from dcmaint_vsphere.session import Session, translate
from dcmaint_vsphere.wire import VIM, Page, Ref, Stream, send

#: What is read of each host: state, health tree, alarms, identity, where it sits, its datastores and VMs.
HOST_PROPERTIES = (
    "name",
    "parent",
    "overallStatus",
    "triggeredAlarmState",
    "runtime.connectionState",
    "runtime.powerState",
    "runtime.inMaintenanceMode",
    "runtime.healthSystemRuntime",
    "summary.config.product",
    "summary.hardware",
    "hardware.systemInfo",
    "hardware.biosInfo",
    "datastore",
    "vm",
)
DATASTORE_PROPERTIES = (
    "name",
    "overallStatus",
    "triggeredAlarmState",
    "summary.capacity",
    "summary.freeSpace",
    "summary.accessible",
    "summary.type",
    "summary.maintenanceMode",
    "host",
)
CLUSTER_PROPERTIES = ("name", "overallStatus", "triggeredAlarmState", "configurationEx", "summary")
DATACENTER_PROPERTIES = ("name", "triggeredAlarmState")
#: Numeric sensor types that are no hardware part of their own: installed software (most of an ESXi health
#: tree), the system rollup, and the CPU, memory and storage sensors that restate ``hardwareStatusInfo``.
SKIPPED_SENSOR_TYPES = frozenset({"processors", "memory", "storage", "software components", "system"})


@dataclass(frozen=True)
class Managed:
    """One managed object as read: its type and id (``HostSystem``, ``host-21``) and the properties asked for.

    A property the server did not return (unset, not permitted) is missing from ``props``.
    """

    type: str
    id: str
    props: Mapping[str, Any]

    def get(self, path: str, default: Any = None) -> Any:
        return self.props.get(path, default)


@dataclass(frozen=True)
class Inventory:
    """Everything one pass read: the server's about info, its objects by type and id, and the alarms' names."""

    about: Any
    objects: Mapping[str, Mapping[str, Managed]] = field(default_factory=dict)
    root_alarms: tuple[Any, ...] = ()
    alarm_names: Mapping[str, str] = field(default_factory=dict)

    def of(self, type_name: str) -> Mapping[str, Managed]:
        return self.objects.get(type_name, {})

    @functools.cached_property
    def datastore_owners(self) -> dict[str, frozenset[str]]:
        """For each datastore id, the ids of the hosts that mount it: its host mounts and the hosts that list it
        (either may be short). Worked out once per pass, not once per host: 2,000 hosts would make it quadratic."""
        owners: dict[str, set[str]] = {store_id: set() for store_id in self.of("Datastore")}
        for store in self.of("Datastore").values():
            owners[store.id].update(moid(getattr(mount, "key", None)) for mount in store.get("host") or ())
        for host in self.of("HostSystem").values():
            for reference in host.get("datastore") or ():
                if moid(reference) in owners:
                    owners[moid(reference)].add(host.id)
        return {store_id: frozenset(hosts - {""}) for store_id, hosts in owners.items()}

    @functools.cached_property
    def hosts_by_name(self) -> dict[str, Managed]:
        return {str(host.get("name")): host for host in self.of("HostSystem").values() if host.get("name")}


def moid(reference: Any) -> str:
    """A managed object reference's id (``host-21``), decoded or pyVmomi's, or '' for anything else."""
    if isinstance(reference, Ref):
        return reference.id
    return str(getattr(reference, "_moId", "") or "")


def _skipped_sensor(owner: str, name: str, element: Element) -> bool:
    """The decoder's drop rule: a numeric sensor of a type dcmaint never reads is not decoded at all."""
    if name != "numericSensorInfo":
        return False
    kind = element.findtext(VIM + "sensorType") or ""
    return kind.strip().lower() in SKIPPED_SENSOR_TYPES


#: What fetches one page: (collector, method, arguments) -> the decoded page.
Fetch = Callable[[Any, str, list[Any]], Awaitable[Page | None]]


async def fetch(session: Session, managed: Any, method: str, arguments: list[Any]) -> Page | None:
    """One PropertyCollector call: sent and read in worker threads, decoded on the event loop a chunk at a time.

    Decoding in a worker thread would hold the process's GIL for a second or more per 500 hosts, and the
    event loop polling the rest of the fleet in this process would wait for it at every turn (each wait up
    to the interpreter's switch interval). On the loop the same work comes in slices of a few milliseconds.
    """
    answer = await session.call(send, managed, method, arguments)
    stream = Stream(_skipped_sensor)
    whole = False
    try:
        while chunk := await session.call(answer.read):
            stream.feed(chunk)
        page = stream.close()
        whole = True
    except ParseError as error:
        raise translate(error, session.where) from None
    finally:
        answer.release(whole)
    return page


async def _pages(fetch_page: Fetch, collector: Any, specs: list[Any], page_size: int) -> AsyncIterator[Page]:
    """Every page of the answer: the first, then one ``ContinueRetrievePropertiesEx`` per token."""
    from pyVmomi import vmodl

    options = vmodl.query.PropertyCollector.RetrieveOptions(maxObjects=page_size)
    page = await fetch_page(collector, "RetrievePropertiesEx", [specs, options])
    while page is not None:
        yield page
        if not page.token:
            return
        page = await fetch_page(collector, "ContinueRetrievePropertiesEx", [page.token])


def managed(reference: Ref, props: Mapping[str, Any]) -> Managed:
    return Managed(reference.type, reference.id, props)


def _inventory_spec(view: Any, root: Any) -> Any:
    from pyVmomi import vim, vmodl

    collector = vmodl.query.PropertyCollector
    traverse = collector.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)
    wanted = (
        (vim.HostSystem, HOST_PROPERTIES),
        (vim.Datastore, DATASTORE_PROPERTIES),
        (vim.ClusterComputeResource, CLUSTER_PROPERTIES),
        (vim.Datacenter, DATACENTER_PROPERTIES),
        (vim.Folder, ("triggeredAlarmState",)),
    )
    return collector.FilterSpec(
        objectSet=[
            collector.ObjectSpec(obj=view, skip=True, selectSet=[traverse]),
            collector.ObjectSpec(obj=root, skip=False),
        ],
        propSet=[collector.PropertySpec(type=kind, pathSet=list(paths)) for kind, paths in wanted],
    )


async def _alarm_names(fetch_page: Fetch, collector: Any, alarms: Iterable[Any], page_size: int) -> dict[str, str]:
    from pyVmomi import vim, vmodl

    unique = sorted({moid(alarm) for alarm in alarms} - {""})
    if not unique:
        return {}
    stub = collector._stub
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[
            vmodl.query.PropertyCollector.ObjectSpec(obj=vim.alarm.Alarm(alarm, stub), skip=False) for alarm in unique
        ],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.alarm.Alarm, pathSet=["info.name"])],
    )
    names: dict[str, str] = {}
    async for page in _pages(fetch_page, collector, [spec], page_size):
        for item in (managed(*found) for found in page.objects):
            if item.get("info.name"):
                names[item.id] = str(item.get("info.name"))
    return names


async def collect(session: Session, service: Any, page_size: int = 500) -> Inventory:
    """Read the whole inventory of the server behind ``service`` (the session's pyVmomi ServiceInstance) in one
    pass. pyVmomi's own calls run in worker threads (:meth:`Session.call`); the answers are decoded on the loop."""
    fetch_page = functools.partial(fetch, session)
    content = await session.call(service.RetrieveContent)
    collector = content.propertyCollector
    view = await session.call(
        content.viewManager.CreateContainerView,
        content.rootFolder,
        [_type("HostSystem"), _type("Datastore"), _type("ClusterComputeResource"), _type("Datacenter")],
        True,
    )
    objects: dict[str, dict[str, Managed]] = {}
    root_alarms: tuple[Any, ...] = ()
    root = moid(content.rootFolder)
    async for page in _pages(fetch_page, collector, [_inventory_spec(view, content.rootFolder)], page_size):
        for item in (managed(*found) for found in page.objects):
            if item.id == root:
                root_alarms = tuple(item.get("triggeredAlarmState") or ())
            else:
                objects.setdefault(item.type, {})[item.id] = item
    with contextlib.suppress(DriverError):  # after an error or a cancellation the session's logout discards it
        await session.call(view.Destroy)
    triggered = [
        state.alarm
        for group in (*objects.values(), {"": Managed("Folder", "", {"triggeredAlarmState": root_alarms})})
        for item in group.values()
        for state in item.get("triggeredAlarmState") or ()
    ]
    return Inventory(
        about=content.about,
        objects=objects,
        root_alarms=root_alarms,
        alarm_names=await _alarm_names(fetch_page, collector, triggered, page_size),
    )


def _type(name: str) -> Any:
    from pyVmomi import vim

    return getattr(vim, name)
