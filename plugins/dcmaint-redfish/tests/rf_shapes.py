"""Resource maps in the shapes public Redfish services take, odd but valid by the DMTF schemas.

Each ``healthy_*`` tree has nothing unhealthy in it: ``dcmaint health`` must
say OK (exit 0) with no fault, however odd it looks (placeholder thresholds,
adapters without ``Status``, a spinning disk with a zero life-left field,
several chassis with the same labels). The other functions break such a tree
the way a BMC shows it, for the rules of docs/health.md ("How dcmaint
decides a part is faulty").
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import rf_trees as trees
from rf_trees import CH, SYS, R, collection, label, ok, ref

Tree = dict[str, dict[str, Any]]


# -- odd but healthy ----------------------------------------------------------------------------


def placeholder_thresholds() -> Tree:
    """Limits that make no sense next to the readings, on sensors the BMC calls OK."""
    tree = trees.server()
    fan = tree[f"{CH}/Thermal"]["Fans"][0]
    fan.update(LowerThresholdNonCritical=9000, LowerThresholdCritical=8000)  # above the 5600 RPM it reads
    inlet = tree[f"{CH}/Thermal"]["Temperatures"][0]
    inlet.update(UpperThresholdNonCritical=0, UpperThresholdCritical=0)  # "0" meaning "not set"
    rail = tree[f"{CH}/Power"]["Voltages"][0]
    rail.update(ReadingVolts=12.1, LowerThresholdCritical=13.0, UpperThresholdCritical=11.0)
    return tree


def adapter_without_status() -> Tree:
    """A network adapter (and its PCIe function) that report no Status at all, and a Disabled port."""
    tree = trees.server()
    del tree[f"{CH}/NetworkAdapters/NIC1"]["Status"]
    del tree[f"{CH}/PCIeDevices/NIC1"]["Status"]
    tree[f"{SYS}/EthernetInterfaces/1"]["Status"] = {"State": "Disabled"}
    return tree


def spinning_disk_zero_life() -> Tree:
    """A hard disk whose life-left field is 0 (not a wear figure) and an SSD at 3 % whose drive says OK."""
    tree = trees.server()
    tree[f"{SYS}/Storage/RAID1/Drives/1"]["PredictedMediaLifeLeftPercent"] = 0
    ssd = tree[f"{SYS}/Storage/RAID1/Drives/3"]
    ssd.update(MediaType="SSD", RotationSpeedRPM=None, PredictedMediaLifeLeftPercent=3)
    return tree


def idle_psu() -> Tree:
    """A cold-standby supply: no input voltage, the BMC says it is fine."""
    tree = trees.server()
    tree[f"{CH}/Power"]["PowerSupplies"][1].update(LineInputVoltage=0)
    tree[f"{CH}/PowerSubsystem/PowerSupplies/2"].update(LineInputStatus="Normal")
    return tree


def with_assemblies(health: str | None = "OK") -> Tree:
    """The chassis's Assembly: a system board and a drive backplane, with their own numbers."""
    tree = trees.server()
    path = f"{CH}/Assembly"
    tree[CH]["Assembly"] = ref(path)
    status = {"State": "Enabled", "Health": health} if health else None
    boards = [
        ("System Board", "SystemBoard", "P11781-001", "P06789-001", "PWARU0ABC1"),
        ("Drive Backplane", "Backplane", "P22011-001", "P22012-001", "PWBKP0ABC2"),
        ("Power Supply 1", "PowerSupply", "865414-B21", "866730-001", "PSU-SN-1"),  # the PSU, already a part
    ]
    tree[path] = {
        "@odata.id": path,
        "@odata.type": "#Assembly.v1_4_0.Assembly",
        "Id": "Assembly",
        "Name": "Chassis assemblies",
        "Assemblies": [
            {
                "@odata.id": f"{path}#/Assemblies/{index}",
                "MemberId": str(index),
                "Name": name,
                "PhysicalContext": context,
                "Model": name,
                "PartNumber": number,
                "SparePartNumber": spare,
                "SerialNumber": serial,
                "Producer": "Acme",
                "Version": "A02",
                **({"Status": status} if status else {}),
            }
            for index, (name, context, number, spare, serial) in enumerate(boards)
        ],
    }
    return tree


