"""Profiles of the network family: Huawei, H3C and Cisco switches, then any switch with the standard MIBs.

Every profile reads the same standard objects (ENTITY-MIB inventory,
ENTITY-STATE-MIB, ENTITY-SENSOR-MIB, IF-MIB; :mod:`.assemble`); the vendor
profiles add their own state tables (:mod:`.vendors`), which come first
because they say more. Probing picks a vendor profile by sysObjectID's
enterprise arc (switches, unlike UPS cards, answer with their maker's own
sysObjectID); ``switch-entity`` takes any other agent. OIDs: :mod:`.mib` and
docs/drivers/snmp-network.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceReport
from dcmaint_snmp.profiles.base import Profile, Sample, answers, enterprise_under
from dcmaint_snmp.profiles.network import mib, vendors
from dcmaint_snmp.profiles.network.assemble import build_report
from dcmaint_snmp.profiles.network.assemble import none as no_vendor
from dcmaint_snmp.profiles.network.samples import SAMPLES as _SAMPLES
from dcmaint_snmp.snapshot import SYS_OBJECT_ID, Snapshot

#: Walked by every network profile: only the columns parsed, never whole MIBs.
STANDARD_WALKS = (
    *mib.columns(mib.ENT_PHYSICAL_ENTRY, mib.ENT_PHYSICAL),
    mib.ENT_ALIAS_MAPPING_IDENTIFIER,
    *mib.columns(mib.ENT_STATE_ENTRY, mib.ENT_STATE),
    *mib.columns(mib.ENT_PHY_SENSOR_ENTRY, mib.SENSOR_COLUMNS),
    *mib.columns(mib.IF_ENTRY, mib.IF_COLUMNS),
    *mib.columns(mib.IF_X_ENTRY, mib.IF_X_COLUMNS),
)
_CISCO_SENSOR_COLUMNS = {name: number for name, number in mib.SENSOR_COLUMNS.items() if name != "units"}


def _parse_huawei(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    return build_report(snapshot, options, profile="switch-huawei", vendor="Huawei", overlay=vendors.huawei)


def _parse_h3c(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    return build_report(snapshot, options, profile="switch-h3c", vendor="H3C", overlay=vendors.h3c)


def _parse_cisco(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    tables = (mib.ENT_PHY_SENSOR_ENTRY, mib.CISCO_ENT_SENSOR_VALUE_ENTRY)
    return build_report(
        snapshot, options, profile="switch-cisco", vendor="Cisco", overlay=vendors.cisco, sensor_tables=tables
    )


def _parse_entity(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    return build_report(snapshot, options, profile="switch-entity", vendor=None, overlay=no_vendor)


def _any_agent(snapshot: Snapshot) -> bool:
    """The generic profile takes any agent that answered the probe (every switch has IF-MIB, most ENTITY-MIB)."""
    return answers(snapshot, SYS_OBJECT_ID, mib.ENT_LAST_CHANGE_TIME)


PROFILES: tuple[Profile, ...] = (
    Profile(
        name="switch-huawei",
        kind=DeviceKind.NETWORK,
        description="Huawei switches (enterprise 2011): ENTITY-MIB + HUAWEI-ENTITY-EXTENT-MIB hwEntityStateTable",
        probe=(),
        identifies=lambda snapshot: enterprise_under(snapshot, mib.HUAWEI),
        scalars=(),
        walks=(
            *STANDARD_WALKS,
            *mib.columns(mib.HW_ENTITY_STATE_ENTRY, mib.HW_ENTITY_STATE),
            *mib.columns(mib.HW_FAN_STATUS_ENTRY, mib.HW_FAN_STATUS),
        ),
        parse=_parse_huawei,
    ),
    Profile(
        name="switch-h3c",
        kind=DeviceKind.NETWORK,
        description="H3C / HPE Comware switches (enterprise 25506): ENTITY-MIB + HH3C-ENTITY-EXT-MIB state table",
        probe=(),
        identifies=lambda snapshot: enterprise_under(snapshot, mib.H3C),
        scalars=(),
        walks=(*STANDARD_WALKS, *mib.columns(mib.HH3C_ENTITY_EXT_STATE_ENTRY, mib.HH3C_ENTITY_EXT_STATE)),
        parse=_parse_h3c,
    ),
    Profile(
        name="switch-cisco",
        kind=DeviceKind.NETWORK,
        description="Cisco switches (enterprise 9): ENTITY-MIB + CISCO-ENVMON-MIB + CISCO-ENTITY-SENSOR-MIB",
        probe=(),
        identifies=lambda snapshot: enterprise_under(snapshot, mib.CISCO),
        scalars=(),
        walks=(
            *STANDARD_WALKS,
            *mib.columns(mib.CISCO_ENV_MON_TEMPERATURE_STATUS_ENTRY, mib.CISCO_ENV_MON_TEMPERATURE_STATUS),
            *mib.columns(mib.CISCO_ENV_MON_FAN_STATUS_ENTRY, mib.CISCO_ENV_MON_FAN_STATUS),
            *mib.columns(mib.CISCO_ENV_MON_SUPPLY_STATUS_ENTRY, mib.CISCO_ENV_MON_SUPPLY_STATUS),
            *mib.columns(mib.CISCO_ENT_SENSOR_VALUE_ENTRY, _CISCO_SENSOR_COLUMNS),
        ),
        parse=_parse_cisco,
    ),
    Profile(
        name="switch-entity",
        kind=DeviceKind.NETWORK,
        description="Any switch with the standard MIBs: ENTITY-MIB, ENTITY-STATE-MIB (RFC 4268), "
        "ENTITY-SENSOR-MIB (RFC 3433), IF-MIB",
        probe=(mib.ENT_LAST_CHANGE_TIME,),
        identifies=_any_agent,
        scalars=(),
        walks=STANDARD_WALKS,
        parse=_parse_entity,
    ),
)
SAMPLES: tuple[Sample, ...] = _SAMPLES
#: Driver options this family reads (docs/drivers/snmp-network.md).
OPTIONS: tuple[str, ...] = ("uplinks", "error_min", "error_ratio")

__all__ = ["OPTIONS", "PROFILES", "SAMPLES", "STANDARD_WALKS"]
