"""The SNMP driver replaying recordings: the conformance kit over ``recordings/*.json``, each recording giving
exactly the report it stores, and a recording made from a live agent replaying to the same report.

The recordings are written by ``sn_make_recordings.py`` (beside this file) from the simulated agents; the
expectations (``sn_expected.py``) are written by hand from what each simulated device serves, so a driver
change that makes a recorded device report something else fails here, naming the recording.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sn_expected import EXPECTED, FAMILIES
from sn_make_recordings import (
    COMMUNITY,
    FOLDER,
    OPTIONS,
    V3_USER,
    WRONG_PASSPHRASE,
    Planned,
    kind_of,
    poll_recorded,
    record,
    record_v3,
    replayed,
    stable_report,
)
from sn_peers import EVERY_SMI_TYPE, SnmpAgent, V3User, running_agent

from dcmaint.drivers import AuthFailed, DeviceKind, Health, ProtocolError, Target, Unreachable
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.drivers.tape import Player, Recorder, Recording, listening, replaying
from dcmaint.secrets import Secret
from dcmaint.testing import BaseDriverConformance, ConformanceCase
from dcmaint_snmp import taped, transport
from dcmaint_snmp.driver import SnmpDriver
from dcmaint_snmp.options import settings
from dcmaint_snmp.profiles import SAMPLES
from dcmaint_snmp.sim.server import running
from dcmaint_snmp.snapshot import Snapshot, Type, Value
from dcmaint_snmp.transport import Agent

RECORDINGS = sorted(FOLDER.glob("*.json"))


def _flavour(name: str) -> str:
    return max((flavour for flavour in FAMILIES if name.startswith(flavour + "-")), key=len)


class TestSnmpRecordings(BaseDriverConformance):
    driver_class = SnmpDriver

    def case_ids(self) -> list[str]:
        """The recordings' names, without reading a file: collection costs nothing."""
        return list(EXPECTED)

    def cases(self) -> list[ConformanceCase]:
        return [
            ConformanceCase.replay(FOLDER / f"{name}.json", expect, family=FAMILIES[_flavour(name)])
            for name, expect in EXPECTED.items()
        ]


def test_every_recording_has_an_expectation_and_every_flavour_a_recording() -> None:
    assert sorted(path.stem for path in RECORDINGS) == sorted(EXPECTED)
    assert {sample.profile for sample in SAMPLES} == set(FAMILIES)
    assert {_flavour(name) for name in EXPECTED} == set(FAMILIES)


def test_recordings_stay_small_and_hold_no_live_address() -> None:
    assert sum(path.stat().st_size for path in RECORDINGS) < 2_000_000
    for path in RECORDINGS:
        text = path.read_text(encoding="utf-8")
        assert "127.0.0.1" not in text, path.name
        for secret in (COMMUNITY, V3_USER.auth_key, WRONG_PASSPHRASE):
            assert secret not in text, path.name
        recording = Recording.load(path)
        assert recording.endpoint == f"snmp://{_flavour(path.stem)}.example"
        # A v2c community is a secret with no user name: only SNMPv3 recordings name a login.
        assert recording.username == (V3_USER.name if recording.options.get("version") == "3" else None), path.name
        assert {exchange.protocol for exchange in recording.exchanges} == {"snmp"}


@pytest.mark.parametrize("path", RECORDINGS, ids=[path.stem for path in RECORDINGS])
def test_replay_gives_the_stored_report(path: Path) -> None:
    """Replaying a recording gives exactly the report (or error) it stores; when and how long aside."""
    recording = Recording.load(path)
    report, error = replayed(recording)
    assert error == recording.error
    assert report == recording.report


