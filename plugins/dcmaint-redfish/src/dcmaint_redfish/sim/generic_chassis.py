"""The generic flavour's chassis: power, cooling, the controller's cache battery, a NIC and the firmware list.

PSUs and fans appear twice, as real current firmware serves them: in the
legacy ``Power``/``Thermal`` arrays and as ``PowerSubsystem``/``ThermalSubsystem``
resources; a fault is applied to both views (see ``faults``).
"""

from __future__ import annotations

from typing import Any

from dcmaint_redfish.sim.generic import CHASSIS, MANAGER, OK, SYSTEM, V1, Doc, _collection, _link, _resource, _status

PSUS = (1, 2)
FANS = range(1, 7)
POWER, THERMAL = f"{CHASSIS}/Power", f"{CHASSIS}/Thermal"
POWER_SUB, THERMAL_SUB = f"{CHASSIS}/PowerSubsystem", f"{CHASSIS}/ThermalSubsystem"


def _psu_fields(n: int) -> dict[str, Any]:
    return {
        "Name": f"Power Supply {n}",
        "Manufacturer": "Delta",
        "Model": "SIM-PSU-800W",
        "PartNumber": "SIM-PSU-800",
        "SparePartNumber": "SIM-SP-PSU800",
        "SerialNumber": f"SIMPSU{n:06d}",
        "FirmwareVersion": "1.00",
        "Status": _status(),
    }


def _fan_fields(n: int) -> dict[str, Any]:
    return {
        "Name": f"Fan {n}",
        "PartNumber": "SIM-FAN-4056",
        "SparePartNumber": "SIM-SP-FAN4056",
        "SerialNumber": f"SIMFAN{n:06d}",
        "Status": _status(),
    }


def _power() -> dict[str, Doc]:
    supplies = [
        {
            "@odata.id": f"{POWER}#/PowerSupplies/{n - 1}",
            "MemberId": str(n - 1),
            **_psu_fields(n),
            "PowerSupplyType": "AC",
            "LineInputVoltageType": "ACMidLine",
            "LineInputVoltage": 230,
            "PowerCapacityWatts": 800,
            "LastPowerOutputWatts": 180,
        }
        for n in PSUS
    ]
    new = [f"{POWER_SUB}/PowerSupplies/{n}" for n in PSUS]
    battery = f"{POWER_SUB}/Batteries/1"
    docs = {
        POWER: _resource(
            POWER,
            "Power.v1_7_1.Power",
            Name="Power",
            PowerSupplies=supplies,
            PowerControl=[
                {
                    "@odata.id": f"{POWER}#/PowerControl/0",
                    "MemberId": "0",
                    "Name": "System Power Control",
                    "PowerConsumedWatts": 360,
                }
            ],
            Redundancy=[
                {
                    "@odata.id": f"{POWER}#/Redundancy/0",
                    "MemberId": "0",
                    "Name": "PSU Redundancy",
                    "Mode": "N+m",
                    "MinNumNeeded": 1,
                    "MaxNumSupported": 2,
                    "Status": dict(OK),
                }
            ],
        ),
        POWER_SUB: _resource(
            POWER_SUB,
            "PowerSubsystem.v1_1_0.PowerSubsystem",
            Name="Power Subsystem",
            CapacityWatts=1600,
            Status=_status(HealthRollup="OK"),
            PowerSupplies=_link(f"{POWER_SUB}/PowerSupplies"),
            Batteries=_link(f"{POWER_SUB}/Batteries"),
        ),
        f"{POWER_SUB}/PowerSupplies": _collection(
            f"{POWER_SUB}/PowerSupplies", "PowerSupplyCollection", "Power Supplies", new
        ),
        f"{POWER_SUB}/Batteries": _collection(f"{POWER_SUB}/Batteries", "BatteryCollection", "Batteries", [battery]),
        battery: _resource(
            battery,
            "Battery.v1_2_0.Battery",
            Name="RAID Controller Cache Battery",
            Manufacturer="Broadcom",
            Model="SIM-CVPM05",
            PartNumber="SIM-BBU-05",
            SparePartNumber="SIM-SP-BBU05",
            SerialNumber="SIMBBU000001",
            ChargeState="Idle",
            Location={"PartLocation": {"ServiceLabel": "RAID Controller Battery"}},
            Status=_status(),
        ),
    }
    for n, path in zip(PSUS, new, strict=True):
        docs[path] = _resource(
            path,
            "PowerSupply.v1_5_0.PowerSupply",
            **_psu_fields(n),
            PowerSupplyType="AC",
            LineInputStatus="Normal",
            PowerCapacityWatts=800,
            Location={"PartLocation": {"LocationType": "Bay", "LocationOrdinalValue": n, "ServiceLabel": f"PSU {n}"}},
            Metrics=_link(f"{path}/Metrics"),
        )
        docs[f"{path}/Metrics"] = _resource(
            f"{path}/Metrics",
            "PowerSupplyMetrics.v1_0_1.PowerSupplyMetrics",
            Name=f"PSU {n} Metrics",
            InputVoltage={"Reading": 230},
            OutputPowerWatts={"Reading": 180},
        )
    return docs


