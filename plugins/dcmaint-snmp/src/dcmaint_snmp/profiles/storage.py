"""Profiles of the storage family (filled in by the work on issue 12)."""

from __future__ import annotations

from dcmaint_snmp.profiles.base import Profile, Sample

PROFILES: tuple[Profile, ...] = ()
SAMPLES: tuple[Sample, ...] = ()
