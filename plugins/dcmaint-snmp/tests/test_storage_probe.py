"""Probing picks each storage sample's own profile, and no storage profile takes another Huawei or NetApp device."""

from __future__ import annotations

import pytest

from dcmaint.domain.enums import DeviceKind
from dcmaint_snmp.profiles import PROFILES, SAMPLES, by_name, for_kind
from dcmaint_snmp.profiles.base import Profile, Sample
from dcmaint_snmp.profiles.storage import PROFILES as STORAGE
from dcmaint_snmp.profiles.storage import SAMPLES as STORAGE_SAMPLES
from dcmaint_snmp.snapshot import SYSTEM, Snapshot

STORAGE_SAMPLE_NAMES = [sample.profile for sample in STORAGE_SAMPLES]


def probe_answer(snapshot: Snapshot) -> Snapshot:
    """What the driver's one probe GET returns: the system group and every profile's probe OIDs, nothing else."""
    asked = {*SYSTEM, *(oid for profile in PROFILES for oid in profile.probe)}
    return Snapshot({oid: value for oid, value in snapshot.items() if oid in asked})


def chosen(answer: Snapshot, kind: DeviceKind = DeviceKind.STORAGE) -> Profile | None:
    return next((profile for profile in for_kind(kind) if profile.identifies(answer)), None)


@pytest.mark.parametrize("sample", STORAGE_SAMPLES, ids=STORAGE_SAMPLE_NAMES)
def test_probing_picks_the_samples_own_profile(sample: Sample) -> None:
    profile = chosen(probe_answer(sample.build(())))
    assert profile is not None and profile.name == sample.profile


@pytest.mark.parametrize(
    "snmprec",
    [
        # A Huawei CloudEngine switch: enterprise 2011 and HUAWEI-ENTITY-EXTENT-MIB, no storage objects.
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.239.12\n1.3.6.1.4.1.2011.5.25.31.1.1.1.1.5.16842753|2|3",
        # A Huawei UPS2000 card: enterprise 2011 (HUAWEI-UPS-MIB), no storage objects.
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.6.174.1\n1.3.6.1.2.1.33.1.1.1.0|4|HUAWEI",
        # The OceanStor's own sysObjectID alone, from an agent that answers none of its storage objects.
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.91",
        # Something under NetApp's enterprise that does not carry NETAPP-MIB.
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.789.2.99",
    ],
)
def test_no_storage_profile_takes_a_device_without_its_objects(snmprec: str) -> None:
    assert all(not profile.identifies(probe_answer(Snapshot.from_snmprec(snmprec))) for profile in STORAGE)


def test_the_two_arrays_do_not_identify_each_other() -> None:
    huawei, netapp = (probe_answer(sample.build(())) for sample in STORAGE_SAMPLES)
    assert not by_name("array-netapp").identifies(huawei)  # type: ignore[union-attr]
    assert not by_name("array-huawei").identifies(netapp)  # type: ignore[union-attr]


def test_storage_profiles_and_samples_are_registered_and_well_formed() -> None:
    assert {profile.name for profile in STORAGE} == {"array-huawei", "array-netapp"}
    assert all(profile in PROFILES and profile.kind is DeviceKind.STORAGE for profile in STORAGE)
    assert all(sample in SAMPLES and sample.prefix == "array" for sample in STORAGE_SAMPLES)
    for profile in STORAGE:
        for oid in (*profile.probe, *profile.scalars, *profile.walks):
            assert oid.startswith("1.3.6.1.4.1."), oid
        assert set(profile.probe) <= set(profile.scalars)


@pytest.mark.parametrize("sample", STORAGE_SAMPLES, ids=STORAGE_SAMPLE_NAMES)
def test_the_poll_reads_back_everything_the_parser_needs(sample: Sample) -> None:
    # The driver GETs the scalars and walks the subtrees: a report built from only those equals the full one.
    served = sample.build(())
    profile = by_name(sample.profile)
    assert profile is not None
    read = Snapshot(
        {
            oid: value
            for oid, value in served.items()
            if oid in {*SYSTEM, *profile.scalars} or any(oid.startswith(walk + ".") for walk in profile.walks)
        }
    )
    assert profile.parse(read, {}) == profile.parse(served, {})


@pytest.mark.parametrize("sample", STORAGE_SAMPLES, ids=STORAGE_SAMPLE_NAMES)
def test_samples_are_valid_snmprec_and_the_same_every_time(sample: Sample) -> None:
    text = sample.build(()).to_snmprec()
    lines = text.splitlines()
    assert lines == sorted(lines, key=lambda line: tuple(int(part) for part in line.split("|")[0].split(".")))
    assert Snapshot.from_snmprec(text) == sample.build(())
    assert text == sample.build(()).to_snmprec()
