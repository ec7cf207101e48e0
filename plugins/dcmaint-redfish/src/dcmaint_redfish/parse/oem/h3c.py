"""New H3C HDM / HDM2 (UniServer G3-G6).

HDM's OEM namespace is ``Oem.Public`` (power split per CPU/memory/fan/disk,
``DeviceMaxNum``, PCIe slot numbers, RAID controller JBOD state); none of it
changes health or part identity, which are standard. Because "Public" names
no vendor, recognition relies on Vendor/Product/Manufacturer saying H3C.
"""

from __future__ import annotations

from dcmaint_redfish.parse.oem._common import root_mentions
from dcmaint_redfish.parse.vendor import Document, VendorProfile


class H3cProfile(VendorProfile):
    name = "h3c"
    label = "H3C HDM"

    def matches(self, root: Document) -> bool:
        return root_mentions(root, ("H3C", "UniServer"), ("H3C",))
