"""One flavour with one set of part faults, serialised once and shared by every BMC that serves it.

A thousand BMCs mostly serve the same few trees; only their identity strings
differ (``identity``). So the documents, their JSON bytes and their
``$expand`` forms live here, computed on first request and cached, and a BMC
adds only its own serials on top. A BMC that had a part replaced
(``SimulatedBmc.replace``) gets a view of its own, never a changed shared one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dcmaint_redfish.sim import faults, identity, replacement
from dcmaint_redfish.sim.flavours import Flavour, normalise

Doc = dict[str, Any]
_EXPAND = re.compile(r"([.*~])(?:\(\$levels=(\d+)\))?")
MAX_LEVELS = 3


def parse_expand(value: str) -> tuple[str, int] | None:
    """``.``, ``*``, ``~``, each optionally with ``($levels=N)``: (mode, levels); None when malformed."""
    found = _EXPAND.fullmatch(value.strip())
    if not found:
        return None
    levels = int(found.group(2) or 1)
    return (found.group(1), min(levels, MAX_LEVELS)) if levels >= 1 else None


class TreeView:
    """The served form of one (flavour, part faults) pair, and of the parts one BMC had replaced."""

    def __init__(
        self, flavour: Flavour, part_faults: Iterable[faults.PartFault] = (), replaced: Iterable[tuple[str, int]] = ()
    ) -> None:
        """``replaced``: parts (kind, number) whose serial one BMC sets itself (``replacement.fit``)."""
        self.flavour = flavour
        self.part_faults = tuple(part_faults)
        self.replaced = tuple(replaced)
        resources = (
            faults.apply(flavour.resources, self.part_faults, flavour.name) if self.part_faults else flavour.resources
        )
        self.identity_strings = identity.strings_by_path(resources)
        #: The flavour's identity strings, tokens of replaced parts left out: a BMC's ``Identity`` is built from
        #: them, so every other serial stays what it was before a replacement.
        self.all_identity_strings = sorted({s for strings in self.identity_strings.values() for s in strings})
        if self.replaced:
            resources = replacement.fit(flavour.resources, resources, self.replaced)
            self.identity_strings = identity.strings_by_path(resources)
        self.resources = resources
        systems = sorted(
            path
            for path, doc in self.resources.items()
            if str(doc.get("@odata.type", "")).startswith("#ComputerSystem.")
        )
        #: The resource a ``malformed`` fault breaks: the first System, which every client reads.
        self.malformed_path = systems[0] if systems else "/redfish/v1/Systems"
        self._bodies: dict[str, bytes] = {}
        self._expanded: dict[tuple[str, str, int], tuple[bytes, tuple[str, ...], frozenset[str]]] = {}

    def body(self, path: str) -> bytes | None:
        """The document at ``path`` as served (before the BMC's identity), or None when there is none."""
        body = self._bodies.get(path)
        if body is None:
            doc = self.resources.get(path)
            if doc is None:
                return None
            body = self._bodies[path] = identity.dumps(doc)
        return body

    def expanded(self, path: str, mode: str, levels: int) -> tuple[bytes, tuple[str, ...], frozenset[str]] | None:
        """``path`` with its links expanded: (bytes, identity strings in it, paths included)."""
        key = (path, mode, levels)
        found = self._expanded.get(key)
        if found is None:
            doc = self.resources.get(path)
            if doc is None:
                return None
            included = {path}
            body = identity.dumps(self._expand(doc, mode, levels, False, frozenset({path}), included))
            strings = tuple(sorted({s for p in included for s in self.identity_strings.get(p, ())}))
            found = self._expanded[key] = (body, strings, frozenset(included))
        return found

    def _expand(
        self, node: Any, mode: str, levels: int, in_links: bool, seen: frozenset[str], included: set[str]
    ) -> Any:
        if isinstance(node, dict):
            link = node.get("@odata.id")
            if (
                len(node) == 1
                and isinstance(link, str)
                and "#" not in link
                and levels > 0
                and (mode == "*" or (mode == "~") == in_links)
            ):
                target = normalise(link)
                if target in self.resources and target not in seen:
                    included.add(target)
                    return self._expand(self.resources[target], mode, levels - 1, False, seen | {target}, included)
                return node
            return {
                key: self._expand(value, mode, levels, in_links or key == "Links", seen, included)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [self._expand(item, mode, levels, in_links, seen, included) for item in node]
        return node
