"""Profiles of the storage family: Huawei OceanStor and NetApp ONTAP arrays (docs/drivers/snmp-storage.md).

Both are vendor-specific (no generic storage MIB reports disks by shelf and
bay), so their order only matters for speed: each identifies its array by
objects only that vendor's storage MIB answers.
"""

from __future__ import annotations

from dcmaint_snmp.profiles.base import Profile, Sample
from dcmaint_snmp.profiles.storage import huawei, huawei_sample, netapp, netapp_sample

PROFILES: tuple[Profile, ...] = (huawei.PROFILE, netapp.PROFILE)
SAMPLES: tuple[Sample, ...] = (huawei_sample.SAMPLE, netapp_sample.SAMPLE)
#: Driver options this family reads (docs/drivers/snmp-storage.md).
OPTIONS: tuple[str, ...] = ("pool_warning", "pool_critical", "volume_warning", "volume_critical")

__all__ = ["OPTIONS", "PROFILES", "SAMPLES"]
