"""The vendor layers: Huawei's hwEntityStateTable, H3C's hh3cEntityExtStateTable, Cisco's CISCO-ENVMON-MIB.

Each turns its state table into :class:`~dcmaint_snmp.profiles.network.assemble.Overlay` verdicts on
entPhysicalTable entities (Huawei and H3C index their tables by entPhysicalIndex; Cisco's environmental tables have
their own indexes and are matched to entities, see :func:`cisco`). A value the MIB calls "not supported" is no
verdict, and readings the agent fills with a "no sensor" value (2147483647, 65535, 0) are left out.
"""

from __future__ import annotations

from dcmaint.drivers import Component, ComponentKind, Health, Sensor, Thresholds
from dcmaint_snmp.profiles.network import mib
from dcmaint_snmp.profiles.network.assemble import Overlay, ref_of
from dcmaint_snmp.profiles.network.entity import Entity, Inventory, Verdict, alarm_bits, worst
from dcmaint_snmp.snapshot import Row, Snapshot

_OK = Verdict(Health.OK)
_NO_SENSOR = {0, 65535, 2147483647, -1}

# --- Huawei ---------------------------------------------------------------------------------------------------------

#: hwEntityOperStatus (HwOperState). up/down/linkUp/linkDown describe a link, not the part's health: down is no
#: verdict. offline: the board is fitted but not running. absent(19): nothing fitted.
HW_OPER = {
    2: Verdict(Health.CRITICAL, "disabled (inoperable)"),
    3: _OK,
    4: Verdict(Health.WARNING, "offline"),
    11: _OK,
    13: _OK,
    15: _OK,
    16: _OK,
    18: _OK,
    19: Verdict(Health.ABSENT, "not present"),
}
#: hwEntityAlarmLight bits (HwAlarmStatus): notSupported(0) and indeterminate(7) say nothing (healthy boxes show
#: indeterminate); alarmOutstanding(5) is "one or more alarms active, may or may not be disabling".
HW_ALARM_BITS = {
    1: (Health.WARNING, "under repair"),
    2: (Health.CRITICAL, "critical alarm"),
    3: (Health.CRITICAL, "major alarm"),
    4: (Health.WARNING, "minor alarm"),
    5: (Health.WARNING, "alarm outstanding"),
    6: (Health.WARNING, "warning alarm"),
}


def huawei(snapshot: Snapshot, inventory: Inventory) -> Overlay:
    """hwEntityStateTable verdicts and board temperatures; hwFanStatusTable fans when entPhysicalTable has none."""
    overlay = Overlay()
    for row in snapshot.rows(mib.HW_ENTITY_STATE_ENTRY, mib.HW_ENTITY_STATE):
        if row.integer("admin") == 2:  # locked by an administrator
            continue
        light = alarm_bits(row.octets("alarm"), HW_ALARM_BITS)
        verdict = worst([HW_OPER.get(row.integer("oper") or 0), light])
        if verdict is not None:
            overlay.verdicts[row.index] = verdict
        if light is not None:
            overlay.loose[row.index] = light
        sensor = _temperature(inventory, row, Thresholds(upper_warning=_limit(row.integer("temperature_threshold"))))
        if sensor is not None:
            overlay.sensors.append(sensor)
    if not any(entity.kind is ComponentKind.FAN for entity in inventory.parts()):
        _huawei_fans(snapshot, overlay)
    return overlay


def _huawei_fans(snapshot: Snapshot, overlay: Overlay) -> None:
    for row in snapshot.rows(mib.HW_FAN_STATUS_ENTRY, mib.HW_FAN_STATUS):
        location = f"Fan {row.index.replace('.', '/')}"
        if row.integer("present") == 2:
            overlay.components.append(Component(ComponentKind.FAN, location, Health.ABSENT, "not present"))
            continue
        state = row.integer("state")
        health = {1: Health.OK, 2: Health.CRITICAL}.get(state or 0, Health.UNKNOWN)
        reason = {Health.CRITICAL: "fan abnormal", Health.UNKNOWN: "no health reported"}.get(health)
        fan = Component(ComponentKind.FAN, location, health, reason)
        overlay.components.append(fan)
        speed = row.integer("speed")
        if speed is not None:
            overlay.sensors.append(
                Sensor(f"{location} speed", float(speed), "%", Health.OK, location=location, component=fan.ref)
            )


# --- H3C ------------------------------------------------------------------------------------------------------------

#: hh3cEntityExtErrorStatus: notSupported(1) says nothing, entityAbsent(4) is an empty slot.
H3C_ERROR = {
    2: _OK,
    3: Verdict(Health.CRITICAL, "power-on self test failed (postFailure)"),
    4: Verdict(Health.ABSENT, "not present (entityAbsent)"),
    11: Verdict(Health.WARNING, "PoE error (poeError)"),
    21: Verdict(Health.CRITICAL, "stack error (stackError)"),
    22: Verdict(Health.WARNING, "stack port blocked (stackPortBlocked)"),
    23: Verdict(Health.CRITICAL, "stack port failed (stackPortFailed)"),
    31: Verdict(Health.CRITICAL, "transceiver receive error (sfpRecvError)"),
    32: Verdict(Health.CRITICAL, "transceiver send error (sfpSendError)"),
    33: Verdict(Health.CRITICAL, "transceiver send and receive error (sfpBothError)"),
    41: Verdict(Health.CRITICAL, "fan stopped (fanError)"),
    51: Verdict(Health.CRITICAL, "power supply failed (psuError)"),
    61: Verdict(Health.CRITICAL, "redundant power supply failed (rpsError)"),
    71: Verdict(Health.CRITICAL, "module faulty (moduleFaulty)"),
    81: Verdict(Health.WARNING, "sensor error (sensorError)"),
    91: Verdict(Health.CRITICAL, "hardware faulty (hardwareFaulty)"),
}
#: hh3cEntityExtOperStatus: notSupported(1) says nothing.
H3C_OPER = {2: Verdict(Health.CRITICAL, "disabled"), 3: _OK, 4: Verdict(Health.WARNING, "dangerous")}


