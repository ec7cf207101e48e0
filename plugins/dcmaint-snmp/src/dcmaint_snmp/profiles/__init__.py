"""Every device profile the SNMP driver knows, in probing order, and the simulated agents behind them.

Each family module (``ups``, ``cooling``, ``network``, ``storage``) exports
``PROFILES`` (vendor-specific MIBs before generic ones: the first that
identifies a device wins) and ``SAMPLES`` (one simulated agent per profile) and ``OPTIONS`` (the driver options
its profiles read).
Adding a model is adding a profile to its family module; see
docs/drivers/snmp.md, "Adding a model".
"""

from __future__ import annotations

from dcmaint.domain.enums import DeviceKind
from dcmaint_snmp.profiles import cooling, network, storage, ups
from dcmaint_snmp.profiles.base import Profile, Sample

PROFILES: tuple[Profile, ...] = (*ups.PROFILES, *cooling.PROFILES, *network.PROFILES, *storage.PROFILES)
SAMPLES: tuple[Sample, ...] = (*ups.SAMPLES, *cooling.SAMPLES, *network.SAMPLES, *storage.SAMPLES)
#: The ``--option`` names the profiles read (besides the driver's own, :mod:`dcmaint_snmp.options`).
OPTIONS: frozenset[str] = frozenset((*ups.OPTIONS, *cooling.OPTIONS, *network.OPTIONS, *storage.OPTIONS))

__all__ = ["OPTIONS", "PROFILES", "SAMPLES", "Profile", "Sample", "by_name", "for_kind"]


def by_name(name: str) -> Profile | None:
    """The profile called ``name`` (``--option profile=``), or None."""
    return next((profile for profile in PROFILES if profile.name == name), None)


def for_kind(kind: DeviceKind) -> tuple[Profile, ...]:
    """The profiles of one device kind, in probing order."""
    return tuple(profile for profile in PROFILES if profile.kind is kind)
