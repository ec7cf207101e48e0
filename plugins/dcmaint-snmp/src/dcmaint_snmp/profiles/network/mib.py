"""Every OID the network profiles use, named as in its MIB (numeric only: nothing is compiled at run time).

Tables are given by their ``...Entry`` OID and column numbers, as
:meth:`dcmaint_snmp.snapshot.Snapshot.rows` reads them; docs/drivers/snmp-network.md
lists the same objects with the MIB each comes from.
"""

from __future__ import annotations

# --- ENTITY-MIB (RFC 6933, earlier RFC 4133/2737) ------------------------------------------------------------------
#: entityGeneral.entLastChangeTime: a scalar every ENTITY-MIB agent answers, so the generic profile can probe it.
ENT_LAST_CHANGE_TIME = "1.3.6.1.2.1.47.1.4.1.0"
#: entPhysicalTable.entPhysicalEntry, indexed by entPhysicalIndex.
ENT_PHYSICAL_ENTRY = "1.3.6.1.2.1.47.1.1.1.1"
ENT_PHYSICAL = {
    "descr": 2,  # entPhysicalDescr
    "contained_in": 4,  # entPhysicalContainedIn (0: top of the tree)
    "class": 5,  # entPhysicalClass (PhysicalClass)
    "rel_pos": 6,  # entPhysicalParentRelPos
    "name": 7,  # entPhysicalName
    "hardware_rev": 8,  # entPhysicalHardwareRev
    "firmware_rev": 9,  # entPhysicalFirmwareRev
    "software_rev": 10,  # entPhysicalSoftwareRev
    "serial": 11,  # entPhysicalSerialNum
    "mfg_name": 12,  # entPhysicalMfgName
    "model_name": 13,  # entPhysicalModelName (the vendor's part number on most switches)
}
#: entAliasMappingTable.entAliasMappingEntry: physical entity -> ifIndex (``1.3.6.1.2.1.2.2.1.1.<ifIndex>``).
ENT_ALIAS_MAPPING_IDENTIFIER = "1.3.6.1.2.1.47.1.3.2.1.2"
IF_INDEX_PREFIX = "1.3.6.1.2.1.2.2.1.1."

# PhysicalClass (ENTITY-MIB TEXTUAL-CONVENTION)
CLASS_OTHER, CLASS_UNKNOWN, CLASS_CHASSIS, CLASS_BACKPLANE, CLASS_CONTAINER = 1, 2, 3, 4, 5
CLASS_POWER_SUPPLY, CLASS_FAN, CLASS_SENSOR, CLASS_MODULE, CLASS_PORT = 6, 7, 8, 9, 10
CLASS_STACK, CLASS_CPU, CLASS_ENERGY, CLASS_BATTERY, CLASS_STORAGE_DRIVE = 11, 12, 13, 14, 15

# --- ENTITY-STATE-MIB (RFC 4268), entStateTable indexed by entPhysicalIndex ----------------------------------------
ENT_STATE_ENTRY = "1.3.6.1.2.1.131.1.1.1"
ENT_STATE = {
    "admin": 2,  # entStateAdmin: unknown(1) locked(2) shuttingDown(3) unlocked(4)
    "oper": 3,  # entStateOper: unknown(1) disabled(2) enabled(3) testing(4)
    # entStateAlarm: BITS unknown(0) underRepair(1) critical(2) major(3) minor(4) warning(5) indeterminate(6)
    "alarm": 5,
}

# --- ENTITY-SENSOR-MIB (RFC 3433), entPhySensorTable indexed by entPhysicalIndex -----------------------------------
ENT_PHY_SENSOR_ENTRY = "1.3.6.1.2.1.99.1.1.1"
#: Columns shared by ENTITY-SENSOR-MIB's entPhySensorTable and CISCO-ENTITY-SENSOR-MIB's entSensorValueTable.
SENSOR_COLUMNS = {
    "type": 1,  # entPhySensorType / entSensorType (EntitySensorDataType)
    "scale": 2,  # entPhySensorScale / entSensorScale (EntitySensorDataScale)
    "precision": 3,  # entPhySensorPrecision / entSensorPrecision (-8..9 decimal places)
    "value": 4,  # entPhySensorValue / entSensorValue
    "status": 5,  # entPhySensorOperStatus / entSensorStatus: ok(1) unavailable(2) nonoperational(3)
    "units": 6,  # entPhySensorUnitsDisplay (ENTITY-SENSOR-MIB only; Cisco's column 6 is a timestamp, never read)
}

# --- IF-MIB (RFC 2863) ---------------------------------------------------------------------------------------------
IF_ENTRY = "1.3.6.1.2.1.2.2.1"
IF_COLUMNS = {
    "descr": 2,  # ifDescr
    "admin": 7,  # ifAdminStatus: up(1) down(2) testing(3)
    "oper": 8,  # ifOperStatus: up(1) down(2) testing(3) unknown(4) dormant(5) notPresent(6) lowerLayerDown(7)
    "in_ucast": 11,  # ifInUcastPkts (Counter32; only when the 64-bit counters are missing)
    "in_errors": 14,  # ifInErrors
    "out_ucast": 17,  # ifOutUcastPkts (Counter32; only when the 64-bit counters are missing)
    "out_errors": 20,  # ifOutErrors
}
IF_X_ENTRY = "1.3.6.1.2.1.31.1.1.1"
IF_X_COLUMNS = {
    "name": 1,  # ifName
    "hc_in_ucast": 7,  # ifHCInUcastPkts
    "hc_in_mcast": 8,  # ifHCInMulticastPkts
    "hc_in_bcast": 9,  # ifHCInBroadcastPkts
    "hc_out_ucast": 11,  # ifHCOutUcastPkts
    "hc_out_mcast": 12,  # ifHCOutMulticastPkts
    "hc_out_bcast": 13,  # ifHCOutBroadcastPkts
    "alias": 18,  # ifAlias (the description an administrator gave the port)
}

