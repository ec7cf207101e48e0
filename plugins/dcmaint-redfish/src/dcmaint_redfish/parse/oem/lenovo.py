"""Lenovo XClarity Controller (``Oem.Lenovo``).

XCC puts the orderable FRU number next to the standard part number in
``Oem.Lenovo.FruPartNumber`` on power supplies, DIMMs, drives, RAID adapters
and network adapters (sometimes padded with spaces). Fans appear as tach
sensors ("Fan 1 Front Tach"); the rest is standard Redfish.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dcmaint.drivers import ComponentKind
from dcmaint_redfish.parse.oem._common import oem, root_mentions, text
from dcmaint_redfish.parse.vendor import Document, VendorProfile

_TACH = re.compile(r"^(?P<fan>Fan\s*\d+(?:\s+(?:Front|Rear))?)\s+Tach$", re.IGNORECASE)


class LenovoProfile(VendorProfile):
    name = "lenovo"
    label = "Lenovo XCC"

    def matches(self, root: Document) -> bool:
        return root_mentions(root, ("Lenovo", "XClarity"), ("Lenovo",))

    def part(self, kind: ComponentKind, doc: Document) -> Mapping[str, Any]:
        fru = text(oem(doc, "Lenovo").get("FruPartNumber"))
        return {"spare_part_number": fru} if fru else {}

    def location(self, kind: ComponentKind, doc: Document) -> str | None:
        if kind is ComponentKind.FAN:
            match = _TACH.match(text(doc.get("Name")) or "")
            return match["fan"] if match else None
        return None