def _chassis(path: str, name: str, kind: str, service_label: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "@odata.id": path,
        "@odata.type": "#Chassis.v1_22_0.Chassis",
        "Id": path.rsplit("/", 1)[-1],
        "Name": name,
        "ChassisType": kind,
        "Manufacturer": "Acme",
        "Model": f"{kind} model",
        "SerialNumber": f"SN-{path.rsplit('/', 1)[-1]}",
        "PartNumber": f"PN-{kind}",
        "Status": {"State": "Enabled", "Health": "OK", "HealthRollup": "OK"},
        **({"Location": label(service_label)} if service_label else {}),
        **extra,
    }


def _thermal(path: str, fan_names: list[str]) -> dict[str, Any]:
    return {
        "@odata.id": path,
        "Id": "Thermal",
        "Name": "Thermal",
        "Fans": [
            {
                "@odata.id": f"{path}#/Fans/{index}",
                "MemberId": str(index),
                "Name": name,
                "Reading": 6000,
                "ReadingUnits": "RPM",
                "LowerThresholdCritical": 600,
                "Status": ok(),
            }
            for index, name in enumerate(fan_names)
        ],
        "Temperatures": [
            {
                "@odata.id": f"{path}#/Temperatures/0",
                "MemberId": "0",
                "Name": "Inlet Temp",
                "ReadingCelsius": 23,
                "UpperThresholdNonCritical": 40,
                "UpperThresholdCritical": 45,
                "Status": ok(),
            }
        ],
    }


def _power(path: str, count: int) -> dict[str, Any]:
    return {
        "@odata.id": path,
        "Id": "Power",
        "Name": "Power",
        "PowerSupplies": [
            {
                "@odata.id": f"{path}#/PowerSupplies/{index}",
                "MemberId": str(index),
                "Name": f"PSU {index + 1}",
                "SerialNumber": f"{path.split('/')[4]}-PSU{index + 1}",
                "Model": "PWS-2K20A",
                "LineInputVoltage": 230,
                "Status": ok(),
            }
            for index in range(count)
        ],
    }


def blade_enclosure(blades: int = 4) -> Tree:
    """An enclosure manager's tree: the enclosure (PSUs, fans) holding blades, each a chassis with a system.

    Every blade has its own "Inlet Temp" and "DIMM A1": the same names in four chassis.
    """
    tree: Tree = {}
    enclosure = f"{R}/Chassis/Enclosure"
    blade_paths = [f"{R}/Chassis/Blade{n}" for n in range(1, blades + 1)]
    system_paths = [f"{R}/Systems/Blade{n}" for n in range(1, blades + 1)]
    tree[R] = {
        "@odata.id": R,
        "RedfishVersion": "1.17.0",
        "Vendor": "Acme",
        "Product": "Acme Blade Enclosure",
        "Systems": ref(f"{R}/Systems"),
        "Chassis": ref(f"{R}/Chassis"),
        "Managers": ref(f"{R}/Managers"),
    }
    tree[f"{R}/Chassis"] = collection(f"{R}/Chassis", [enclosure, *blade_paths])
    tree[f"{R}/Systems"] = collection(f"{R}/Systems", system_paths)
    tree[f"{R}/Managers"] = collection(f"{R}/Managers", [])
    tree[enclosure] = _chassis(
        enclosure,
        "Enclosure",
        "Enclosure",
        None,
        Power=ref(f"{enclosure}/Power"),
        Thermal=ref(f"{enclosure}/Thermal"),
        Links={"Contains": [ref(path) for path in blade_paths]},
    )
    tree[f"{enclosure}/Power"] = _power(f"{enclosure}/Power", 2)
    tree[f"{enclosure}/Thermal"] = _thermal(f"{enclosure}/Thermal", ["Fan 1", "Fan 2"])
    for number, (blade, system) in enumerate(zip(blade_paths, system_paths, strict=True), 1):
        tree[blade] = _chassis(
            blade,
            "Blade",
            "Blade",
            f"Bay {number}",
            Thermal=ref(f"{blade}/Thermal"),
            Links={"ContainedBy": ref(enclosure), "ComputerSystems": [ref(system)]},
        )
        tree[f"{blade}/Thermal"] = _thermal(f"{blade}/Thermal", [])
        tree[system] = {
            "@odata.id": system,
            "Id": f"Blade{number}",
            "Name": f"Blade {number}",
            "Manufacturer": "Acme",
            "Model": "B200",
            "SerialNumber": f"BLADE{number:04d}",
            "Status": {"State": "Enabled", "Health": "OK", "HealthRollup": "OK"},
            "Memory": ref(f"{system}/Memory"),
            "Links": {"Chassis": [ref(blade)]},
        }
        tree[f"{system}/Memory"] = collection(f"{system}/Memory", [f"{system}/Memory/A1"])
        tree[f"{system}/Memory/A1"] = {
            "@odata.id": f"{system}/Memory/A1",
            "Id": "A1",
            "Name": "DIMM A1",
            "DeviceLocator": "DIMM A1",
            "CapacityMiB": 32768,
            "PartNumber": "M393A4K40DB3",
            "SerialNumber": f"DIMM-{number}",
            "Status": ok(),
        }
    return tree


