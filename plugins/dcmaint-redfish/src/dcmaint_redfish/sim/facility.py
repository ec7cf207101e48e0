"""The facility flavours of ``dcmaint sim redfish``: a coolant distribution unit ("cdu") and a rack PDU ("pdu").

Written from the DMTF schemas (ServiceRoot ``ThermalEquipment`` and
``PowerEquipment``; CoolingUnit, Pump, Filter, Reservoir, LeakDetection,
LeakDetector, CoolantConnector, EnvironmentMetrics; PowerDistribution,
Circuit, Outlet), property names as the schemas spell them, values of the
size such equipment shows. Both are healthy as served; their fault targets:

| target | value | what the tree then shows |
|---|---|---|
| ``filter:N`` | wear percent (default 95) | ``ServiceHours`` at that share of ``RatedServiceHours``, nothing more |
| ``pump:N`` | critical (default), warning | the pump's ``Status.Health``, speed 0 when critical, a condition |
| ``leak:N`` | critical (default), warning | the detector's ``DetectorState`` and ``Status.Health``, a condition |
| ``outlet:N`` | critical (default), warning | the outlet's ``Status.Health``, power off when critical, a condition |
| ``breaker:N`` | tripped (default) | ``BreakerState`` Tripped, power off, readings 0, Critical, a condition |

Parts are counted in path order, as ``locate`` counts every part: breakers
are the branch circuits first (``Branches/CB1``...), then the mains.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]

V1 = "/redfish/v1"
CDU = f"{V1}/ThermalEquipment/CDUs/1"
PDU = f"{V1}/PowerEquipment/RackPDUs/1"
MANAGER = f"{V1}/Managers/1"

#: Fault target -> (default value, accepted values); ``filter`` takes a wear percent instead (WEAR_RANGE).
PART_STATES = {
    "filter": ("95", set()),
    "pump": ("critical", {"critical", "failed", "warning", "degraded"}),
    "leak": ("critical", {"critical", "warning"}),
    "outlet": ("critical", {"critical", "failed", "warning", "degraded"}),
    "breaker": ("tripped", {"tripped"}),
}
WEAR_RANGE = (0, 500)
#: Resource types (``@odata.type`` without the version) of each fault target, for ``locate``.
RESOURCE_TYPES = {
    "filter": r"#Filter\.",
    "pump": r"#Pump\.",
    "leak": r"#LeakDetector\.",
    "outlet": r"#Outlet\.",
    "breaker": r"#Circuit\.",
}
_HEALTH = {"critical": "Critical", "warning": "Warning", "tripped": "Critical"}
_REASONS = {
    ("pump", "critical"): "pump failed",
    ("pump", "warning"): "pump degraded",
    ("leak", "critical"): "leak detected",
    ("leak", "warning"): "moisture detected",
    ("outlet", "critical"): "outlet failed",
    ("outlet", "warning"): "outlet degraded",
    ("breaker", "tripped"): "breaker tripped",
}


def _link(path: str) -> Doc:
    return {"@odata.id": path}


def _ok(**extra: str) -> Doc:
    return {"State": "Enabled", "Health": "OK", **extra}


def _collection(path: str, odata_type: str, members: list[str]) -> Doc:
    return {
        "@odata.id": path,
        "@odata.type": f"#{odata_type}.{odata_type}",
        "Name": path.rsplit("/", 1)[1],
        "Members": [_link(member) for member in members],
        "Members@odata.count": len(members),
    }


def _resource(path: str, odata_type: str, **fields: Any) -> Doc:
    return {"@odata.id": path, "@odata.type": f"#{odata_type}", "Id": path.rsplit("/", 1)[1], **fields}


def _label(text: str) -> Doc:
    return {"PartLocation": {"ServiceLabel": text}}


def _root(product: str, **links: Doc) -> Doc:
    return {
        "@odata.id": f"{V1}/",
        "@odata.type": "#ServiceRoot.v1_16_0.ServiceRoot",
        "Id": "RootService",
        "Name": "Root Service",
        "RedfishVersion": "1.16.0",
        "UUID": "5e1f0000-0000-4000-8000-0000000000c1" if "CDU" in product else "5e1f0000-0000-4000-8000-0000000000d1",
        "Vendor": "Simulated",
        "Product": product,
        "ProtocolFeaturesSupported": {"ExpandQuery": {"ExpandAll": True, "Levels": True, "NoLinks": True}},
        "Managers": _link(f"{V1}/Managers"),
        "SessionService": _link(f"{V1}/SessionService"),
        **links,
    }


def _manager(model: str, version: str) -> dict[str, Doc]:
    return {
        f"{V1}/Managers": _collection(f"{V1}/Managers", "ManagerCollection", [MANAGER]),
        MANAGER: _resource(
            MANAGER,
            "Manager.v1_19_0.Manager",
            Name="Manager",
            ManagerType="EnclosureManager",
            Model=model,
            FirmwareVersion=version,
            Status=_ok(),
        ),
    }


# -- the CDU -------------------------------------------------------------------


def _pumps() -> dict[str, Doc]:
    paths = [f"{CDU}/Pumps/{n}" for n in (1, 2)]
    docs = {f"{CDU}/Pumps": _collection(f"{CDU}/Pumps", "PumpCollection", paths)}
    for n, path in enumerate(paths, 1):
        docs[path] = _resource(
            path,
            "Pump.v1_1_0.Pump",
            Name=f"Pump {n}",
            PumpType="Liquid",
            Manufacturer="Simulated Pumps",
            Model="SIM-CP-40",
            PartNumber="SIM-PUMP-40",
            SparePartNumber="SIM-SP-PUMP40",
            SerialNumber=f"SIMPUMP{n:05d}",
            ServiceHours=3571 + n,
            PumpSpeedPercent={"Reading": 38.5, "SpeedRPM": 2250},
            Location=_label(f"Pump {n}"),
            Status=_ok(),
        )
    return docs


def _filters() -> dict[str, Doc]:
    paths = [f"{CDU}/Filters/{n}" for n in (1, 2)]
    docs = {f"{CDU}/Filters": _collection(f"{CDU}/Filters", "FilterCollection", paths)}
    for n, path in enumerate(paths, 1):
        docs[path] = _resource(
            path,
            "Filter.v1_0_0.Filter",
            Name=f"Filter {n}",
            Manufacturer="Simulated Filtration",
            Model="SIM-FLT-50UM",
            PartNumber="SIM-FILTER-50",
            SparePartNumber="SIM-SP-FLT50",
            ServiceHours=5791 if n == 1 else 1200,
            RatedServiceHours=10000,
            ServicedDate="2026-01-12T08:00:00Z",
            Replaceable=True,
            HotPluggable=False,
            Location=_label(f"Filter {n}"),
            Status=_ok(),
        )
    return docs


def _leaks() -> dict[str, Doc]:
    base = f"{CDU}/LeakDetection"
    kinds = (("Moisture", "Moisture", "Moisture Leak Detector"), ("Overflow", "FloatSwitch", "Fluid Level Overflow"))
    paths = [f"{base}/LeakDetectors/{name}" for name, _kind, _label_text in kinds]
    docs = {
        base: _resource(
            base,
            "LeakDetection.v1_1_0.LeakDetection",
            Name="Leak Detection",
            LeakDetectors=_link(f"{base}/LeakDetectors"),
            LeakDetectorGroups=[
                {
                    "GroupName": "CDU",
                    "HumidityPercent": {"Reading": 26},
                    "Detectors": [{"DataSourceUri": path, "DetectorState": "OK"} for path in paths],
                    "Status": _ok(),
                }
            ],
            Status=_ok(),
        ),
        f"{base}/LeakDetectors": _collection(f"{base}/LeakDetectors", "LeakDetectorCollection", paths),
    }
    for path, (_name, kind, name) in zip(paths, kinds, strict=True):
        docs[path] = _resource(
            path,
            "LeakDetector.v1_3_0.LeakDetector",
            Name=name,
            LeakDetectorType=kind,
            DetectorState="OK",
            PhysicalContext="LiquidInlet" if kind == "Moisture" else "Reservoir",
            Status=_ok(),
        )
    return docs


def _connectors() -> dict[str, Doc]:
    docs: dict[str, Doc] = {}
    for side, supply, back, flow in (("Primary", 18.0, 27.5, 310.0), ("Secondary", 30.0, 40.0, 295.0)):
        collection = f"{CDU}/{side}CoolantConnectors"
        path = f"{collection}/1"
        docs[collection] = _collection(collection, "CoolantConnectorCollection", [path])
        docs[path] = _resource(
            path,
            "CoolantConnector.v1_1_0.CoolantConnector",
            Name=f"{side} Coolant Loop",
            CoolantConnectorType="Pair",
            RatedFlowLitersPerMinute=400,
            FlowLitersPerMinute={"Reading": flow},
            SupplyTemperatureCelsius={"Reading": supply},
            ReturnTemperatureCelsius={"Reading": back},
            DeltaTemperatureCelsius={"Reading": back - supply},
            SupplyPressurekPa={"Reading": 310.0},
            ReturnPressurekPa={"Reading": 172.0},
            DeltaPressurekPa={"Reading": 138.0},
            Status=_ok(),
        )
    return docs


def cdu_tree() -> dict[str, Doc]:
    """Path -> document for one CDU with two pumps, two filters, a reservoir, two leak detectors, two loops."""
    reservoir = f"{CDU}/Reservoirs/1"
    docs = {
        "/redfish": {"v1": f"{V1}/"},
        V1: _root("dcmaint simulated CDU", ThermalEquipment=_link(f"{V1}/ThermalEquipment")),
        f"{V1}/ThermalEquipment": _resource(
            f"{V1}/ThermalEquipment",
            "ThermalEquipment.v1_1_0.ThermalEquipment",
            Name="Cooling Equipment",
            CDUs=_link(f"{V1}/ThermalEquipment/CDUs"),
            Status=_ok(HealthRollup="OK"),
        ),
        f"{V1}/ThermalEquipment/CDUs": _collection(f"{V1}/ThermalEquipment/CDUs", "CoolingUnitCollection", [CDU]),
        CDU: _resource(
            CDU,
            "CoolingUnit.v1_2_0.CoolingUnit",
            Name="Coolant Distribution Unit 1",
            EquipmentType="CDU",
            Manufacturer="Simulated Cooling",
            Model="SIM-CDU-800",
            PartNumber="SIM-CDU-P800",
            SerialNumber="SIMCDU000001",
            FirmwareVersion="2.1.4",
            Version="A01",
            CoolingCapacityWatts=800000,
            Coolant={"CoolantType": "Water", "AdditiveName": "Generic biocide", "AdditivePercent": 0},
            Location=_label("CDU 1"),
            Status=_ok(HealthRollup="OK"),
            Pumps=_link(f"{CDU}/Pumps"),
            Filters=_link(f"{CDU}/Filters"),
            Reservoirs=_link(f"{CDU}/Reservoirs"),
            LeakDetection=_link(f"{CDU}/LeakDetection"),
            PrimaryCoolantConnectors=_link(f"{CDU}/PrimaryCoolantConnectors"),
            SecondaryCoolantConnectors=_link(f"{CDU}/SecondaryCoolantConnectors"),
            EnvironmentMetrics=_link(f"{CDU}/EnvironmentMetrics"),
        ),
        f"{CDU}/Reservoirs": _collection(f"{CDU}/Reservoirs", "ReservoirCollection", [reservoir]),
        reservoir: _resource(
            reservoir,
            "Reservoir.v1_0_0.Reservoir",
            Name="Reservoir 1",
            ReservoirType="Inline",
            CapacityLiters=40,
            FluidLevelStatus="OK",
            FluidLevelPercent={"Reading": 82},
            InternalPressurekPa={"Reading": 120},
            Status=_ok(),
        ),
        f"{CDU}/EnvironmentMetrics": _resource(
            f"{CDU}/EnvironmentMetrics",
            "EnvironmentMetrics.v1_3_0.EnvironmentMetrics",
            Name="CDU Environment Metrics",
            TemperatureCelsius={"Reading": 24.5},
            HumidityPercent={"Reading": 41},
            PowerWatts={"Reading": 3120},
        ),
        **_manager("SIM-CDU controller", "2.1.4"),
    }
    for part in (_pumps(), _filters(), _leaks(), _connectors()):
        docs.update(part)
    return docs


# -- the rack PDU --------------------------------------------------------------


def _circuit(path: str, kind: str, rated: int, amps: float, **extra: Any) -> Doc:
    return _resource(
        path,
        "Circuit.v1_7_0.Circuit",
        Name=f"{kind} Circuit {path.rsplit('/', 1)[1]}",
        CircuitType=kind,
        PhaseWiringType="OnePhase3Wire",
        NominalVoltage="AC230V",
        RatedCurrentAmps=rated,
        BreakerState="Normal",
        PowerState="On",
        Voltage={"Reading": 229.6},
        CurrentAmps={"Reading": amps},
        PowerWatts={"Reading": round(229.6 * amps * 0.95, 1)},
        Status=_ok(),
        **extra,
    )


def pdu_tree() -> dict[str, Doc]:
    """Path -> document for one 12-outlet rack PDU: one mains inlet, two branch breakers; outlet B6 switched off."""
    mains, branches = [f"{PDU}/Mains/AC1"], [f"{PDU}/Branches/CB{n}" for n in (1, 2)]
    outlets = [f"{PDU}/Outlets/{bank}{n}" for bank in "AB" for n in range(1, 7)]
    docs = {
        "/redfish": {"v1": f"{V1}/"},
        V1: _root("dcmaint simulated rack PDU", PowerEquipment=_link(f"{V1}/PowerEquipment")),
        f"{V1}/PowerEquipment": _resource(
            f"{V1}/PowerEquipment",
            "PowerEquipment.v1_2_0.PowerEquipment",
            Name="Power Equipment",
            RackPDUs=_link(f"{V1}/PowerEquipment/RackPDUs"),
            Status=_ok(HealthRollup="OK"),
        ),
        f"{V1}/PowerEquipment/RackPDUs": _collection(
            f"{V1}/PowerEquipment/RackPDUs", "PowerDistributionCollection", [PDU]
        ),
        PDU: _resource(
            PDU,
            "PowerDistribution.v1_3_0.PowerDistribution",
            Name="Rack PDU 1",
            EquipmentType="RackPDU",
            Manufacturer="Simulated Power",
            Model="SIM-RPDU-12",
            PartNumber="SIM-RPDU-P12",
            SerialNumber="SIMPDU000001",
            FirmwareVersion="4.3.0",
            Version="B",
            Location=_label("Rack A03 PDU A"),
            Status=_ok(HealthRollup="OK"),
            Mains=_link(f"{PDU}/Mains"),
            Branches=_link(f"{PDU}/Branches"),
            Outlets=_link(f"{PDU}/Outlets"),
        ),
        f"{PDU}/Mains": _collection(f"{PDU}/Mains", "CircuitCollection", mains),
        mains[0]: _circuit(mains[0], "Mains", 32, 9.8, FrequencyHz={"Reading": 50.0}),
        f"{PDU}/Branches": _collection(f"{PDU}/Branches", "CircuitCollection", branches),
        f"{PDU}/Outlets": _collection(f"{PDU}/Outlets", "OutletCollection", outlets),
        **_manager("SIM-RPDU controller", "4.3.0"),
    }
    for n, path in enumerate(branches, 1):
        docs[path] = _circuit(path, "Branch", 16, 4.9 if n == 1 else 4.1)
    for path in outlets:
        name = path.rsplit("/", 1)[1]
        off = name == "B6"  # switched off by the customer: not a fault
        docs[path] = _resource(
            path,
            "Outlet.v1_4_0.Outlet",
            Name=f"Outlet {name}",
            OutletType="C19" if name.endswith("1") else "C13",
            PhaseWiringType="OnePhase3Wire",
            NominalVoltage="AC230V",
            RatedCurrentAmps=16 if name.endswith("1") else 10,
            PowerState="Off" if off else "On",
            CurrentAmps={"Reading": 0.0 if off else 0.8},
            PowerWatts={"Reading": 0.0 if off else 175.0},
            Status={"State": "Disabled", "Health": "OK"} if off else _ok(),
            Links={"BranchCircuit": _link(branches[0] if name.startswith("A") else branches[1])},
        )
    return docs


# -- faults --------------------------------------------------------------------


def check_value(target: str, value: str | None) -> str | None:
    """Why ``value`` does not fit ``target`` (None when it does): a wear percent for ``filter``, a state else."""
    if target == "filter":
        low, high = WEAR_RANGE
        if value is not None and not (value.isdigit() and low <= int(value) <= high):
            return f"filter takes a wear percent ({low}-{high}) after '='"
        return None
    accepted = PART_STATES[target][1]
    if value is not None and value not in accepted:
        return f"{target} can be {', '.join(sorted(accepted))}"
    return None


def break_part(part: Doc, kind: str, state: str, path: str) -> tuple[str, Doc] | None:
    """Change one facility part in place; (health its parents roll up, the condition) or None for filter wear,
    which a CDU does not flag itself (it only counts the hours)."""
    if kind == "filter":
        rated = part.get("RatedServiceHours")
        if isinstance(rated, int | float) and not isinstance(rated, bool):
            part["ServiceHours"] = round(rated * int(state) / 100)
        return None
    health = _HEALTH[state]
    name = part.get("Name") or f"{kind.capitalize()} {part.get('Id', '')}".strip()
    condition = {
        "MessageId": f"Simulator.1.0.{kind.capitalize()}{state.capitalize()}",
        "Message": f"{name}: {_REASONS[kind, state]}.",
        "Severity": health,
        "OriginOfCondition": {"@odata.id": part.get("@odata.id") or path},
    }
    status = part.setdefault("Status", {})
    status["Health"] = health
    status["Conditions"] = [*status.get("Conditions", []), condition]
    if kind == "pump" and health == "Critical" and isinstance(part.get("PumpSpeedPercent"), dict):
        part["PumpSpeedPercent"] = {**part["PumpSpeedPercent"], "Reading": 0, "SpeedRPM": 0}
    elif kind == "leak":
        part["DetectorState"] = health
    elif kind == "outlet" and health == "Critical":
        part["PowerState"] = "Off"
    elif kind == "breaker":
        part.update(BreakerState="Tripped", PowerState="Off")
        for key in ("CurrentAmps", "PowerWatts", "Voltage"):
            if isinstance(part.get(key), dict):
                part[key] = {**part[key], "Reading": 0}
    return health, condition
