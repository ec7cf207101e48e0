"""Walking one BMC's Redfish tree into a resource map (path -> JSON document).

The walk is targeted, not a generic link crawl: it follows only the links
the parser reads (Systems and their Memory, Processors, Storage, PCIe
devices and logs; Chassis power, thermal, adapters, assemblies; Managers;
the firmware inventory; the service's conditions; facility equipment under
ThermalEquipment and PowerEquipment, see :mod:`dcmaint_redfish.parse.facility`),
then asks the vendor profile for its ``extra_paths``. Independent
GETs run concurrently, capped per BMC by the transport. Collections are read
with ``$expand=.($levels=1)`` when the service root says the BMC supports it,
which turns N+1 requests into one; members an expanded answer leaves empty
are fetched one by one, and a collection the BMC refuses to expand is read
again plainly (and expansion is dropped for the rest of that poll).

What the walk stores is uniform whatever the BMC did: every resource under
its own path, collections with link-only ``Members``. Recorded vendor trees,
the simulator and the parser share that shape.

What cannot be read is judged here: the service root and the systems are
essential (their failure fails the poll); anything else that answers 5xx or
403 is listed in ``unread`` and the report says so, while 404/405/501 mean
"not offered" and are silently skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dcmaint.drivers import AuthFailed, DriverError, NotSupported, ProtocolError, Unreachable
from dcmaint_redfish.parse import facility
from dcmaint_redfish.parse.vendor import Document, VendorProfile
from dcmaint_redfish.paths import ROOT, has_content, link, links, member_entries, normalise
from dcmaint_redfish.transport import NOT_OFFERED, Answer, Transport

MAX_PAGES = 20  # Members@odata.nextLink pages followed per collection
MAX_MEMBERS = 1024  # members fetched one by one per collection
MAX_REQUESTS = 2000  # per poll: a tree larger than this is not a server's
MAX_EXTRA_ROUNDS = 4  # times a profile may ask for more paths
MAX_LOG_PAGES = 3  # further pages read of one log


@dataclass
class Crawl:
    """The result of one walk: the resource map and what could not be read (path -> reason)."""

    resources: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    unread: dict[str, str] = field(default_factory=dict)
    profile: VendorProfile = field(default_factory=VendorProfile)


def expand_query(root: Document) -> str | None:
    """The ``$expand`` query this service supports for collections, or None.

    >>> expand_query({"ProtocolFeaturesSupported": {"ExpandQuery": {"NoLinks": True, "Levels": True}}})
    '$expand=.($levels=1)'
    >>> expand_query({}) is None
    True
    """
    features = root.get("ProtocolFeaturesSupported")
    expand = features.get("ExpandQuery") if isinstance(features, Mapping) else None
    if not isinstance(expand, Mapping):
        return None
    levels = "($levels=1)" if expand.get("Levels") is True else ""
    if expand.get("NoLinks") is True:
        return f"$expand=.{levels}"
    if expand.get("ExpandAll") is True:
        return f"$expand=*{levels}"
    return None


async def all_of(*steps: Awaitable[Any] | None) -> list[Any]:
    """Run the steps concurrently; the first failure cancels the others and is raised alone (not as a group)."""
    pending = [step for step in steps if step is not None]
    if len(pending) <= 1:
        return [await step for step in pending]
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(step) for step in pending]  # type: ignore[arg-type]
    except BaseExceptionGroup as failed:
        raise _first(failed) from None
    return [task.result() for task in tasks]


def _first(group: BaseExceptionGroup) -> BaseException:
    leaves: list[BaseException] = []

    def flatten(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                flatten(inner)
        else:
            leaves.append(error)

    flatten(group)
    return next((leaf for leaf in leaves if isinstance(leaf, DriverError)), leaves[0])


class Crawler:
    """One walk of one BMC through an open :class:`Transport`."""

    def __init__(
        self,
        transport: Transport,
        *,
        expand: bool = True,
        log_entries: int = 20,
        choose_profile: Callable[[Document], VendorProfile] = lambda root: VendorProfile(),
    ) -> None:
        self.transport = transport
        self.crawl = Crawl()
        self._use_expand = expand
        self._expand: str | None = None
        self._top_skip = False
        self._log_entries = log_entries
        self._choose_profile = choose_profile
        self._claimed: set[str] = set()

    @property
    def resources(self) -> dict[str, Mapping[str, Any]]:
        return self.crawl.resources

    # -- the walk ------------------------------------------------------------

    async def run(self) -> Crawl:
        """Log in, walk the tree, fetch what the profile asks for; the caller closes the transport."""
        root = await self._root()
        self.crawl.profile = profile = self._choose_profile(root)
        if self._use_expand:
            self._expand = expand_query(root)
        features = root.get("ProtocolFeaturesSupported")
        self._top_skip = isinstance(features, Mapping) and features.get("TopSkipQuery") is True
        update = link(root.get("UpdateService"))
        await all_of(
            self._systems(link(root.get("Systems"))),
            self._chassis_all(link(root.get("Chassis"))),
            self._managers(link(root.get("Managers"))),
            self._firmware(update) if update else None,
            self._fetch(link(root.get("ServiceConditions"))),
            *(self._equipment(path, facility.GROUPS[top]) for top, path in facility.equipment_links(root)),
        )
        for _round in range(MAX_EXTRA_ROUNDS):
            try:
                asked = list(profile.extra_paths(self.resources))
            except Exception as error:  # noqa: BLE001 - a profile bug is this device's protocol problem
                raise ProtocolError(
                    f"vendor profile {profile.name}: extra_paths failed: {type(error).__name__}: {error}"
                ) from None
            wanted = [path for path in map(normalise, asked) if path is not None and path not in self._claimed]
            if not wanted:
                break
            await all_of(*(self._extra(path) for path in dict.fromkeys(wanted)))
        return self.crawl

    async def _root(self) -> Document:
        # The service root needs no login (the specification says so), so ask it while logging in.
        results = await all_of(self.transport.get(ROOT, auth=False), self.transport.login())
        answer: Answer = results[0]
        if answer.status == 401 or (answer.status == 403 and not answer.ok):
            answer = await self.transport.get(ROOT)
        if not answer.ok:
            display = self.transport.endpoint.display
            if answer.status in NOT_OFFERED:
                raise NotSupported(f"{display}: no Redfish service ({ROOT}: {answer.reason})")
            raise self._fatal(ROOT, answer)
        self._claimed.add(ROOT)
        self.resources[ROOT] = answer.document  # type: ignore[assignment]
        return answer.document  # type: ignore[return-value]

    async def _systems(self, path: str | None) -> None:
        systems = await self._collection(path, essential=True)
        await all_of(*(self._system(doc) for doc in systems))

    async def _system(self, system: Document) -> None:
        await all_of(
            self._collection(link(system.get("Memory"))),
            self._collection(link(system.get("Processors"))),
            self._storage(link(system.get("Storage"))),
            self._collection(link(system.get("SimpleStorage"))),
            self._pcie(system.get("PCIeDevices")),
            self._collection(link(system.get("EthernetInterfaces"))) if self._expand else None,
            self._logs(link(system.get("LogServices"))),
        )

    async def _storage(self, path: str | None) -> None:
        subsystems = await self._collection(path)
        await all_of(*(self._storage_one(doc) for doc in subsystems))

    async def _storage_one(self, storage: Document) -> None:
        batteries = _battery_links(storage)
        embedded = storage.get("StorageControllers")
        for controller in embedded if isinstance(embedded, list) else ():
            batteries += _battery_links(controller)
        controllers, *_rest = await all_of(
            self._collection(link(storage.get("Controllers"))),
            self._fetch_all(links(storage.get("Drives"))),
            self._collection(link(storage.get("Volumes"))),
        )
        for controller in controllers:
            batteries += _battery_links(controller)
        await self._fetch_all(batteries)

    async def _chassis_all(self, path: str | None) -> None:
        chassis = await self._collection(path)
        await all_of(*(self._chassis(doc) for doc in chassis))

    async def _chassis(self, chassis: Document) -> None:
        thermal = link(chassis.get("Thermal"))
        await all_of(
            self._fetch(link(chassis.get("Power"))),
            self._fetch(thermal),
            self._subsystem(link(chassis.get("PowerSubsystem")), ("PowerSupplies", "Batteries"), ()),
            self._subsystem(link(chassis.get("ThermalSubsystem")), ("Fans",), ("ThermalMetrics",)),
            self._collection(link(chassis.get("NetworkAdapters"))),
            self._pcie(chassis.get("PCIeDevices")),
            self._fetch(link(chassis.get("Assembly"))),
            # Sensors carry the thresholds when the legacy Thermal resource is gone (newer firmware).
            self._collection(link(chassis.get("Sensors"))) if thermal is None else None,
        )

    async def _subsystem(self, path: str | None, collections: tuple[str, ...], resources: tuple[str, ...]) -> None:
        subsystem = await self._fetch(path)
        if subsystem is None:
            return
        await all_of(
            *(self._collection(link(subsystem.get(name))) for name in collections),
            *(self._fetch(link(subsystem.get(name))) for name in resources),
        )

    async def _pcie(self, value: Any) -> None:
        # ComputerSystem lists PCIe devices as an array of links; Chassis links a collection.
        if isinstance(value, list):
            await self._fetch_all(links(value))
        else:
            await self._collection(link(value))

    async def _equipment(self, path: str, groups: tuple[str, ...]) -> None:
        """ThermalEquipment or PowerEquipment: each collection of units, and in each unit what the parser reads."""
        holder = await self._fetch(path)
        if holder is None:
            return
        found = await all_of(*(self._collection(link(holder.get(group))) for group in groups))
        await all_of(*(self._unit(unit) for units in found for unit in units))

    async def _unit(self, unit: Document) -> None:
        await all_of(
            *(self._collection(link(unit.get(name))) for name in facility.UNIT_COLLECTIONS),
            *(self._fetch(link(unit.get(name))) for name in facility.UNIT_RESOURCES if name != "LeakDetection"),
            self._subsystem(link(unit.get("LeakDetection")), ("LeakDetectors",), ()),
        )

    async def _managers(self, path: str | None) -> None:
        managers = await self._collection(path)
        await all_of(*(self._logs(link(doc.get("LogServices"))) for doc in managers))

    async def _firmware(self, path: str) -> None:
        update = await self._fetch(path)
        if update is not None:
            await self._collection(link(update.get("FirmwareInventory")))

    async def _logs(self, path: str | None) -> None:
        if not self._log_entries:
            return
        services = await self._collection(path)
        await all_of(*(self._entries(link(doc.get("Entries"))) for doc in services))

    async def _extra(self, path: str) -> None:
        document = await self._fetch(path)
        if document is None or not isinstance(document.get("Members"), list):
            return
        bare = sum(1 for _member, entry in member_entries(document) if not has_content(entry))
        if bare > 1 and self._expand:
            # A collection after all: one expanded GET instead of one GET per member.
            answer = await self.transport.get(path, self._expand)
            if answer.ok:
                document = answer.document  # type: ignore[assignment]
        await self._members(path, document, expanded=False)  # type: ignore[arg-type]

    # -- fetching ------------------------------------------------------------

    def _claim(self, path: str | None) -> bool:
        """True for the first caller that wants ``path``; later callers leave it (and what is below it) to that one."""
        if path is None or path in self._claimed:
            return False
        if self.transport.requests >= MAX_REQUESTS:
            raise ProtocolError(
                f"{self.transport.endpoint.display}: more than {MAX_REQUESTS} resources; "
                "this does not look like a server's Redfish tree"
            )
        self._claimed.add(path)
        return True

    async def _fetch(self, path: str | None, *, essential: bool = False) -> Document | None:
        if not self._claim(path):
            return None
        return await self._get(path, None, essential=essential)  # type: ignore[arg-type]

    async def _fetch_all(self, paths: list[str]) -> list[Document]:
        found = await all_of(*(self._fetch(path) for path in paths[:MAX_MEMBERS]))
        return [document for document in found if document is not None]

    async def _get(
        self, path: str, query: str | None, *, essential: bool = False, store: bool = True
    ) -> Document | None:
        answer = await self.transport.get(path, query)
        if answer.ok:
            if store:
                self.resources[path] = answer.document  # type: ignore[assignment]
            return answer.document
        if answer.status in NOT_OFFERED:
            return None
        if essential:
            raise self._fatal(path, answer)
        self.crawl.unread[path] = answer.reason
        return None

    def _fatal(self, path: str, answer: Answer) -> DriverError:
        where = f"{self.transport.endpoint.display}{path}"
        if answer.status == 403:
            return AuthFailed(f"{where}: access denied (HTTP 403); the account needs read access")
        if answer.status in (429, 503):
            return Unreachable(f"{where}: {answer.reason} after retries; the BMC is busy")
        return ProtocolError(f"{where}: {answer.reason}")

    async def _collection(self, path: str | None, *, essential: bool = False) -> list[Document]:
        """The member documents of a collection (expanded when possible); the collection is stored link-only."""
        if not self._claim(path):
            return []
        assert path is not None
        document = None
        if self._expand:
            answer = await self.transport.get(path, self._expand)
            if answer.ok:
                document = answer.document
            elif answer.status == 404:
                return []
            else:
                self._expand = None  # this firmware's $expand is broken: read plainly from now on
        if document is None:
            document = await self._get(path, None, essential=essential, store=False)
            if document is None:
                return []
        return await self._members(path, document, expanded=self._expand is not None)

    async def _members(self, path: str, document: Document, *, expanded: bool) -> list[Document]:
        entries = list(member_entries(document))
        next_page = document.get("Members@odata.nextLink")
        for _page in range(MAX_PAGES):
            if not isinstance(next_page, str) or len(entries) >= MAX_MEMBERS:
                break
            page = await self._page(next_page)
            if page is None:
                break
            entries += member_entries(page)
            next_page = page.get("Members@odata.nextLink")
        found: list[Document] = []
        wanted: list[str] = []
        listed: list[str] = []
        for member, entry in entries[:MAX_MEMBERS]:
            if member is None:
                continue
            listed.append(member)
            if has_content(entry):
                if self._claim(member):
                    self.resources[member] = entry
                    found.append(entry)
            else:
                wanted.append(member)
        found += await self._fetch_all(wanted)
        self.resources[path] = _link_only(document, listed)
        return found

    async def _page(self, next_link: str) -> Document | None:
        path, _sep, query = next_link.partition("?")
        target = normalise(path)
        if target is None:
            return None
        return await self._get(target, query or None, store=False)

    async def _entries(self, path: str | None) -> None:
        """The newest log entries: the first page, then the tail ($skip) when the log is longer and $skip works.

        A few more pages are followed when the BMC pages below ``log_entries``; never the whole log.
        """
        if not self._claim(path):
            return
        assert path is not None
        wanted = self._log_entries
        answer = await self.transport.get(path, self._expand) if self._expand else Answer(0)
        document = answer.document if answer.ok else await self._get(path, None, store=False)
        if document is None:
            return
        entries = list(member_entries(document))
        count = document.get("Members@odata.count")
        next_page = document.get("Members@odata.nextLink")
        if self._top_skip and isinstance(count, int) and not isinstance(count, bool) and count > len(entries):
            query = f"$skip={max(0, count - wanted)}&$top={wanted}"
            tail = await self._get(path, f"{query}&{self._expand}" if self._expand else query, store=False)
            entries += member_entries(tail)
            next_page = tail.get("Members@odata.nextLink") if tail is not None else None
        for _page in range(MAX_LOG_PAGES):
            if not isinstance(next_page, str) or len(entries) >= 4 * wanted:
                break
            page = await self._page(next_page)
            entries += member_entries(page)
            next_page = page.get("Members@odata.nextLink") if page is not None else None
        kept: list[str] = []
        bare: list[str] = []
        for member, entry in entries:
            if member is None or member in kept:
                continue
            if has_content(entry):
                kept.append(member)
                self._claimed.add(member)
                self.resources[member] = entry
            elif member not in bare:
                bare.append(member)
        if bare and not kept:
            # No content came inline: fetch a few from each end, since BMCs list logs in either order.
            half = max(1, wanted // 2)
            chosen = list(dict.fromkeys(bare[:half] + bare[-half:]))
            kept += [member for member, found in zip(chosen, await self._fetch_all_paths(chosen), strict=True) if found]
        self.resources[path] = _link_only(document, kept)

    async def _fetch_all_paths(self, paths: list[str]) -> list[bool]:
        found = await all_of(*(self._fetch(path) for path in paths))
        return [document is not None for document in found]


def _battery_links(document: Any) -> list[str]:
    if not isinstance(document, Mapping):
        return []
    related = document.get("Links")
    found = links(related.get("Batteries")) if isinstance(related, Mapping) else []
    return found + links(document.get("Batteries"))


def _link_only(document: Document, members: list[str]) -> dict[str, Any]:
    kept = {key: value for key, value in document.items() if key not in ("Members", "Members@odata.nextLink")}
    kept["Members"] = [{"@odata.id": member} for member in members]
    kept["Members@odata.count"] = document.get("Members@odata.count", len(members))
    return kept
