"""Replacing a part on a simulated BMC (``POST /sim/replace``), checked by polling with the real driver.

This is what ``dcmaint spare swap --verify`` and ``dcmaint demo`` rely on: after the swap the BMC reports
the slot healthy with the new part's serial, and nothing else changes. Each test starts its own fleet,
because a replacement changes the BMC for good.
"""

from __future__ import annotations

import asyncio
import base64
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from dcmaint.drivers import DeviceReport, Health, Target
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.errors import UsageError
from dcmaint.secrets import Secret
from dcmaint_redfish.driver import RedfishDriver
from dcmaint_redfish.sim import running
from dcmaint_redfish.sim.server import SimulatorHandle

# bmc5 is hpe-ilo5 again with the same fault as bmc1: the two start on one shared TreeView.
FLAVOURS = ("hpe-ilo5", "dmtf-generic", "dell-idrac9", "generic")
FAULTS = (
    "bmc1:psu:2=critical; bmc2:psu:2=critical; bmc3:disk:2=predicted; bmc4:psu:1=critical; "
    "bmc4:fan:5=absent; bmc5:psu:2=critical"
)
BASIC = {"Authorization": "Basic " + base64.b64encode(b"admin:secret").decode()}
CHASSIS, SYSTEM = "/redfish/v1/Chassis/1", "/redfish/v1/Systems/1"


def fleet() -> Any:
    return running(SimulatorOptions(count=5, faults=FAULTS, flavours=FLAVOURS))


def poll(sim: SimulatorHandle, bmc: int, expand: str = "auto") -> DeviceReport:
    target = Target(
        f"bmc{bmc}",
        "server",
        sim.endpoints[bmc - 1].url,
        username="admin",
        credential=Secret("pw"),
        timeout=10.0,
        options={"expand": expand},
    )
    return asyncio.run(RedfishDriver().poll(target))


