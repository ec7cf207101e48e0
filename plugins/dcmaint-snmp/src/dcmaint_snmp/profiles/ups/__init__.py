"""UPS profiles, in probing order: APC PowerNet-MIB, Eaton XUPS-MIB, Huawei's HUAWEI-UPS-MIB, then RFC 1628.

The vendor MIBs come first because their cards usually serve RFC 1628 as
well, and the vendor MIB says more (serial numbers, the battery cartridge,
replacement dates). Each module holds its MIB's OIDs as constants named like
the MIB objects, its profile and its simulated agent; ``common`` holds what
they share. docs/drivers/snmp-ups.md documents every OID and fault target.
"""

from __future__ import annotations

from dcmaint_snmp.profiles.base import Profile, Sample
from dcmaint_snmp.profiles.ups import apc, eaton, huawei, rfc1628

PROFILES: tuple[Profile, ...] = (apc.PROFILE, eaton.PROFILE, huawei.PROFILE, rfc1628.PROFILE)
SAMPLES: tuple[Sample, ...] = (apc.SAMPLE, eaton.SAMPLE, huawei.SAMPLE, rfc1628.SAMPLE)
#: Driver options this family reads (docs/drivers/snmp-ups.md).
OPTIONS: tuple[str, ...] = ("battery_part",)

__all__ = ["OPTIONS", "PROFILES", "SAMPLES"]