# --- HUAWEI-ENTITY-EXTENT-MIB (enterprise 2011) ---------------------------------------------------------------------
HUAWEI = "1.3.6.1.4.1.2011"
#: hwEntityStateTable.hwEntityStateEntry, indexed by entPhysicalIndex.
HW_ENTITY_STATE_ENTRY = "1.3.6.1.4.1.2011.5.25.31.1.1.1.1"
HW_ENTITY_STATE = {
    "admin": 1,  # hwEntityAdminStatus (HwAdminState)
    "oper": 2,  # hwEntityOperStatus (HwOperState)
    "alarm": 4,  # hwEntityAlarmLight (HwAlarmStatus BITS)
    "temperature": 11,  # hwEntityTemperature (Cel; 2147483647 where there is no sensor)
    "temperature_threshold": 12,  # hwEntityTemperatureThreshold (the upper alarm threshold, Cel)
    "temperature_low": 16,  # hwEntityTemperatureLowThreshold (Cel)
}
#: hwFanStatusTable.hwFanStatusEntry, indexed by hwEntityFanSlot.hwEntityFanSn: fans some models keep out of
#: entPhysicalTable.
HW_FAN_STATUS_ENTRY = "1.3.6.1.4.1.2011.5.25.31.1.1.10.1"
HW_FAN_STATUS = {
    "slot": 1,  # hwEntityFanSlot
    "number": 2,  # hwEntityFanSn
    "speed": 5,  # hwEntityFanSpeed (% of full speed)
    "present": 6,  # hwEntityFanPresent: present(1) absent(2)
    "state": 7,  # hwEntityFanState: normal(1) abnormal(2)
}

# --- HH3C-ENTITY-EXT-MIB (enterprise 25506) --------------------------------------------------------------------------
H3C = "1.3.6.1.4.1.25506"
#: hh3cEntityExtStateTable.hh3cEntityExtStateEntry, indexed by entPhysicalIndex.
HH3C_ENTITY_EXT_STATE_ENTRY = "1.3.6.1.4.1.25506.2.6.1.1.1.1"
HH3C_ENTITY_EXT_STATE = {
    "oper": 3,  # hh3cEntityExtOperStatus: notSupported(1) disabled(2) enabled(3) dangerous(4)
    "temperature": 12,  # hh3cEntityExtTemperature (Cel; 65535 where there is no sensor)
    "temperature_threshold": 13,  # hh3cEntityExtTemperatureThreshold (Cel)
    "critical_temperature": 17,  # hh3cEntityExtCriticalTemperatureThreshold (Cel)
    "error": 19,  # hh3cEntityExtErrorStatus (see h3c.ERROR_STATUS)
}

# --- CISCO-ENVMON-MIB and CISCO-ENTITY-SENSOR-MIB (enterprise 9) -----------------------------------------------------
CISCO = "1.3.6.1.4.1.9"
#: ciscoEnvMonTemperatureStatusTable.ciscoEnvMonTemperatureStatusEntry, indexed by ciscoEnvMonTemperatureStatusIndex.
CISCO_ENV_MON_TEMPERATURE_STATUS_ENTRY = "1.3.6.1.4.1.9.9.13.1.3.1"
CISCO_ENV_MON_TEMPERATURE_STATUS = {
    "descr": 2,  # ciscoEnvMonTemperatureStatusDescr
    "value": 3,  # ciscoEnvMonTemperatureStatusValue (Cel)
    "threshold": 4,  # ciscoEnvMonTemperatureThreshold (Cel)
    "state": 6,  # ciscoEnvMonTemperatureState (CiscoEnvMonState)
}
#: ciscoEnvMonFanStatusTable.ciscoEnvMonFanStatusEntry, indexed by ciscoEnvMonFanStatusIndex.
CISCO_ENV_MON_FAN_STATUS_ENTRY = "1.3.6.1.4.1.9.9.13.1.4.1"
CISCO_ENV_MON_FAN_STATUS = {"descr": 2, "state": 3}  # ciscoEnvMonFanStatusDescr, ciscoEnvMonFanState
#: ciscoEnvMonSupplyStatusTable.ciscoEnvMonSupplyStatusEntry, indexed by ciscoEnvMonSupplyStatusIndex.
CISCO_ENV_MON_SUPPLY_STATUS_ENTRY = "1.3.6.1.4.1.9.9.13.1.5.1"
CISCO_ENV_MON_SUPPLY_STATUS = {"descr": 2, "state": 3}  # ciscoEnvMonSupplyStatusDescr, ciscoEnvMonSupplyState
#: entSensorValueTable.entSensorValueEntry (CISCO-ENTITY-SENSOR-MIB), indexed by entPhysicalIndex; the same
#: type/scale/precision/value/status columns as ENTITY-SENSOR-MIB (transceiver DOM readings live here).
CISCO_ENT_SENSOR_VALUE_ENTRY = "1.3.6.1.4.1.9.9.91.1.1.1.1"


def columns(entry: str, names: dict[str, int]) -> tuple[str, ...]:
    """The column OIDs of ``entry`` named in ``names``: what a profile walks (only what it reads).

    >>> columns("1.3.6.1.2.1.31.1.1.1", {"name": 1, "alias": 18})
    ('1.3.6.1.2.1.31.1.1.1.1', '1.3.6.1.2.1.31.1.1.1.18')
    """
    return tuple(f"{entry}.{number}" for number in sorted(names.values()))