def multi_tray(trays: int = 2) -> Tree:
    """A multi-node server seen through one BMC: each tray a chassis with "PSU 1" and the same sensors."""
    tree: Tree = {}
    paths = [f"{R}/Chassis/Tray{n}" for n in range(1, trays + 1)]
    tree[R] = {
        "@odata.id": R,
        "RedfishVersion": "1.15.0",
        "Vendor": "Acme",
        "Product": "Acme 2U4N",
        "Systems": ref(f"{R}/Systems"),
        "Chassis": ref(f"{R}/Chassis"),
    }
    tree[f"{R}/Systems"] = collection(f"{R}/Systems", [])
    tree[f"{R}/Chassis"] = collection(f"{R}/Chassis", paths)
    for number, path in enumerate(paths, 1):
        tree[path] = _chassis(
            path,
            "Computer System Chassis",  # the same name for every tray: the ServiceLabel tells them apart
            "Sled",
            f"Tray {number}",
            Power=ref(f"{path}/Power"),
            Thermal=ref(f"{path}/Thermal"),
        )
        tree[f"{path}/Power"] = _power(f"{path}/Power", 1)
        tree[f"{path}/Thermal"] = _thermal(f"{path}/Thermal", ["Fan 1"])
    return tree


def sensors_collection() -> Tree:
    """Current firmware: no legacy Thermal/Power, parts under the subsystems, readings in Sensors."""
    tree = trees.server()
    del tree[CH]["Thermal"], tree[CH]["Power"]
    tree[CH]["Sensors"] = ref(f"{CH}/Sensors")
    sensors = {
        "Fan3Speed": (
            "Fan 3 speed",
            "Rotational",
            5400,
            "RPM",
            f"{CH}/ThermalSubsystem/Fans/3",
            {"LowerCritical": 500},
        ),
        "PSU2Input": (
            "PSU 2 input",
            "Voltage",
            229,
            "V",
            f"{CH}/PowerSubsystem/PowerSupplies/2",
            {"LowerCritical": 180},
        ),
        "Inlet": ("Inlet Temp", "Temperature", 24, "Cel", CH, {"UpperCaution": 38, "UpperCritical": 42}),
    }
    tree[f"{CH}/Sensors"] = collection(f"{CH}/Sensors", [f"{CH}/Sensors/{key}" for key in sensors])
    for key, (name, kind, reading, unit, related, limits) in sensors.items():
        tree[f"{CH}/Sensors/{key}"] = {
            "@odata.id": f"{CH}/Sensors/{key}",
            "Id": key,
            "Name": name,
            "ReadingType": kind,
            "Reading": reading,
            "ReadingUnits": unit,
            "Thresholds": {limit: {"Reading": value} for limit, value in limits.items()},
            "RelatedItem": [ref(related)],
            "Status": ok(),
        }
    tree[f"{CH}/ThermalSubsystem/Fans/3"]["SpeedPercent"] = {
        "Reading": 45,
        "SpeedRPM": 5400,
        "DataSourceUri": f"{CH}/Sensors/Fan3Speed",
    }
    return tree


