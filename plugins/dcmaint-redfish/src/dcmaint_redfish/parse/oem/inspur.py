"""Inspur (KAYTUS outside China) BMCs of the M5/M6 generation.

No OEM difference that changes health or part identity is publicly
documented: parts carry the standard fields and zero-based names as the BMC's
web pages show them ("CPU0_C0D0", "PSU0", "Front Disk0"). The profile only
recognises the family, so reports say which BMC they came from.
"""

from __future__ import annotations

from dcmaint_redfish.parse.oem._common import root_mentions
from dcmaint_redfish.parse.vendor import Document, VendorProfile


class InspurProfile(VendorProfile):
    name = "inspur"
    label = "Inspur / KAYTUS BMC"

    def matches(self, root: Document) -> bool:
        return root_mentions(root, ("Inspur", "KAYTUS"), ("Inspur", "Kaytus", "KAYTUS"))