def h3c(snapshot: Snapshot, inventory: Inventory) -> Overlay:
    """hh3cEntityExtStateTable verdicts (error status and oper status) and entity temperatures."""
    overlay = Overlay()
    for row in snapshot.rows(mib.HH3C_ENTITY_EXT_STATE_ENTRY, mib.HH3C_ENTITY_EXT_STATE):
        error = H3C_ERROR.get(row.integer("error") or 0)
        verdict = worst([error, H3C_OPER.get(row.integer("oper") or 0)])
        if verdict is not None:
            overlay.verdicts[row.index] = verdict
        if error is not None:
            overlay.loose[row.index] = error
        limits = Thresholds(
            upper_warning=_limit(row.integer("temperature_threshold")),
            upper_critical=_limit(row.integer("critical_temperature")),
        )
        sensor = _temperature(inventory, row, limits)
        if sensor is not None:
            overlay.sensors.append(sensor)
    return overlay


def _limit(value: int | None) -> float | None:
    return float(value) if value is not None and value not in _NO_SENSOR else None


def _temperature(inventory: Inventory, row: Row, limits: Thresholds) -> Sensor | None:
    """A vendor table's temperature column as a sensor of the entity's component, judged against the device's own
    thresholds (the table gives no verdict on the reading itself)."""
    value = row.integer("temperature")
    entity = inventory.entities.get(row.index)
    if value is None or value in _NO_SENSOR or entity is None:
        return None
    owner = ref_of(inventory, row.index)
    name = f"{owner.location if owner else entity.label} temperature"
    return Sensor(
        name,
        float(value),
        "Cel",
        limits.judge(float(value)),
        limits,
        location=owner.location if owner else None,
        component=owner,
    )


# --- Cisco ----------------------------------------------------------------------------------------------------------

#: CiscoEnvMonState.
CISCO_STATE = {
    1: _OK,
    2: Verdict(Health.WARNING, "warning"),
    3: Verdict(Health.CRITICAL, "critical"),
    4: Verdict(Health.CRITICAL, "shut down"),
    5: Verdict(Health.ABSENT, "not present"),
    6: Verdict(Health.CRITICAL, "not functioning"),
}


def cisco(snapshot: Snapshot, inventory: Inventory) -> Overlay:
    """CISCO-ENVMON-MIB supply, fan and temperature tables."""
    overlay = Overlay()
    for entry, columns, kind, word in (
        (mib.CISCO_ENV_MON_SUPPLY_STATUS_ENTRY, mib.CISCO_ENV_MON_SUPPLY_STATUS, ComponentKind.PSU, "Power supply"),
        (mib.CISCO_ENV_MON_FAN_STATUS_ENTRY, mib.CISCO_ENV_MON_FAN_STATUS, ComponentKind.FAN, "Fan"),
    ):
        _cisco_parts(snapshot.rows(entry, columns), inventory, kind, word, overlay)
    for row in snapshot.rows(mib.CISCO_ENV_MON_TEMPERATURE_STATUS_ENTRY, mib.CISCO_ENV_MON_TEMPERATURE_STATUS):
        state = row.integer("state")
        if state == 5:  # notPresent
            continue
        verdict = CISCO_STATE.get(state or 0, Verdict(Health.UNKNOWN, "no health reported"))
        value = row.integer("value")
        name = row.text("descr") or f"Temperature {row.index}"
        limits = Thresholds(upper_warning=_limit(row.integer("threshold")))
        overlay.sensors.append(
            Sensor(name, float(value) if value is not None and state != 6 else None, "Cel", verdict.health, limits)
        )
    return overlay


def _cisco_parts(rows: list[Row], inventory: Inventory, kind: ComponentKind, word: str, overlay: Overlay) -> None:
    """Match an ENVMON table to the entities of one kind: by entPhysicalIndex when the platform uses it as the row
    index, else in order when the rows of fitted parts are as many as the entities; an ENVMON row that matches no
    entity (an empty bay, or a platform whose tables do not line up) is a component of its own, named by its
    description."""
    entities = [entity for entity in inventory.parts() if entity.kind is kind]
    fitted = [row for row in rows if row.integer("state") != 5]
    by_index = {entity.index: entity for entity in entities}
    paired: dict[str, Entity] = {}
    if fitted and all(row.index in by_index for row in fitted):
        paired = {row.index: by_index[row.index] for row in fitted}
    elif len(fitted) == len(entities):
        paired = {row.index: entity for row, entity in zip(fitted, entities, strict=True)}
    for row in rows:
        verdict = CISCO_STATE.get(row.integer("state") or 0)
        if verdict is not None and verdict.health is not Health.OK:
            verdict = Verdict(verdict.health, f"{word} state {verdict.reason} (CISCO-ENVMON-MIB)")
        entity = paired.get(row.index)
        if entity is not None:
            if verdict is not None:
                overlay.verdicts[entity.index] = verdict
            continue
        health = verdict.health if verdict else Health.UNKNOWN
        reason = None if health is Health.OK else (verdict.reason if verdict else "no health reported")
        overlay.components.append(Component(kind, row.text("descr") or f"{word} {row.index}", health, reason))
