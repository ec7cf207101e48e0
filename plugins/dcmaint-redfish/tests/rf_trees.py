"""Small resource maps for the driver's own tests: one healthy server, and the faults a technician meets.

The server has both generations of the power and thermal resources (legacy
Power/Thermal arrays and PowerSubsystem/ThermalSubsystem), storage with a
RAID1 volume and a cache battery, an FC HBA, a NIC, a SEL with entries and
a firmware inventory. Each fault function edits a tree in place the way a
BMC shows that fault.
"""

from __future__ import annotations

import copy
from typing import Any

R = "/redfish/v1"
SYS = f"{R}/Systems/1"
CH = f"{R}/Chassis/1"
MGR = f"{R}/Managers/1"


def ref(path: str) -> dict[str, str]:
    return {"@odata.id": path}


def collection(path: str, members: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "@odata.id": path,
        "Name": path.rsplit("/", 1)[-1],
        "Members": [ref(m) for m in members],
        "Members@odata.count": len(members),
        **extra,
    }


def ok(state: str = "Enabled") -> dict[str, str]:
    return {"State": state, "Health": "OK"}


def label(text: str) -> dict[str, Any]:
    return {"PartLocation": {"ServiceLabel": text}}


def server() -> dict[str, dict[str, Any]]:
    """A healthy two-socket server with both power/thermal generations."""
    t: dict[str, dict[str, Any]] = {}
    t[R] = {
        "@odata.id": R,
        "RedfishVersion": "1.15.0",
        "Vendor": "Acme",
        "Product": "Acme R100",
        "ProtocolFeaturesSupported": {
            "ExpandQuery": {"ExpandAll": True, "Levels": True, "NoLinks": True, "MaxLevels": 3},
            "TopSkipQuery": True,
        },
        "Systems": ref(f"{R}/Systems"),
        "Chassis": ref(f"{R}/Chassis"),
        "Managers": ref(f"{R}/Managers"),
        "UpdateService": ref(f"{R}/UpdateService"),
        "SessionService": ref(f"{R}/SessionService"),
        "Links": {"Sessions": ref(f"{R}/SessionService/Sessions")},
    }
    t[f"{R}/Systems"] = collection(f"{R}/Systems", [SYS])
    t[SYS] = {
        "@odata.id": SYS,
        "Id": "1",
        "Name": "System",
        "Manufacturer": "Acme",
        "Model": "R100",
        "SerialNumber": "ACME0001",
        "PartNumber": "R100-BASE",
        "HostName": "web01",
        "BiosVersion": "U30 1.2.3",
        "UUID": "00000000-0000-0000-0000-000000000001",
        "PowerState": "On",
        "Status": {"State": "Enabled", "Health": "OK", "HealthRollup": "OK"},
        "MemorySummary": {"TotalSystemMemoryGiB": 64},
        "ProcessorSummary": {"Count": 2, "Model": "Xeon 6338"},
        "Boot": {"BootSourceOverrideMode": "UEFI", "BootOrder": ["HD.Emb.1", "NIC.1"]},
        "Memory": ref(f"{SYS}/Memory"),
        "Processors": ref(f"{SYS}/Processors"),
        "Storage": ref(f"{SYS}/Storage"),
        "EthernetInterfaces": ref(f"{SYS}/EthernetInterfaces"),
        "LogServices": ref(f"{SYS}/LogServices"),
        "PCIeDevices": [ref(f"{CH}/PCIeDevices/FC1")],
        "Links": {"Chassis": [ref(CH)], "ManagedBy": [ref(MGR)]},
    }
    cpus = [f"{SYS}/Processors/CPU{n}" for n in (1, 2)]
    t[f"{SYS}/Processors"] = collection(f"{SYS}/Processors", cpus)
    for n, path in enumerate(cpus, 1):
        t[path] = {
            "@odata.id": path,
            "Id": f"CPU{n}",
            "Name": f"Processor {n}",
            "Socket": f"CPU {n}",
            "ProcessorType": "CPU",
            "Manufacturer": "Intel(R) Corporation",
            "Model": "Xeon 6338",
            "TotalCores": 32,
            "MaxSpeedMHz": 3200,
            "SerialNumber": f"CPU-SN-{n}",
            "Status": ok(),
        }
    dimms = {"P1-DIMMA1": "proc1dimm1", "P1-DIMMB1": "proc1dimm2", "P2-DIMMA1": "proc2dimm1", "P2-DIMMB1": "proc2dimm2"}
    t[f"{SYS}/Memory"] = collection(f"{SYS}/Memory", [f"{SYS}/Memory/{m}" for m in dimms.values()])
    for slot, member in dimms.items():
        path = f"{SYS}/Memory/{member}"
        t[path] = {
            "@odata.id": path,
            "Id": member,
            "Name": member,
            "DeviceLocator": slot.replace("-", " "),
            "Location": label(slot),
            "CapacityMiB": 32768,
            "OperatingSpeedMhz": 3200,
            "MemoryDeviceType": "DDR4",
            "Manufacturer": "Samsung",
            "PartNumber": "M393A4K40DB3-CWE",
            "SparePartNumber": "P06033-001",
            "SerialNumber": f"DIMM-{member}",
            "Status": ok(),
        }
    t[f"{SYS}/Memory/proc1dimm2"].update({"Status": {"State": "Absent"}, "CapacityMiB": None, "SerialNumber": None})
    t[f"{SYS}/Memory/proc2dimm2"].update({"Status": {"State": "Absent"}, "CapacityMiB": None, "SerialNumber": None})
    st = f"{SYS}/Storage/RAID1"
    drives = [f"{st}/Drives/{n}" for n in range(1, 5)]
    t[f"{SYS}/Storage"] = collection(f"{SYS}/Storage", [st])
    t[st] = {
        "@odata.id": st,
        "Id": "RAID1",
        "Name": "Smart Array P408i-a",
        "Status": ok(),
        "Drives": [ref(d) for d in drives],
        "Volumes": ref(f"{st}/Volumes"),
        "Controllers": ref(f"{st}/Controllers"),
        "Links": {"Batteries": [ref(f"{CH}/PowerSubsystem/Batteries/1")]},
    }
    t[f"{st}/Controllers"] = collection(f"{st}/Controllers", [f"{st}/Controllers/0"])
    t[f"{st}/Controllers/0"] = {
        "@odata.id": f"{st}/Controllers/0",
        "Id": "0",
        "Name": "Smart Array P408i-a SR Gen10",
        "Location": label("Embedded RAID"),
        "Manufacturer": "Microchip",
        "Model": "P408i-a",
        "SerialNumber": "PEYHN0ARHC1234",
        "PartNumber": "836260-001",
        "FirmwareVersion": "3.53",
        "SpeedGbps": 12,
        "Status": ok(),
    }
    for n, path in enumerate(drives, 1):
        t[path] = {
            "@odata.id": path,
            "Id": str(n),
            "Name": f"Drive {n}",
            "PhysicalLocation": label(f"Bay {n}"),
            "Manufacturer": "Seagate",
            "Model": "ST1200MM0009",
            "CapacityBytes": 1_200_000_000_000,
            "Protocol": "SAS",
            "MediaType": "HDD",
            "RotationSpeedRPM": 10000,
            "Revision": "HPD4",
            "SerialNumber": f"W3C0{n:04d}",
            "PartNumber": "781518-B21",
            "SparePartNumber": "782669-001",
            "CapableSpeedGbs": 12,
            "FailurePredicted": False,
            "PredictedMediaLifeLeftPercent": 100,
            "Status": ok(),
        }
    t[f"{st}/Volumes"] = collection(f"{st}/Volumes", [f"{st}/Volumes/1"])
    t[f"{st}/Volumes/1"] = {
        "@odata.id": f"{st}/Volumes/1",
        "Id": "1",
        "Name": "Logical Drive 1",
        "RAIDType": "RAID1",
        "CapacityBytes": 1_200_000_000_000,
        "Status": ok(),
        "Links": {"Drives": [ref(drives[0]), ref(drives[1])]},
    }
    t[f"{SYS}/EthernetInterfaces"] = collection(f"{SYS}/EthernetInterfaces", [f"{SYS}/EthernetInterfaces/1"])
    t[f"{SYS}/EthernetInterfaces/1"] = {
        "@odata.id": f"{SYS}/EthernetInterfaces/1",
        "Id": "1",
        "Name": "eno1",
        "MACAddress": "00:11:22:33:44:55",
        "SpeedMbps": 25000,
        "IPv4Addresses": [{"Address": "10.0.0.20"}],
        "Status": ok(),
    }
    t[f"{SYS}/LogServices"] = collection(f"{SYS}/LogServices", [f"{SYS}/LogServices/SEL"])
    t[f"{SYS}/LogServices/SEL"] = {
        "@odata.id": f"{SYS}/LogServices/SEL",
        "Id": "SEL",
        "Name": "System Event Log",
        "Entries": ref(f"{SYS}/LogServices/SEL/Entries"),
    }
    entries = [f"{SYS}/LogServices/SEL/Entries/{n}" for n in range(1, 4)]
    t[f"{SYS}/LogServices/SEL/Entries"] = collection(f"{SYS}/LogServices/SEL/Entries", entries)
    for n, (severity, message, created) in enumerate(
        [
            ("OK", "System power on", "2024-05-01T01:00:00Z"),
            ("Warning", "Drive 4 predictive failure", "2024-05-01T03:12:00+00:00"),
            ("Critical", "Power supply 2 input lost", "2024-05-02T08:00:00Z"),
        ],
        1,
    ):
        path = entries[n - 1]
        t[path] = {
            "@odata.id": path,
            "Id": str(n),
            "Name": "Log Entry",
            "EntryType": "SEL",
            "Severity": severity,
            "Message": message,
            "MessageId": f"SEL.{n}",
            "Created": created,
        }
    # -- chassis -------------------------------------------------------------
    t[f"{R}/Chassis"] = collection(f"{R}/Chassis", [CH])
    t[CH] = {
        "@odata.id": CH,
        "Id": "1",
        "Name": "Chassis",
        "ChassisType": "RackMount",
        "Manufacturer": "Acme",
        "Model": "R100",
        "SerialNumber": "ACME0001",
        "Status": {"State": "Enabled", "Health": "OK"},
        "Power": ref(f"{CH}/Power"),
        "Thermal": ref(f"{CH}/Thermal"),
        "PowerSubsystem": ref(f"{CH}/PowerSubsystem"),
        "ThermalSubsystem": ref(f"{CH}/ThermalSubsystem"),
        "NetworkAdapters": ref(f"{CH}/NetworkAdapters"),
        "PCIeDevices": ref(f"{CH}/PCIeDevices"),
    }
    t[f"{CH}/Power"] = {
        "@odata.id": f"{CH}/Power",
        "Id": "Power",
        "Name": "Power",
        "PowerSupplies": [
            {
                "@odata.id": f"{CH}/Power#/PowerSupplies/{n}",
                "MemberId": str(n),
                "Name": "Power Supply",
                "LineInputVoltage": 230,
                "PowerCapacityWatts": 800,
                "Model": "865414-B21",
                "SerialNumber": f"PSU-SN-{n + 1}",
                "Status": ok(),
            }
            for n in (0, 1)
        ],
        "Voltages": [
            {
                "MemberId": "0",
                "Name": "12V Rail",
                "ReadingVolts": 12.1,
                "LowerThresholdCritical": 10.8,
                "UpperThresholdCritical": 13.2,
                "Status": ok(),
            }
        ],
        "PowerControl": [{"MemberId": "0", "Name": "System Power Control", "PowerConsumedWatts": 310}],
    }
    t[f"{CH}/Thermal"] = {
        "@odata.id": f"{CH}/Thermal",
        "Id": "Thermal",
        "Name": "Thermal",
        "Fans": [
            {
                "@odata.id": f"{CH}/Thermal#/Fans/{n}",
                "MemberId": str(n),
                "Name": f"Fan {n + 1}",
                "Reading": 5600,
                "ReadingUnits": "RPM",
                "LowerThresholdCritical": 500,
                "Status": ok(),
            }
            for n in range(4)
        ],
        "Temperatures": [
            {
                "MemberId": "0",
                "Name": "Inlet Temp",
                "ReadingCelsius": 24,
                "UpperThresholdNonCritical": 38,
                "UpperThresholdCritical": 42,
                "PhysicalContext": "Intake",
                "Status": ok(),
            },
            {
                "MemberId": "1",
                "Name": "CPU 1 Temp",
                "ReadingCelsius": 55,
                "UpperThresholdNonCritical": 85,
                "UpperThresholdCritical": 95,
                "PhysicalContext": "CPU",
                "Status": ok(),
            },
        ],
    }
    psus = [f"{CH}/PowerSubsystem/PowerSupplies/{n}" for n in (1, 2)]
    t[f"{CH}/PowerSubsystem"] = {
        "@odata.id": f"{CH}/PowerSubsystem",
        "Id": "PowerSubsystem",
        "Name": "Power",
        "PowerSupplies": ref(f"{CH}/PowerSubsystem/PowerSupplies"),
        "Batteries": ref(f"{CH}/PowerSubsystem/Batteries"),
    }
    t[f"{CH}/PowerSubsystem/PowerSupplies"] = collection(f"{CH}/PowerSubsystem/PowerSupplies", psus)
    for n, path in enumerate(psus, 1):
        t[path] = {
            "@odata.id": path,
            "Id": str(n),
            "Name": f"Power Supply {n}",
            "Location": label(f"PSU {n}"),
            "Manufacturer": "Delta",
            "Model": "865414-B21",
            "PartNumber": "865414-B21",
            "SparePartNumber": "866730-001",
            "SerialNumber": f"PSU-SN-{n}",
            "FirmwareVersion": "1.00",
            "LineInputStatus": "Normal",
            "PowerCapacityWatts": 800,
            "Status": ok(),
        }
    t[f"{CH}/PowerSubsystem/Batteries"] = collection(
        f"{CH}/PowerSubsystem/Batteries", [f"{CH}/PowerSubsystem/Batteries/1"]
    )
    t[f"{CH}/PowerSubsystem/Batteries/1"] = {
        "@odata.id": f"{CH}/PowerSubsystem/Batteries/1",
        "Id": "1",
        "Name": "Smart Storage Battery",
        "Location": label("Battery 1"),
        "Manufacturer": "HPE",
        "Model": "96W Smart Storage Battery",
        "PartNumber": "P01366-B21",
        "SparePartNumber": "P02377-001",
        "SerialNumber": "BAT-SN-1",
        "Status": ok(),
    }
    fans = [f"{CH}/ThermalSubsystem/Fans/{n}" for n in range(1, 5)]
    t[f"{CH}/ThermalSubsystem"] = {
        "@odata.id": f"{CH}/ThermalSubsystem",
        "Id": "ThermalSubsystem",
        "Name": "Thermal",
        "Fans": ref(f"{CH}/ThermalSubsystem/Fans"),
        "ThermalMetrics": ref(f"{CH}/ThermalSubsystem/ThermalMetrics"),
    }
    t[f"{CH}/ThermalSubsystem/Fans"] = collection(f"{CH}/ThermalSubsystem/Fans", fans)
    for n, path in enumerate(fans, 1):
        t[path] = {
            "@odata.id": path,
            "Id": str(n),
            "Name": f"Fan {n}",
            "Location": label(f"Fan {n}"),
            "PartNumber": "P24472-001",
            "SparePartNumber": "P24468-001",
            "Status": ok(),
        }
    t[f"{CH}/ThermalSubsystem/ThermalMetrics"] = {
        "@odata.id": f"{CH}/ThermalSubsystem/ThermalMetrics",
        "Id": "ThermalMetrics",
        "Name": "Thermal metrics",
        "TemperatureReadingsCelsius": [{"DeviceName": "Inlet", "Reading": 24, "PhysicalContext": "Intake"}],
    }
    t[f"{CH}/NetworkAdapters"] = collection(f"{CH}/NetworkAdapters", [f"{CH}/NetworkAdapters/NIC1"])
    t[f"{CH}/NetworkAdapters/NIC1"] = {
        "@odata.id": f"{CH}/NetworkAdapters/NIC1",
        "Id": "NIC1",
        "Name": "Intel E810-XXV 25GbE 2-port",
        "Location": label("OCP Slot 1"),
        "Manufacturer": "Intel",
        "Model": "E810-XXVDA2",
        "PartNumber": "P08443-B21",
        "SerialNumber": "NIC-SN-1",
        "Controllers": [{"FirmwarePackageVersion": "4.20"}],
        "Status": ok(),
    }
    t[f"{CH}/PCIeDevices"] = collection(f"{CH}/PCIeDevices", [f"{CH}/PCIeDevices/FC1", f"{CH}/PCIeDevices/NIC1"])
    t[f"{CH}/PCIeDevices/FC1"] = {
        "@odata.id": f"{CH}/PCIeDevices/FC1",
        "Id": "FC1",
        "Name": "QLogic QLE2742 32Gb Fibre Channel HBA",
        "Slot": {"Location": label("PCIe Slot 2")},
        "Manufacturer": "QLogic",
        "Model": "QLE2742",
        "PartNumber": "Q0L14A",
        "SerialNumber": "RFD1234X",
        "FirmwareVersion": "9.08",
        "PCIeInterface": {"LanesInUse": 8, "PCIeType": "Gen3"},
        "Status": ok(),
    }
    t[f"{CH}/PCIeDevices/NIC1"] = {
        "@odata.id": f"{CH}/PCIeDevices/NIC1",
        "Id": "NIC1",
        "Name": "Intel E810-XXV 25GbE 2-port",
        "Slot": {"Location": label("OCP Slot 1")},
        "SerialNumber": "NIC-SN-1",
        "Status": ok(),
    }
    # -- manager and firmware ------------------------------------------------
    t[f"{R}/Managers"] = collection(f"{R}/Managers", [MGR])
    t[MGR] = {
        "@odata.id": MGR,
        "Id": "1",
        "Name": "Manager",
        "ManagerType": "BMC",
        "Model": "Acme BMC",
        "FirmwareVersion": "2.10",
        "Status": ok(),
    }
    t[f"{R}/UpdateService"] = {
        "@odata.id": f"{R}/UpdateService",
        "Id": "UpdateService",
        "Name": "Update service",
        "FirmwareInventory": ref(f"{R}/UpdateService/FirmwareInventory"),
    }
    inventory = {
        "BMC": ("Acme BMC firmware", "2.10"),
        "BIOS": ("System ROM", "U30 1.2.3"),
        "NIC1": ("Intel E810 NVM", "4.20"),
    }
    t[f"{R}/UpdateService/FirmwareInventory"] = collection(
        f"{R}/UpdateService/FirmwareInventory", [f"{R}/UpdateService/FirmwareInventory/{key}" for key in inventory]
    )
    for key, (name, version) in inventory.items():
        path = f"{R}/UpdateService/FirmwareInventory/{key}"
        t[path] = {"@odata.id": path, "Id": key, "Name": name, "Version": version, "Updateable": True}
    t[f"{R}/SessionService"] = {
        "@odata.id": f"{R}/SessionService",
        "Id": "SessionService",
        "Name": "Sessions",
        "Sessions": ref(f"{R}/SessionService/Sessions"),
    }
    return t


