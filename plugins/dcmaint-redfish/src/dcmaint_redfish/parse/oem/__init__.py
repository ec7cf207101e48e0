"""Vendor profiles, tried in order; the first whose ``matches`` accepts the service root wins."""

from __future__ import annotations

from dcmaint_redfish.parse.oem.dell import DellProfile
from dcmaint_redfish.parse.oem.h3c import H3cProfile
from dcmaint_redfish.parse.oem.hpe import HpeProfile
from dcmaint_redfish.parse.oem.huawei import HuaweiProfile
from dcmaint_redfish.parse.oem.inspur import InspurProfile
from dcmaint_redfish.parse.oem.lenovo import LenovoProfile
from dcmaint_redfish.parse.oem.supermicro import SupermicroProfile
from dcmaint_redfish.parse.vendor import Document, VendorProfile

PROFILES: list[VendorProfile] = [
    HpeProfile(),
    DellProfile(),
    LenovoProfile(),
    HuaweiProfile(),
    InspurProfile(),
    SupermicroProfile(),
    H3cProfile(),
]


def detect(root: Document) -> VendorProfile:
    for profile in PROFILES:
        if profile.matches(root):
            return profile
    return VendorProfile()