def _thermal() -> dict[str, Doc]:
    fans = [
        {
            "@odata.id": f"{THERMAL}#/Fans/{n - 1}",
            "MemberId": str(n - 1),
            **_fan_fields(n),
            "Reading": 6200,
            "ReadingUnits": "RPM",
            "LowerThresholdCritical": 1000,
        }
        for n in FANS
    ]
    temps = [
        {
            "@odata.id": f"{THERMAL}#/Temperatures/{i}",
            "MemberId": str(i),
            "Name": name,
            "ReadingCelsius": value,
            "UpperThresholdNonCritical": warn,
            "UpperThresholdCritical": crit,
            "Status": dict(OK),
        }
        for i, (name, value, warn, crit) in enumerate(
            [("Inlet Temp", 24, 38, 42), ("CPU 1 Temp", 51, 85, 95), ("CPU 2 Temp", 49, 85, 95)]
        )
    ]
    new = [f"{THERMAL_SUB}/Fans/{n}" for n in FANS]
    docs = {
        THERMAL: _resource(
            THERMAL,
            "Thermal.v1_7_1.Thermal",
            Name="Thermal",
            Fans=fans,
            Temperatures=temps,
            Redundancy=[
                {
                    "@odata.id": f"{THERMAL}#/Redundancy/0",
                    "MemberId": "0",
                    "Name": "Fan Redundancy",
                    "Mode": "N+m",
                    "Status": dict(OK),
                }
            ],
        ),
        THERMAL_SUB: _resource(
            THERMAL_SUB,
            "ThermalSubsystem.v1_1_0.ThermalSubsystem",
            Name="Thermal Subsystem",
            Status=_status(HealthRollup="OK"),
            Fans=_link(f"{THERMAL_SUB}/Fans"),
        ),
        f"{THERMAL_SUB}/Fans": _collection(f"{THERMAL_SUB}/Fans", "FanCollection", "Fans", new),
    }
    for n, path in zip(FANS, new, strict=True):
        docs[path] = _resource(
            path,
            "Fan.v1_4_0.Fan",
            **_fan_fields(n),
            SpeedPercent={"Reading": 42, "SpeedRPM": 6200},
            Location={"PartLocation": {"LocationType": "Slot", "LocationOrdinalValue": n, "ServiceLabel": f"Fan {n}"}},
        )
    return docs


def _network_and_firmware() -> dict[str, Doc]:
    adapters, nic = f"{CHASSIS}/NetworkAdapters", f"{CHASSIS}/NetworkAdapters/NIC1"
    inventory = f"{V1}/UpdateService/FirmwareInventory"
    items = {"BIOS": ("System BIOS", "2.19.1"), "BMC": ("BMC Firmware", "1.42"), "NIC1": ("Ethernet 25G", "22.31.6")}
    docs = {
        adapters: _collection(adapters, "NetworkAdapterCollection", "Network Adapters", [nic]),
        nic: _resource(
            nic,
            "NetworkAdapter.v1_9_0.NetworkAdapter",
            Name="Ethernet 25Gb 2-port",
            Manufacturer="Mellanox",
            Model="SIM-CX4-25G",
            PartNumber="SIM-NIC-25G",
            SerialNumber="SIMNIC000001",
            Status=_status(),
            Controllers=[{"FirmwarePackageVersion": "22.31.6", "ControllerCapabilities": {"NetworkPortCount": 2}}],
        ),
        f"{V1}/UpdateService": _resource(
            f"{V1}/UpdateService",
            "UpdateService.v1_11_0.UpdateService",
            Name="Update Service",
            FirmwareInventory=_link(inventory),
        ),
        inventory: _collection(
            inventory, "SoftwareInventoryCollection", "Firmware Inventory", [f"{inventory}/{key}" for key in items]
        ),
    }
    for key, (name, version) in items.items():
        docs[f"{inventory}/{key}"] = _resource(
            f"{inventory}/{key}",
            "SoftwareInventory.v1_9_0.SoftwareInventory",
            Name=name,
            Version=version,
            Updateable=True,
            Status=_status(),
        )
    return docs


def chassis_tree() -> dict[str, Doc]:
    """Path -> document for the chassis half of the generic server."""
    docs = {
        f"{V1}/Chassis": _collection(f"{V1}/Chassis", "ChassisCollection", "Chassis", [CHASSIS]),
        CHASSIS: _resource(
            CHASSIS,
            "Chassis.v1_23_0.Chassis",
            Name="Computer System Chassis",
            ChassisType="RackMount",
            Manufacturer="Simulated Systems",
            Model="SIM-2S 1U",
            PartNumber="SIM-P2S-0001",
            SKU="SIM2S-1U-001",
            SerialNumber="SIMSYS000001",
            Status=_status(HealthRollup="OK"),
            Power=_link(POWER),
            Thermal=_link(THERMAL),
            PowerSubsystem=_link(POWER_SUB),
            ThermalSubsystem=_link(THERMAL_SUB),
            NetworkAdapters=_link(f"{CHASSIS}/NetworkAdapters"),
            Links={"ComputerSystems": [_link(SYSTEM)], "ManagedBy": [_link(MANAGER)]},
        ),
    }
    for part in (_power(), _thermal(), _network_and_firmware()):
        docs.update(part)
    return docs
