"""Precision air conditioners (CRAC): Vertiv/Liebert, APC InRow and Huawei, in probing order.

Each vendor's MIB is its own module (``liebert``, ``inrow``, ``huawei``); what
they share (readings, classified alarms, the report and its rules) is in
``common``, and the simulated agents' building blocks and fault targets in
``simulated``. docs/drivers/snmp-cooling.md documents every OID.
"""

from __future__ import annotations

from dcmaint_snmp.profiles.base import Profile, Sample
from dcmaint_snmp.profiles.cooling import huawei, inrow, liebert

PROFILES: tuple[Profile, ...] = (liebert.PROFILE, inrow.PROFILE, huawei.PROFILE)
SAMPLES: tuple[Sample, ...] = (liebert.SAMPLE, inrow.SAMPLE, huawei.SAMPLE)
#: Driver options this family reads (docs/drivers/snmp-cooling.md).
OPTIONS: tuple[str, ...] = ("filter_part", "humidifier_part")

__all__ = ["OPTIONS", "PROFILES", "SAMPLES"]