def test_replay_builds_no_engine_and_logs_in_as_recorded() -> None:
    """Under replay the agent opens no socket and builds no SNMP engine, but takes the login path: an SNMPv3
    recording polls as its recorded user with the stand-in passphrase, and without a user fails as live."""
    recording = Recording.load(FOLDER / "ups-apc-v3-healthy.json")
    assert recording.username == V3_USER.name and recording.options["version"] == "3"

    async def poll(target: Target) -> tuple[Any, bool]:
        report = await SnmpDriver().poll(target)
        return report, asyncio.get_running_loop() in transport._engines

    with replaying(recording):
        report, engine_built = asyncio.run(poll(recording.target()))
    assert not engine_built
    assert report.identity.serial == "AS1935181234" and report.status is Health.OK
    anonymous = Target("ups", DeviceKind.UPS, recording.endpoint, options=dict(recording.options))
    with replaying(recording), pytest.raises(AuthFailed, match=r"ups-apc\.example:161: SNMPv3 needs a user name"):
        asyncio.run(poll(anonymous))
    without_passphrase = replace(anonymous, username=V3_USER.name)
    with replaying(recording), pytest.raises(AuthFailed, match="needs an authentication passphrase"):
        asyncio.run(poll(without_passphrase))


def test_a_refused_login_is_replayed_as_auth_failed_whatever_the_passphrase() -> None:
    """The recorded refusal of a wrong passphrase is replayed as the same ``auth_failed``: the request holds no
    secret, so the stand-in passphrase meets the recorded refusal."""
    recording = Recording.load(FOLDER / "ups-apc-v3-refused.json")
    assert recording.error is not None and recording.error["kind"] == "auth_failed"
    with replaying(recording), pytest.raises(AuthFailed) as refused:
        asyncio.run(SnmpDriver().poll(recording.target()))
    assert str(refused.value) == recording.error["message"]
    assert "refused the credentials" in str(refused.value)


def test_an_unrecorded_request_is_a_protocol_error() -> None:
    """A question the recording never heard (here a profile forced by option: the probe GET changes) fails as a
    protocol error naming the recording, not a hang or a crash."""
    recording = Recording.load(FOLDER / "ups-apc-healthy.json")
    target = Target("ups", DeviceKind.UPS, recording.endpoint, options={**OPTIONS, "profile": "ups-apc"})
    with replaying(recording), pytest.raises(ProtocolError, match="nothing recorded for snmp"):
        asyncio.run(SnmpDriver().poll(target))

    async def ask() -> Snapshot:
        agent = await Agent(settings(recording.endpoint, {}, timeout=5.0), None, None, recording.endpoint).open()
        return await agent.get(["1.3.6.1.2.1.1.9.0"])

    with replaying(recording), pytest.raises(ProtocolError, match=r"ups-apc-healthy.*1\.3\.6\.1\.2\.1\.1\.9\.0"):
        asyncio.run(ask())


def test_a_damaged_recording_is_a_protocol_error() -> None:
    recording = Recording.load(FOLDER / "ups-apc-healthy.json")
    data = recording.as_json()
    data["exchanges"][0]["response"]["values"]["1.3.6.1.2.1.1.3.0"] = ["67", "not a number"]
    with replaying(Recording.from_json(data)), pytest.raises(ProtocolError, match=r"1\.3\.6\.1\.2\.1\.1\.3\.0"):
        asyncio.run(SnmpDriver().poll(recording.target()))


def test_a_recorded_timeout_is_replayed_as_unreachable_without_waiting() -> None:
    recording = Recording.load(FOLDER / "ups-apc-hang.json")
    with replaying(recording) as decks, pytest.raises(Unreachable, match=r"ups-apc\.example:161: no SNMP answer"):
        asyncio.run(SnmpDriver().poll(recording.target()))
    player = decks[0]
    assert isinstance(player, Player)
    assert len(player.asked) == 1  # the probe GET timed out: nothing more was asked


# -- fidelity: what is recorded from a live agent replays to the same values and the same report -------------

EVERY_TYPE = Snapshot(
    {
        **EVERY_SMI_TYPE,
        "1.3.6.1.4.1.99999.1.7.0": Value(Type.OCTETS, b"\xb2\xe2\xca\xd4"),  # GB18030, not UTF-8
        **{f"1.3.6.1.2.1.2.2.1.2.{row}": Value(Type.OCTETS, f"Gi0/0/{row}".encode()) for row in range(1, 60)},
    }
)
V3 = V3User(name="recorder", auth_key="auth-secret-passphrase", privacy_key="priv-secret-passphrase")


