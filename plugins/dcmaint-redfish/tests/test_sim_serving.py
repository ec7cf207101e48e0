"""The simulator over HTTP: faults in the served tree, sessions and their limit, auth, latency, $expand, service faults.

One fleet serves most tests (module fixture); tests that need their own options start their own.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from rf_guard import SleepLog

from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint_redfish.sim import bmc as bmc_module
from dcmaint_redfish.sim import running
from dcmaint_redfish.sim.server import SimulatorHandle

BASIC = {"Authorization": "Basic " + base64.b64encode(b"admin:secret").decode()}
SYSTEM, CHASSIS = "/redfish/v1/Systems/1", "/redfish/v1/Chassis/1"
FAULTS = (
    "bmc2:psu:2=critical; bmc2:disk:3=predicted; bmc2:dimm:3=degraded; bmc2:fan:5=absent; "
    "bmc2:battery:1=failed; bmc3:http=401; bmc4:http=503; bmc5:hang; bmc6:malformed; bmc7:sessions=1"
)


def call(
    url: str, method: str = "GET", headers: dict[str, str] | None = None, body: Any = None, timeout: float = 5.0
) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={**({"Content-Type": "application/json"} if data else {}), **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get(sim: SimulatorHandle, bmc: int, path: str, **kwargs: Any) -> Any:
    status, _headers, body = call(sim.endpoints[bmc - 1].url + path, headers=BASIC, **kwargs)
    assert status == 200, (status, body[:200])
    return json.loads(body)


def login(sim: SimulatorHandle, bmc: int, password: str = "secret") -> tuple[int, dict[str, str]]:
    status, headers, _body = call(
        sim.endpoints[bmc - 1].url + "/redfish/v1/SessionService/Sessions",
        "POST",
        body={"UserName": "admin", "Password": password},
    )
    return status, headers


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with running(SimulatorOptions(count=7, faults=FAULTS, flavours=("generic",))) as handle:
        yield handle


def test_endpoints_list_the_faults_each_bmc_shows(sim: SimulatorHandle) -> None:
    assert [endpoint.name for endpoint in sim.endpoints] == [f"bmc{n}" for n in range(1, 8)]
    assert sim.endpoints[1].faults == (
        "psu:2=critical",
        "disk:3=predicted",
        "dimm:3=degraded",
        "fan:5=absent",
        "battery:1=failed",
    )
    assert sim.endpoints[0].faults == () and sim.endpoints[0].url.startswith("http://127.0.0.1:")
    assert len({endpoint.url for endpoint in sim.endpoints}) == 7


def test_a_healthy_bmc_rolls_up_ok(sim: SimulatorHandle) -> None:
    assert get(sim, 1, SYSTEM)["Status"] == {"State": "Enabled", "Health": "OK", "HealthRollup": "OK"}


def test_failed_psu_in_both_power_views(sim: SimulatorHandle) -> None:
    legacy = get(sim, 2, f"{CHASSIS}/Power")["PowerSupplies"]
    assert [psu["Status"]["Health"] for psu in legacy] == ["OK", "Critical"]
    assert legacy[1]["LineInputVoltage"] == 0 and "input power lost" in legacy[1]["Status"]["Conditions"][0]["Message"]
    assert get(sim, 2, f"{CHASSIS}/Power")["Redundancy"][0]["Status"]["Health"] == "Warning"
    new = get(sim, 2, f"{CHASSIS}/PowerSubsystem/PowerSupplies/2")
    assert new["Status"]["Health"] == "Critical" and new["LineInputStatus"] == "LossOfInput"
    assert get(sim, 2, f"{CHASSIS}/PowerSubsystem")["Status"]["HealthRollup"] == "Critical"


def test_predicted_disk_degraded_dimm_absent_fan_failed_battery(sim: SimulatorHandle) -> None:
    disk = get(sim, 2, f"{SYSTEM}/Storage/RAID1/Drives/Bay3")
    assert disk["FailurePredicted"] is True and disk["PredictedMediaLifeLeftPercent"] == 3
    assert disk["Status"]["Health"] == "Warning"
    assert get(sim, 2, f"{SYSTEM}/Storage/RAID1")["Status"]["HealthRollup"] == "Warning"
    assert get(sim, 2, f"{SYSTEM}/Memory/proc1dimm3")["Status"]["Health"] == "Warning"
    assert get(sim, 2, f"{SYSTEM}/Memory/proc1dimm2")["Status"]["Health"] == "OK"
    fan = get(sim, 2, f"{CHASSIS}/ThermalSubsystem/Fans/5")
    assert fan["Status"] == {"State": "Absent"}
    assert get(sim, 2, f"{CHASSIS}/Thermal")["Fans"][4]["Status"] == {"State": "Absent"}
    battery = get(sim, 2, f"{CHASSIS}/PowerSubsystem/Batteries/1")
    assert battery["Status"]["Health"] == "Critical"


def test_rollups_and_conditions_reach_system_and_chassis(sim: SimulatorHandle) -> None:
    for path in (SYSTEM, CHASSIS):
        status = get(sim, 2, path)["Status"]
        assert status["Health"] == "OK" and status["HealthRollup"] == "Critical"
        messages = [condition["Message"] for condition in status["Conditions"]]
        assert "Fan 5: not present." in messages and len(messages) == 5
    assert get(sim, 2, SYSTEM)["MemorySummary"]["Status"]["HealthRollup"] == "Warning"


def test_serials_are_unique_per_bmc_and_consistent_within_one(sim: SimulatorHandle) -> None:
    serials = [get(sim, n, SYSTEM)["SerialNumber"] for n in (1, 2, 7)]
    assert len(set(serials)) == 3 and all(len(serial) == len("SIMSYS000001") for serial in serials)
    assert get(sim, 2, CHASSIS)["SerialNumber"] == serials[1]
    dimms = [get(sim, 1, f"{SYSTEM}/Memory/proc1dimm{n}")["SerialNumber"] for n in (1, 2)]
    assert dimms[0] != dimms[1]
    assert get(sim, 1, "/redfish/v1")["UUID"] != get(sim, 2, "/redfish/v1")["UUID"]


def test_not_found_trailing_slash_and_query(sim: SimulatorHandle) -> None:
    assert get(sim, 1, SYSTEM + "/?foo=bar")["Id"] == "1"
    status, _headers, body = call(sim.endpoints[0].url + "/redfish/v1/Nope", headers=BASIC)
    assert status == 404
    assert json.loads(body)["error"]["@Message.ExtendedInfo"][0]["MessageId"].endswith("ResourceMissingAtURI")


def test_auth_is_required_except_for_the_service_root(sim: SimulatorHandle) -> None:
    url = sim.endpoints[0].url
    assert call(url + "/redfish/v1/")[0] == 200 and call(url + "/redfish")[0] == 200
    status, headers, body = call(url + SYSTEM)
    assert status == 401 and "WWW-Authenticate" in headers and "error" in json.loads(body)
    wrong = {"Authorization": "Basic " + base64.b64encode(b"root:secret").decode()}
    assert call(url + SYSTEM, headers=wrong)[0] == 401
    assert call(url + SYSTEM, headers={"X-Auth-Token": "forged"})[0] == 401
    assert login(sim, 1, password="")[0] == 401


def test_sessions_open_count_delete_and_limit(sim: SimulatorHandle) -> None:
    url = sim.endpoints[0].url
    tokens = []
    for _ in range(4):
        status, headers = login(sim, 1)
        assert status == 201 and headers["Location"].startswith("/redfish/v1/SessionService/Sessions/")
        tokens.append((headers["X-Auth-Token"], headers["Location"]))
    assert sim.sessions(1) == 4
    assert json.loads(call(url + "/sim/sessions")[2])["open"] == 4
    status, _headers = login(sim, 1)
    assert status == 503  # a fifth session: the limit, as a busy BMC answers
    token, location = tokens[0]
    assert get(sim, 1, SYSTEM)["Id"] == "1"
    assert call(url + SYSTEM, headers={"X-Auth-Token": token})[0] == 200
    assert json.loads(call(url + location, headers={"X-Auth-Token": token})[2])["UserName"] == "admin"
    members = json.loads(call(url + "/redfish/v1/SessionService/Sessions", headers=BASIC)[2])["Members"]
    assert len(members) == 4
    for token, location in tokens:
        assert call(url + location, "DELETE", headers={"X-Auth-Token": token})[0] == 204
    assert sim.sessions(1) == 0
    assert call(url + SYSTEM, headers={"X-Auth-Token": token})[0] == 401


def test_a_lower_session_limit_from_the_faults(sim: SimulatorHandle) -> None:
    status, headers = login(sim, 7)
    assert status == 201 and login(sim, 7)[0] == 503
    call(sim.endpoints[6].url + headers["Location"], "DELETE", headers={"X-Auth-Token": headers["X-Auth-Token"]})
    assert sim.sessions("bmc7") == 0


def test_http_faults_answer_after_the_service_root(sim: SimulatorHandle) -> None:
    for bmc, code in ((3, 401), (4, 503)):
        url = sim.endpoints[bmc - 1].url
        assert call(url + "/redfish/v1")[0] == 200
        assert call(url + SYSTEM, headers=BASIC)[0] == code
        assert login(sim, bmc)[0] == code


def test_a_hung_bmc_answers_only_its_root(sim: SimulatorHandle) -> None:
    url = sim.endpoints[4].url
    assert call(url + "/redfish/v1")[0] == 200
    requests = sim.bmc(5).requests
    with pytest.raises(TimeoutError):
        call(url + SYSTEM, headers=BASIC, timeout=0.5)
    assert sim.bmc(5).requests == requests + 1  # the request arrived and was never answered


def test_a_malformed_body(sim: SimulatorHandle) -> None:
    status, headers, body = call(sim.endpoints[5].url + SYSTEM, headers=BASIC)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        json.loads(body)
    assert get(sim, 6, CHASSIS)["Id"] == "1"  # the rest of the tree is fine


@pytest.mark.parametrize("expand", [".", ".($levels=1)", "*", "~"])
def test_expand_inlines_collection_members(sim: SimulatorHandle, expand: str) -> None:
    assert get(sim, 1, "/redfish/v1")["ProtocolFeaturesSupported"]["ExpandQuery"]["ExpandAll"] is True
    memory = get(sim, 2, f"{SYSTEM}/Memory?$expand={expand}")
    if expand == "~":  # only Links: Members stay links
        assert set(memory["Members"][0]) == {"@odata.id"}
        return
    assert len(memory["Members"]) == 16 and memory["Members"][2]["Status"]["Health"] == "Warning"
    plain = get(sim, 2, f"{SYSTEM}/Memory/proc1dimm1")
    assert memory["Members"][0]["SerialNumber"] == plain["SerialNumber"]


def test_a_malformed_expand_is_a_bad_request(sim: SimulatorHandle) -> None:
    assert call(sim.endpoints[0].url + f"{SYSTEM}/Memory?$expand=all", headers=BASIC)[0] == 400


def test_latency_and_slow_are_added_to_every_request(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps = SleepLog(bmc_module, monkeypatch)
    with running(SimulatorOptions(count=2, latency_ms=150, faults="bmc2:slow=200", flavours=("generic",))) as sim:
        for bmc in (1, 2, 1, 2):
            call(sim.endpoints[bmc - 1].url + "/redfish/v1")
        login(sim, 2)
    assert sleeps.delays == [0.15, 0.35, 0.15, 0.35, 0.35]  # before each answer: --latency, plus slow= on bmc2


def test_a_fixed_password() -> None:
    with running(SimulatorOptions(password="s3cret", flavours=("generic",))) as sim:
        assert sim.endpoints[0].password_hint == "s3cret"
        assert login(sim, 1, "secret")[0] == 401 and login(sim, 1, "s3cret")[0] == 201


def test_every_vendor_flavour_serves_its_tree_with_a_failed_psu() -> None:
    with running(SimulatorOptions(count=12, faults="psu:2=critical")) as sim:
        for endpoint, bmc in zip(sim.endpoints, sim.bmcs, strict=True):
            root = json.loads(call(endpoint.url + "/redfish/v1")[2])
            systems = json.loads(call(endpoint.url + root["Systems"]["@odata.id"], headers=BASIC)[2])
            system = json.loads(call(endpoint.url + systems["Members"][0]["@odata.id"], headers=BASIC)[2])
            rollup = system["Status"].get("HealthRollup") or system["Status"]["Health"]
            assert rollup == "Critical", (endpoint.flavour, system["Status"])
            assert endpoint.faults == ("psu:2=critical",) and bmc.view.flavour.name == endpoint.flavour


def test_the_dmtf_redfish_library_walks_a_bmc_and_logs_out(sim: SimulatorHandle) -> None:
    import redfish  # the DMTF library: a test dependency of the plugin, never skipped

    client = redfish.redfish_client(base_url=sim.endpoints[1].url, username="admin", password="secret")
    client.login(auth="session")
    assert sim.sessions(2) == 1
    seen, queue = set(), ["/redfish/v1/Systems"]
    while queue and len(seen) < 40:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        assert answer.status == 200, path
        queue.extend(member["@odata.id"] for member in answer.dict.get("Members", ()))
    assert "/redfish/v1/Systems/1" in seen
    client.logout()
    assert sim.sessions(2) == 0