def call(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={**({"Content-Type": "application/json"} if body is not None else {}), **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def replace(sim: SimulatorHandle, bmc: int, part: Any, serial: Any) -> tuple[int, Any]:
    body = json.dumps({"part": part, "serial": serial}).encode()
    return call(sim.endpoints[bmc - 1].url + "/sim/replace", "POST", body)


def get(sim: SimulatorHandle, bmc: int, path: str) -> Any:
    status, doc = call(sim.endpoints[bmc - 1].url + path, headers=BASIC)
    assert status == 200, (status, doc)
    return doc


def serials(report: DeviceReport) -> dict[tuple[str, str], str | None]:
    return {(c.kind.value, c.location): c.part.serial if c.part else None for c in report.components}


def health(report: DeviceReport) -> dict[tuple[str, str], Health]:
    return {(c.kind.value, c.location): c.health for c in report.components}


@pytest.mark.parametrize(
    ("bmc", "part", "kind"),
    [(1, "psu:2", "psu"), (2, "psu:2", "psu"), (3, "disk:2", "disk")],
    ids=["hpe-ilo5", "dmtf-generic", "dell-idrac9"],
)
def test_a_replaced_part_reads_healthy_with_its_new_serial(bmc: int, part: str, kind: str) -> None:
    with fleet() as sim:
        before = poll(sim, bmc)
        (broken,) = before.faults()
        slot = (broken.kind.value, broken.location)
        assert broken.kind.value == kind and before.status in (Health.CRITICAL, Health.WARNING)
        assert poll(sim, bmc, expand="off").faults() == before.faults()

        status, answer = replace(sim, bmc, part, "NEWSERIAL123")
        assert status == 200
        assert answer == {"part": part, "old_serial": serials(before)[slot], "serial": "NEWSERIAL123"}

        for expand in ("auto", "off"):
            after = poll(sim, bmc, expand)
            assert after.faults() == () and after.status == Health.OK, expand
            assert health(after)[slot] == Health.OK
            assert serials(after) == {**serials(before), slot: "NEWSERIAL123"}, expand
        others = [poll(sim, n) for n in (1, 2, 3, 5) if n != bmc]
        assert all(report.status != Health.OK for report in others)  # other BMCs keep their faults


def test_a_bmc_sharing_the_tree_keeps_its_fault() -> None:
    with fleet() as sim:
        assert sim.bmc(1).view is sim.bmc(5).view
        before = serials(poll(sim, 5))
        assert replace(sim, 1, "psu:2", "NEWSERIAL123")[0] == 200
        report = poll(sim, 5)
        assert [c.location for c in report.faults()] == ["PSU 2"] and serials(report) == before
        assert "NEWSERIAL123" not in serials(report).values()


def test_raw_resources_and_expand_bodies_are_as_if_planned_without_the_fault() -> None:
    without = FAULTS.replace("bmc4:psu:1=critical; ", "")
    with fleet() as sim, running(SimulatorOptions(count=5, faults=without, flavours=FLAVOURS)) as twin:
        for path in (SYSTEM, CHASSIS):
            assert get(sim, 4, path)["Status"]["HealthRollup"] == "Critical"
        old = get(sim, 4, f"{CHASSIS}/PowerSubsystem/PowerSupplies/1")["SerialNumber"]
        assert replace(sim, 4, "psu:1", "PSU-NEW-1") == (
            200,
            {"part": "psu:1", "old_serial": old, "serial": "PSU-NEW-1"},
        )
        for path in (
            SYSTEM,
            CHASSIS,
            f"{CHASSIS}/Power",
            f"{CHASSIS}/PowerSubsystem",
            f"{CHASSIS}/PowerSubsystem/PowerSupplies?$expand=.",
            f"{SYSTEM}?$expand=*($levels=2)",
        ):
            served = json.dumps(get(sim, 4, path)).replace('"PSU-NEW-1"', json.dumps(old))
            assert served == json.dumps(get(twin, 4, path)), path
        legacy = get(sim, 4, f"{CHASSIS}/Power")["PowerSupplies"]
        assert [psu["Status"]["Health"] for psu in legacy] == ["OK", "OK"] and legacy[0]["SerialNumber"] == "PSU-NEW-1"
        assert (
            get(sim, 4, f"{CHASSIS}/PowerSubsystem/PowerSupplies?$expand=.")["Members"][0]["SerialNumber"]
            == "PSU-NEW-1"
        )
        # the absent fan is still a fault: roll-ups drop to Warning, and only its condition is listed
        system = get(sim, 4, SYSTEM)["Status"]
        assert system["HealthRollup"] == "Warning"
        assert [condition["Message"] for condition in system["Conditions"]] == ["Fan 5: not present."]

        old_fan = get(sim, 4, f"{CHASSIS}/Thermal")["Fans"][4]["SerialNumber"]
        status, answer = replace(sim, 4, "fan:5", "FAN-NEW-5")
        assert status == 200 and answer["old_serial"] == old_fan
        fan = get(sim, 4, f"{CHASSIS}/ThermalSubsystem/Fans/5")
        assert fan["Status"]["State"] == "Enabled" and fan["SerialNumber"] == "FAN-NEW-5"
        assert get(sim, 4, f"{CHASSIS}/Thermal?$expand=.")["Fans"][4]["SerialNumber"] == "FAN-NEW-5"
        for path in (SYSTEM, CHASSIS):
            status_doc = get(sim, 4, path)["Status"]
            assert status_doc["HealthRollup"] == "OK" and not status_doc.get("Conditions")


def test_replacing_twice_and_the_python_api() -> None:
    with fleet() as sim, running(SimulatorOptions(count=5, faults=FAULTS, flavours=FLAVOURS)) as twin:
        bmc = sim.bmc("bmc2")
        old = bmc.replace("PSU:2", "FIRST")  # before any request: the identity is built the same way
        assert old == serials(poll(twin, 2))[("psu", "PSU 2")]
        assert bmc.replace("psu:2", "  SECOND ") == "FIRST"
        report = poll(sim, 2)
        assert serials(report) == {**serials(poll(twin, 2)), ("psu", "PSU 2"): "SECOND"}
        assert bmc.faults == () and report.status == Health.OK
        status, info = call(sim.endpoints[1].url + "/sim/info")
        assert status == 200 and info["replaced"] == {"psu:2": "SECOND"} and info["faults"] == []
        assert call(sim.endpoints[0].url + "/sim/info")[1]["replaced"] == {}


def test_a_part_that_showed_no_serial() -> None:
    with fleet() as sim:
        status, answer = replace(sim, 1, "fan:1", "FAN-NEW-1")  # iLO 5 fans report no serial
        assert status == 200 and answer["old_serial"] == ""
        assert serials(poll(sim, 1))[("fan", "Fan 1")] == "FAN-NEW-1"


@pytest.mark.parametrize(
    ("body", "message_id", "named"),
    [
        (b"{nope", "MalformedJSON", "'{nope'"),
        (b"[1, 2]", "MalformedJSON", "[1, 2]"),
        (b'{"serial": "X1"}', "PropertyMissing", "property part"),
        (b'{"part": 2, "serial": "X1"}', "PropertyValueTypeError", "value 2 for the property part"),
        (b'{"part": "psu:2", "serial": null}', "PropertyValueTypeError", "value null for the property serial"),
        (b'{"part": "frob:2", "serial": "X1"}', "PropertyValueError", "unknown kind 'frob'"),
        (b'{"part": "psu:x", "serial": "X1"}', "PropertyValueError", "bad part 'psu:x'"),
        (b'{"part": "psu:0", "serial": "X1"}', "PropertyValueError", "bad part 'psu:0'"),
        (b'{"part": "psu:3", "serial": "X1"}', "PropertyValueError", "bad part 'psu:3': bmc1 (flavour hpe-ilo5) has 2"),
        (b'{"part": "psu:2", "serial": ""}', "PropertyValueError", "bad serial ''"),
        (b'{"part": "psu:2", "serial": "   "}', "PropertyValueError", "bad serial '   '"),
        (json.dumps({"part": "psu:2", "serial": "S" * 101}).encode(), "PropertyValueError", "101 characters"),
    ],
    ids=[
        "not-json",
        "not-object",
        "no-part",
        "part-type",
        "serial-type",
        "kind",
        "number",
        "zero",
        "index",
        "empty",
        "blank",
        "too-long",
    ],
)
def test_bad_requests_name_the_bad_value(body: bytes, message_id: str, named: str) -> None:
    with running(SimulatorOptions(count=1, faults="psu:2", flavours=("hpe-ilo5",))) as sim:
        status, answer = call(sim.endpoints[0].url + "/sim/replace", "POST", body)
        assert status == 400
        (info,) = answer["error"]["@Message.ExtendedInfo"]
        assert info["MessageId"] == f"Base.1.16.{message_id}" and named in info["Message"], info
        assert sim.bmc(1).replaced == {} and poll(sim, 1).status == Health.CRITICAL


def test_the_python_api_refuses_bad_input_in_one_line() -> None:
    with running(SimulatorOptions(count=1, flavours=("dmtf-generic",))) as sim:
        bmc = sim.bmc(1)
        for part, serial, named in (
            ("fan:6", "X1", "has 5 fitted fan"),
            ("psu", "S" * 101, "at most 100"),
            ("disk:1", "A\nB", "control characters"),
        ):
            with pytest.raises(UsageError, match=named) as error:
                bmc.replace(part, serial)
            assert "\n" not in str(error.value)
        assert call(sim.endpoints[0].url + "/sim/replace")[0] == 405
        assert bmc.replace("psu", "X1") != "X1"  # part 1 by default, as in the fault grammar