def service_conditions() -> Tree:
    """A service with a ServiceConditions resource and nothing in it."""
    tree = trees.server()
    tree[R]["ServiceConditions"] = ref(f"{R}/ServiceConditions")
    tree[f"{R}/ServiceConditions"] = {
        "@odata.id": f"{R}/ServiceConditions",
        "@odata.type": "#ServiceConditions.v1_0_0.ServiceConditions",
        "Id": "ServiceConditions",
        "Name": "Service conditions",
        "HealthRollup": "OK",
        "Conditions": [],
    }
    return tree


def unlabelled_drives() -> Tree:
    """Drives located only by PartLocation type and ordinal, in a storage subsystem with a long name."""
    tree = trees.server()
    for bay in range(1, 5):
        drive = tree[f"{SYS}/Storage/RAID1/Drives/{bay}"]
        drive["PhysicalLocation"] = {"PartLocation": {"LocationType": "Bay", "LocationOrdinalValue": bay}}
        drive["Name"] = f"Smart Array P408i-a Drive {bay}"
    return tree


#: The healthy shapes, by name: each must give exit 0 and no fault.
HEALTHY: dict[str, Callable[[], Tree]] = {
    "server": trees.server,
    "legacy-only": lambda: trees.legacy(trees.server()),
    "placeholder-thresholds": placeholder_thresholds,
    "adapter-without-status": adapter_without_status,
    "spinning-disk-zero-life": spinning_disk_zero_life,
    "idle-psu": idle_psu,
    "assemblies": with_assemblies,
    "assemblies-without-status": lambda: with_assemblies(None),
    "blade-enclosure": blade_enclosure,
    "multi-tray": multi_tray,
    "sensors-collection": sensors_collection,
    "service-conditions": service_conditions,
    "unlabelled-drives": unlabelled_drives,
}


# -- broken, the way a BMC shows it -------------------------------------------------------------


def condition(message: str, severity: str, origin: str, code: str = "Acme.1.0.PartFault") -> dict[str, Any]:
    return {"MessageId": code, "Message": message, "Severity": severity, "OriginOfCondition": ref(origin)}


def restated(tree: Tree, *found: dict[str, Any]) -> None:
    """The BMC lists ``found`` conditions on the system and the chassis, and rolls their health up."""
    for path in (SYS, CH):
        status = tree[path]["Status"]
        status["Conditions"] = [*status.get("Conditions", []), *copy.deepcopy(list(found))]
        status["HealthRollup"] = "Critical"


def four_broken_parts() -> Tree:
    """PSU 2 lost input, fan 2 stopped, DIMM degraded, battery failed; every one restated as a BMC condition
    (pointing at the modern resource, the legacy array entry, or carrying no origin), and the chassis's
    Health rolled up from them (as iDRAC does)."""
    tree = trees.server()
    trees.fail_psu(tree)
    trees.degrade_dimm(tree)
    trees.fail_battery(tree)
    tree[f"{CH}/ThermalSubsystem/Fans/2"]["Status"] = {"State": "Enabled", "Health": "Critical"}
    fan = tree[f"{CH}/Thermal"]["Fans"][1]
    fan.update(Reading=0, Status={"State": "Enabled", "Health": "Critical"})
    tree[CH]["Status"] = {"State": "Enabled", "Health": "Critical", "HealthRollup": "Critical"}
    restated(
        tree,
        condition("Power supply 2 lost its input.", "Critical", f"{CH}/PowerSubsystem/PowerSupplies/2"),
        condition("Fan 2 failed.", "Critical", f"{CH}/Thermal#/Fans/1"),
        condition("Memory P1-DIMMA1 degraded.", "Warning", f"{SYS}/Memory/proc1dimm1"),
        condition("Cache battery failed.", "Critical", f"{CH}/PowerSubsystem/Batteries/1"),
    )
    return tree
