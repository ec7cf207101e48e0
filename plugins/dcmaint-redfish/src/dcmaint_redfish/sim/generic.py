"""The built-in "generic" flavour: a plain DMTF Redfish tree of a 2-socket 1U server.

It exists so that the simulator works without recorded vendor trees and so
that the driver's plain-DMTF path has a complete, fault-injectable target:
16 DIMM slots (12 fitted), 4 drive bays (3 fitted) behind a RAID controller
with a cache battery, 2 PSUs and 6 fans, served both through the legacy
Power/Thermal resources and the newer PowerSubsystem/ThermalSubsystem ones,
as current firmware does. Serials here are templates; each simulated BMC
gets its own (see ``identity``).
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

V1 = "/redfish/v1"
SYSTEM = f"{V1}/Systems/1"
CHASSIS = f"{V1}/Chassis/1"
MANAGER = f"{V1}/Managers/1"
STORAGE = f"{SYSTEM}/Storage/RAID1"
OK = {"State": "Enabled", "Health": "OK"}


def _link(path: str) -> Doc:
    return {"@odata.id": path}


def _status(**extra: str) -> Doc:
    return {**OK, **extra}


def _collection(path: str, odata_type: str, name: str, members: list[str]) -> Doc:
    return {
        "@odata.id": path,
        "@odata.type": f"#{odata_type}.{odata_type}",
        "Name": name,
        "Members": [_link(member) for member in members],
        "Members@odata.count": len(members),
    }


def _resource(path: str, odata_type: str, **fields: Any) -> Doc:
    return {"@odata.id": path, "@odata.type": f"#{odata_type}", "Id": path.rsplit("/", 1)[1], **fields}


def _root() -> Doc:
    return {
        "@odata.id": f"{V1}/",
        "@odata.type": "#ServiceRoot.v1_15_0.ServiceRoot",
        "Id": "RootService",
        "Name": "Root Service",
        "RedfishVersion": "1.15.0",
        "UUID": "5e1f0000-0000-4000-8000-000000000001",
        "Vendor": "Simulated",
        "Product": "dcmaint simulated BMC",
        "ProtocolFeaturesSupported": {
            "ExpandQuery": {"ExpandAll": True, "Levels": True, "Links": True, "NoLinks": True, "MaxLevels": 3}
        },
        "Systems": _link(f"{V1}/Systems"),
        "Chassis": _link(f"{V1}/Chassis"),
        "Managers": _link(f"{V1}/Managers"),
        "SessionService": _link(f"{V1}/SessionService"),
        "UpdateService": _link(f"{V1}/UpdateService"),
        "Links": {"Sessions": _link(f"{V1}/SessionService/Sessions")},
    }


def _system() -> Doc:
    return _resource(
        SYSTEM,
        "ComputerSystem.v1_20_0.ComputerSystem",
        Name="System",
        SystemType="Physical",
        Manufacturer="Simulated Systems",
        Model="SIM-2S 1U",
        SKU="SIM2S-1U-001",
        PartNumber="SIM-P2S-0001",
        SerialNumber="SIMSYS000001",
        UUID="5e1f0000-0000-4000-8000-000000000002",
        HostName="generic",
        BiosVersion="2.19.1",
        PowerState="On",
        Status=_status(HealthRollup="OK"),
        ProcessorSummary={"Count": 2, "Model": "Simulated Xeon 6338", "Status": _status(HealthRollup="OK")},
        MemorySummary={"TotalSystemMemoryGiB": 384, "Status": _status(HealthRollup="OK")},
        Processors=_link(f"{SYSTEM}/Processors"),
        Memory=_link(f"{SYSTEM}/Memory"),
        Storage=_link(f"{SYSTEM}/Storage"),
        LogServices=_link(f"{SYSTEM}/LogServices"),
        Links={"Chassis": [_link(CHASSIS)], "ManagedBy": [_link(MANAGER)]},
    )


def _processors() -> dict[str, Doc]:
    paths = [f"{SYSTEM}/Processors/CPU{n}" for n in (1, 2)]
    docs = {f"{SYSTEM}/Processors": _collection(f"{SYSTEM}/Processors", "ProcessorCollection", "Processors", paths)}
    for n, path in enumerate(paths, 1):
        docs[path] = _resource(
            path,
            "Processor.v1_18_0.Processor",
            Name=f"CPU {n}",
            Socket=f"CPU {n}",
            ProcessorType="CPU",
            Manufacturer="Intel(R) Corporation",
            Model="Simulated Xeon 6338",
            TotalCores=32,
            TotalThreads=64,
            MaxSpeedMHz=3200,
            PartNumber="SIM-CPU-6338",
            SerialNumber=f"SIMCPU00000{n}",
            Status=_status(),
        )
    return docs


def _memory() -> dict[str, Doc]:
    slots = [(cpu, dimm) for cpu in (1, 2) for dimm in range(1, 9)]
    paths = [f"{SYSTEM}/Memory/proc{cpu}dimm{dimm}" for cpu, dimm in slots]
    docs = {f"{SYSTEM}/Memory": _collection(f"{SYSTEM}/Memory", "MemoryCollection", "Memory", paths)}
    for n, ((cpu, dimm), path) in enumerate(zip(slots, paths, strict=True), 1):
        fitted = dimm <= 6
        doc = _resource(
            path,
            "Memory.v1_17_0.Memory",
            Name=f"PROC {cpu} DIMM {dimm}",
            DeviceLocator=f"PROC {cpu} DIMM {dimm}",
            Status=_status() if fitted else {"State": "Absent"},
        )
        if fitted:
            doc.update(
                MemoryDeviceType="DDR4",
                CapacityMiB=32768,
                OperatingSpeedMhz=3200,
                Manufacturer="Hynix",
                PartNumber="HMA84GR7DJR4N-XN",
                SparePartNumber="SIM-SP-DIMM32",
                SerialNumber=f"SIMDIMM{n:05d}",
                ErrorCorrection="MultiBitECC",
            )
        docs[path] = doc
    return docs


def _storage() -> dict[str, Doc]:
    bays = [f"{STORAGE}/Drives/Bay{n}" for n in range(1, 5)]
    docs = {
        f"{SYSTEM}/Storage": _collection(f"{SYSTEM}/Storage", "StorageCollection", "Storage", [STORAGE]),
        STORAGE: _resource(
            STORAGE,
            "Storage.v1_15_0.Storage",
            Name="RAID Controller",
            Status=_status(HealthRollup="OK"),
            StorageControllers=[
                {
                    "@odata.id": f"{STORAGE}#/StorageControllers/0",
                    "MemberId": "0",
                    "Name": "SIM RAID 9440-8i",
                    "Manufacturer": "Broadcom",
                    "Model": "SIM RAID 9440-8i",
                    "FirmwareVersion": "51.18.0-4296",
                    "PartNumber": "SIM-RAID-9440",
                    "SerialNumber": "SIMRAID00001",
                    "SpeedGbps": 12,
                    "SupportedDeviceProtocols": ["SAS", "SATA"],
                    "Status": _status(),
                }
            ],
            Drives=[_link(bay) for bay in bays[:3]],
            Volumes=_link(f"{STORAGE}/Volumes"),
            Links={"Enclosures": [_link(CHASSIS)]},
        ),
        f"{STORAGE}/Volumes": _collection(
            f"{STORAGE}/Volumes", "VolumeCollection", "Volumes", [f"{STORAGE}/Volumes/1"]
        ),
        f"{STORAGE}/Volumes/1": _resource(
            f"{STORAGE}/Volumes/1",
            "Volume.v1_9_0.Volume",
            Name="Virtual Disk 1",
            RAIDType="RAID1",
            CapacityBytes=1_200_000_000_000,
            Status=_status(),
            Links={"Drives": [_link(bays[0]), _link(bays[1])]},
        ),
    }
    for n, path in enumerate(bays, 1):
        doc = _resource(
            path,
            "Drive.v1_17_0.Drive",
            Name=f"Disk Bay {n}",
            PhysicalLocation={
                "PartLocation": {"LocationType": "Bay", "LocationOrdinalValue": n, "ServiceLabel": f"Bay {n}"}
            },
            Status=_status() if n < 4 else {"State": "Absent"},
        )
        if n < 4:
            ssd = n == 3
            doc.update(
                Manufacturer="Samsung" if ssd else "Seagate",
                Model="MZILT960HBHQ" if ssd else "ST1200MM0129",
                PartNumber="SIM-SSD-960" if ssd else "SIM-HDD-1T2",
                SparePartNumber="SIM-SP-SSD960" if ssd else "SIM-SP-HDD1T2",
                SerialNumber=f"SIMDRV{n:06d}",
                CapacityBytes=960_197_124_096 if ssd else 1_200_243_695_616,
                MediaType="SSD" if ssd else "HDD",
                Protocol="SAS",
                RotationSpeedRPM=0 if ssd else 10000,
                Revision="C004",
                FailurePredicted=False,
                **({"PredictedMediaLifeLeftPercent": 97} if ssd else {}),
            )
        docs[path] = doc
    return docs


def _logs() -> dict[str, Doc]:
    logs, sel = f"{SYSTEM}/LogServices", f"{SYSTEM}/LogServices/SEL"
    entry = _resource(
        f"{sel}/Entries/1",
        "LogEntry.v1_15_0.LogEntry",
        Name="Log Entry 1",
        EntryType="SEL",
        Severity="OK",
        Created="2024-05-01T03:12:00Z",
        Message="System powered on",
        MessageId="SEL0001",
    )
    return {
        logs: _collection(logs, "LogServiceCollection", "Log Services", [sel]),
        sel: _resource(
            sel,
            "LogService.v1_5_0.LogService",
            Name="System Event Log",
            Entries=_link(f"{sel}/Entries"),
            Status=_status(),
        ),
        f"{sel}/Entries": _collection(f"{sel}/Entries", "LogEntryCollection", "Log Entries", [entry["@odata.id"]]),
        entry["@odata.id"]: entry,
    }


def tree() -> dict[str, Doc]:
    """Path -> document for one generic server (a fresh copy each call)."""
    from dcmaint_redfish.sim.generic_chassis import chassis_tree

    docs = {
        "/redfish": {"v1": f"{V1}/"},
        V1: _root(),
        f"{V1}/Systems": _collection(f"{V1}/Systems", "ComputerSystemCollection", "Computer Systems", [SYSTEM]),
        SYSTEM: _system(),
        f"{V1}/Managers": _collection(f"{V1}/Managers", "ManagerCollection", "Managers", [MANAGER]),
        MANAGER: _resource(
            MANAGER,
            "Manager.v1_17_0.Manager",
            Name="Manager",
            ManagerType="BMC",
            Model="SIM BMC",
            FirmwareVersion="1.42",
            Status=_status(),
            Links={"ManagerForServers": [_link(SYSTEM)], "ManagerForChassis": [_link(CHASSIS)]},
        ),
        f"{V1}/SessionService": _resource(
            f"{V1}/SessionService",
            "SessionService.v1_1_8.SessionService",
            Name="Session Service",
            ServiceEnabled=True,
            SessionTimeout=1800,
            Sessions=_link(f"{V1}/SessionService/Sessions"),
        ),
    }
    for part in (_processors(), _memory(), _storage(), _logs(), chassis_tree()):
        docs.update(part)
    return docs