def legacy(tree: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same server as older firmware shows it: only the Power and Thermal arrays."""
    tree = copy.deepcopy(tree)
    for key in ("PowerSubsystem", "ThermalSubsystem"):
        del tree[CH][key]
    return tree


# -- faults, as a BMC shows them ---------------------------------------------


def fail_psu(tree: dict[str, dict[str, Any]], number: int = 2) -> None:
    """PSU ``number`` lost its input: the newer resource says LossOfInput, the legacy array 0 V."""
    tree[f"{CH}/PowerSubsystem/PowerSupplies/{number}"].update(
        {"LineInputStatus": "LossOfInput", "Status": {"State": "Enabled", "Health": "Critical"}}
    )
    tree[f"{CH}/Power"]["PowerSupplies"][number - 1].update(
        {"LineInputVoltage": 0, "Status": {"State": "Enabled", "Health": "Critical"}}
    )


def predict_disk(tree: dict[str, dict[str, Any]], bay: int = 4, life: int = 3) -> None:
    tree[f"{SYS}/Storage/RAID1/Drives/{bay}"].update(
        {
            "FailurePredicted": True,
            "PredictedMediaLifeLeftPercent": life,
            "Status": {"State": "Enabled", "Health": "Warning"},
        }
    )


def degrade_dimm(tree: dict[str, dict[str, Any]], member: str = "proc1dimm1") -> None:
    tree[f"{SYS}/Memory/{member}"]["Status"] = {"State": "Enabled", "Health": "Warning"}


def remove_fan(tree: dict[str, dict[str, Any]], number: int = 3) -> None:
    tree[f"{CH}/ThermalSubsystem/Fans/{number}"]["Status"] = {"State": "Absent"}
    tree[f"{CH}/Thermal"]["Fans"][number - 1]["Status"] = {"State": "Absent"}


def fail_battery(tree: dict[str, dict[str, Any]]) -> None:
    tree[f"{CH}/PowerSubsystem/Batteries/1"]["Status"] = {"State": "Enabled", "Health": "Critical"}


def faulty() -> dict[str, dict[str, Any]]:
    """The server with all five faults at once."""
    tree = server()
    fail_psu(tree)
    predict_disk(tree)
    degrade_dimm(tree)
    remove_fan(tree)
    fail_battery(tree)
    return tree
