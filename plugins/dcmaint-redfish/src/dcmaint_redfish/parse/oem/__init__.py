"""Vendor profiles, tried in order; the first whose ``matches`` accepts the service root wins."""

from __future__ import annotations

from dcmaint_redfish.parse.vendor import Document, VendorProfile

PROFILES: list[VendorProfile] = []


def detect(root: Document) -> VendorProfile:
    for profile in PROFILES:
        if profile.matches(root):
            return profile
    return VendorProfile()
