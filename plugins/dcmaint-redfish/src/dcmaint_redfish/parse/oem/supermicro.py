"""Supermicro BMCs (X11/X12/X13, ``Oem.Supermicro``).

Health is standard. One identity difference matters to the spare depot: a
power supply's ``Model`` ("PWS-1K62A-1R") is Supermicro's orderable part
number and ``PartNumber`` is usually absent, so the profile uses the model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dcmaint.drivers import ComponentKind
from dcmaint_redfish.parse.oem._common import root_mentions, text
from dcmaint_redfish.parse.vendor import Document, VendorProfile

_PWS = re.compile(r"^PWS-[0-9A-Z-]+$")


class SupermicroProfile(VendorProfile):
    name = "supermicro"
    label = "Supermicro BMC"

    def matches(self, root: Document) -> bool:
        return root_mentions(root, ("Supermicro", "Super Micro"), ("Supermicro",))

    def part(self, kind: ComponentKind, doc: Document) -> Mapping[str, Any]:
        model = text(doc.get("Model"))
        if kind is ComponentKind.PSU and not text(doc.get("PartNumber")) and model and _PWS.match(model):
            return {"part_number": model}
        return {}