@pytest.fixture(scope="module")
def snmpsim() -> Iterator[SnmpAgent]:
    """snmpsim (an independent agent) serving every SMI type to a v2c community and to an SNMPv3 user."""
    with running_agent({"community-secret-1": EVERY_TYPE.to_snmprec()}, v3=V3) as agent:
        yield agent


def _json_round_trip(recording: Recording) -> Recording:
    """The recording as it comes back from its file."""
    return Recording.from_json(json.loads(json.dumps(recording.as_json(), ensure_ascii=False)))


@pytest.mark.parametrize("version", ["2c", "3"])
def test_recorded_values_replay_exactly_and_hold_no_secret(snmpsim: SnmpAgent, version: str) -> None:
    """A GET and a walk recorded from snmpsim come back from the file as the very same values, for every SMI
    type, and neither the community nor the SNMPv3 keys are in the file."""
    options = {"request_timeout": "2", "retries": "1"}
    if version == "3":
        options |= {"version": "3", "auth": "sha", "privacy": "aes128"}
        username, credential, privacy = V3.name, Secret(V3.auth_key), Secret(V3.privacy_key)
    else:
        username, credential, privacy = None, Secret("community-secret-1"), None
    chosen = settings(snmpsim.endpoint, options, timeout=10.0)
    scalars = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.4.1.99999.1.2.0", "1.3.6.1.4.1.99999.1.9.0"]

    async def ask() -> tuple[Snapshot, Snapshot]:
        agent = await Agent(chosen, username, credential, snmpsim.endpoint).open(privacy)  # type: ignore[arg-type]
        return await agent.get(scalars), await agent.walk(["1.3.6.1.4.1.99999", "1.3.6.1.2.1.2.2.1.2"])

    recorder = Recorder()
    with listening(recorder):
        live = asyncio.run(ask())
    recording = _json_round_trip(Recording("snmp", "ups", snmpsim.endpoint, tuple(recorder.exchanges), options=options))
    with replaying(recording):
        again = asyncio.run(ask())
    assert [dict(snapshot) for snapshot in again] == [dict(snapshot) for snapshot in live]
    walked = ("1.3.6.1.4.1.99999.", "1.3.6.1.2.1.2.2.1.2.")
    assert dict(live[1]) == {oid: value for oid, value in EVERY_TYPE.items() if oid.startswith(walked)}
    assert dict(live[0]) == {oid: EVERY_TYPE[oid] for oid in scalars[:3]}
    text = json.dumps(recording.as_json())
    for secret in ("community-secret-1", V3.auth_key, V3.privacy_key):
        assert secret not in text


@pytest.mark.parametrize(
    "plan",
    [
        Planned("ups-apc", "battery"),
        Planned("crac-liebert", "filter"),
        Planned("switch-cisco", "psu"),
        Planned("array-netapp", "disk"),
    ],
    ids=lambda plan: plan.name,
)
def test_a_live_poll_and_its_replay_give_equal_reports(plan: Planned) -> None:
    """Record a poll of the live simulated agent, replay it from its JSON: the same report, fault for fault."""
    options = SimulatorOptions(count=1, flavours=(plan.flavour,), faults=f"1:{plan.fault}", password=COMMUNITY)
    with running(options) as sim:
        url = sim.endpoints[0].url
        target = Target(plan.name, kind_of(plan.flavour), url, credential=Secret(COMMUNITY), options=OPTIONS)
        recorder, live, error = poll_recorded(target)
        made = record(plan, url)
    assert error is None and live is not None
    assert live.faults(), "the fault must show in the live report"
    recording = _json_round_trip(Recording("snmp", target.kind.value, url, tuple(recorder.exchanges), options=OPTIONS))
    with replaying(recording):
        again = asyncio.run(SnmpDriver().poll(recording.target()))
    assert stable_report(again) == stable_report(live)
    assert made.report == stable_report(live)  # the address replaced in a stored recording appears in no report


@pytest.mark.parametrize(
    "plan", [Planned("ups-apc", login="v3"), Planned("ups-apc", login="v3-refused")], ids=lambda plan: plan.name
)
def test_the_snmpv3_recordings_are_made_again_unchanged(plan: Planned) -> None:
    """An SNMPv3 recording made again from snmpsim (the user logged in, or refused) is the stored file, byte for
    byte: the login is recorded as the user name alone, and the refusal as the same ``auth_failed``."""
    made = record_v3(plan)
    stored = (FOLDER / f"{plan.name}.json").read_text(encoding="utf-8")
    assert made.text() == stored
    assert made.username == V3_USER.name


def test_every_sample_survives_the_recorded_form() -> None:
    """Every value every simulated agent serves (each profile's sample, healthy) comes back from a recording's
    JSON as the same Value: the type tags and the text-or-hex choice lose nothing."""
    for sample in SAMPLES:
        served = sample.build(())
        kept = json.loads(json.dumps(taped.answer(served), ensure_ascii=False))
        assert dict(taped.snapshot(kept)) == dict(served), sample.profile


def test_the_documented_example_passes() -> None:
    """The vendor's example in docs/drivers/snmp.md, run beside these recordings: its cases meet their expectations."""
    page = Path(__file__).parents[3] / "docs" / "drivers" / "snmp.md"
    section = page.read_text(encoding="utf-8").split("## Recording and replay", 1)[1].split("\n## ", 1)[0]
    source = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {"__file__": str(Path(__file__)), "__name__": "documented_example"}
    exec(compile(source, str(page), "exec"), namespace)  # the page's own example, nothing else
    suite = namespace["TestMyUps"]()
    cases = list(suite.cases())
    assert [case.family for case in cases] == ["APC Smart-UPS and Symmetra (PowerNet MIB)", None]
    suite.test_case_ids_match_cases()
    for case in cases:
        suite.test_meets_expectation(case)
        suite.test_raises_only_contract_errors(case)
    battery = cases[0]
    assert set(battery.expect.checked()) >= {"parts", "fault_identity", "sensors", "archive", "alarms"}
    for check in (
        suite.test_fault_parts_are_identified,
        suite.test_sensors_are_reported,
        suite.test_archive_is_reported,
        suite.test_alarms_are_reported,
        suite.test_declares_the_features_it_shows,
    ):
        check(battery)


def test_a_refused_credential_is_recorded_and_replayed_as_auth_failed(snmpsim: SnmpAgent) -> None:
    """The agent refusing an SNMPv3 key is kept as the exchange's error, without the key, and replayed as the
    same ``auth_failed``."""
    options = {"request_timeout": "2", "retries": "0", "version": "3", "auth": "sha", "privacy": "aes128"}
    chosen = settings(snmpsim.endpoint, options, timeout=10.0)
    wrong = "not-the-auth-passphrase"

    async def ask() -> Snapshot:
        agent = await Agent(chosen, V3.name, Secret(wrong), snmpsim.endpoint).open(Secret(V3.privacy_key))
        return await agent.get(["1.3.6.1.2.1.1.1.0"])

    recorder = Recorder()
    with listening(recorder), pytest.raises(AuthFailed) as live:
        asyncio.run(ask())
    [exchange] = recorder.exchanges
    assert exchange.request == {"op": "get", "oids": ["1.3.6.1.2.1.1.1.0"]}
    assert exchange.error == {"kind": "auth_failed", "message": str(live.value)}
    recording = _json_round_trip(Recording("snmp", "ups", snmpsim.endpoint, tuple(recorder.exchanges), options=options))
    assert wrong not in json.dumps(recording.as_json()) and V3.privacy_key not in json.dumps(recording.as_json())
    with replaying(recording), pytest.raises(AuthFailed) as replayed_error:
        asyncio.run(ask())
    assert str(replayed_error.value) == str(live.value)
