"""The Redfish driver against recordings of the simulator: conformance, regression and replay fidelity.

The files in ``recordings/`` are written by ``rf_make_recordings.py`` (see its
docstring): one poll of one simulated BMC per file, every flavour healthy,
a few with a failed power supply, disk or DIMM, one with basic auth and two
that fail (a malformed answer, a refused login). Each poll logged in as
``admin``, which the file keeps: replaying runs the driver's own login,
transport, crawler and parser on what the BMC said, without a socket; the
fidelity tests check that a replay is worth a live poll. What each case
expects is in ``rf_devices.py``, checked here against what the simulator
serves.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import rf_make_recordings
from rf_devices import CRITICAL, DEVICES, DIMM_ALARM, DISK_ALARM, OK, PSU_ALARM, WARNING, part

from dcmaint.drivers import DriverError, ErrorKind, ProtocolError, Target, tape
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.secrets import Secret
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation
from dcmaint_redfish.driver import RedfishDriver
from dcmaint_redfish.options import RedfishOptions, parse_endpoint
from dcmaint_redfish.sim import running
from dcmaint_redfish.transport import Transport

FOLDER = rf_make_recordings.FOLDER
CASES = {case.name: case for case in rf_make_recordings.CASES}

#: What each recording must show: read off the simulator's trees and the faults injected, not off the files.
EXPECTED = {
    **{flavour: device.expect(OK) for flavour, device in DEVICES.items()},
    "hpe-ilo5-psu": DEVICES["hpe-ilo5"].expect(
        CRITICAL, {"PSU 2": part("865414-B21", "866730-001", "5WBXU0B8D0000S")}, (PSU_ALARM,)
    ),
    "dell-idrac9-disk": DEVICES["dell-idrac9"].expect(
        WARNING, {"Bay 0": part("0G2G54", None, "JTC00012")}, (DISK_ALARM,)
    ),
    "lenovo-xcc-dimm": DEVICES["lenovo-xcc"].expect(
        WARNING, {"DIMM 2": part("M393A4K40EB3-CWE", "01DE974", "R1900019")}, (DIMM_ALARM,)
    ),
    "generic-three-faults": DEVICES["generic"].expect(
        CRITICAL,
        {
            "PSU 2": part("SIM-PSU-800", "SIM-SP-PSU800", "SIMPSU00001N"),
            "Bay 3": part("SIM-SSD-960", "SIM-SP-SSD960", "SIMDRV00001E"),
            "PROC 1 DIMM 3": part("HMA84GR7DJR4N-XN", "SIM-SP-DIMM32", "SIMDIMM00019"),
        },
        (PSU_ALARM, DISK_ALARM, DIMM_ALARM),
    ),
    "dell-idrac9-malformed": Expectation(error=ErrorKind.PROTOCOL_ERROR),
    "dell-idrac8-basic": DEVICES["dell-idrac8"].expect(OK),
    "dell-idrac9-refused": Expectation(error=ErrorKind.AUTH_FAILED),
}


def recording_paths() -> list[Path]:
    return sorted(FOLDER.glob("*.json"))


def without_times(report: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A report's JSON without ``polled_at`` and ``duration``, which differ on every poll."""
    if report is None:
        return None
    return {key: value for key, value in report.items() if key not in ("polled_at", "duration")}


def polled(target: Target) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
    """Poll ``target``: (report JSON without times, None), or (None, the contract error as a recording keeps it)."""
    try:
        report = asyncio.run(RedfishDriver().poll(target))
    except DriverError as error:
        return None, {"kind": error.kind.value, "message": str(error)}
    return without_times(report.as_json()), None


def replay(recording: tape.Recording, target: Target) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
    """Poll ``target`` while ``recording`` answers."""
    with tape.replaying(recording):
        return polled(target)


class TestRedfishRecordings(BaseDriverConformance):
    """dcmaint's conformance kit over the recordings: every flavour, healthy and with part faults."""

    driver_class = RedfishDriver

    def case_ids(self) -> list[str]:
        """The recipes' names: collection reads no recording (``test_case_ids_match_cases`` checks the files)."""
        return list(CASES)

    def cases(self) -> list[ConformanceCase]:
        return [
            ConformanceCase.replay(path, EXPECTED[path.stem], family=CASES[path.stem].family)
            for path in recording_paths()
        ]


def test_every_recording_is_expected_and_made_by_the_script() -> None:
    """No recording without an expectation and a recipe, and the other way round."""
    assert {path.stem for path in recording_paths()} == set(EXPECTED) == set(CASES)


def test_recordings_are_small() -> None:
    total = sum(path.stat().st_size for path in recording_paths())
    assert total < 3 * 1024 * 1024, f"the recordings take {total} bytes; trim them (rf_make_recordings.py)"


@pytest.mark.parametrize("path", recording_paths(), ids=lambda path: path.stem)
def test_a_recording_holds_no_secret_and_no_simulator_address(path: Path) -> None:
    """The login is kept (user, the session's POST and its token scrubbed), the password never."""
    text = path.read_text(encoding="utf-8")
    recording = tape.Recording.load(path)
    case = CASES[path.stem]
    assert rf_make_recordings.PASSWORD not in text and "Authorization" not in text
    assert "127.0.0.1" not in text
    assert recording.endpoint == f"redfish+http://bmc-{case.flavour}.example"
    assert recording.username == rf_make_recordings.USERNAME
    assert recording.scrubbed["addresses"] >= 1
    logins = [item for item in recording.exchanges if item.request["method"] == "POST"]
    if dict(case.options).get("auth") == "basic":  # basic auth on every request: no session, nothing to scrub
        assert logins == [] and recording.scrubbed["tokens"] == 0
        return
    assert [item.request for item in logins] == [{"method": "POST", "path": "/redfish/v1/SessionService/Sessions"}]
    assert logins[0].response is not None
    if case.sim_password is not None:  # refused: no session, no token
        assert logins[0].response["status"] == 401 and recording.scrubbed["tokens"] == 0
        return
    assert logins[0].response["headers"]["x-auth-token"] == rf_make_recordings.TOKEN
    assert recording.scrubbed["tokens"] == 1


@pytest.mark.parametrize("path", recording_paths(), ids=lambda path: path.stem)
def test_replaying_a_recording_gives_the_report_stored_in_it(path: Path) -> None:
    """A regression fixture: the driver of today reads the recorded answers as the driver that recorded them did.

    Replayed as the kit does (logged in as recorded, with a stand-in password: the login, its POST and DELETE,
    are replayed too) and, where the BMC let us in, without a login (the recorded login is then not asked).
    """
    recording = tape.Recording.load(path)
    assert (recording.report is None) == (recording.error is not None)
    target = recording.target()
    assert target.username == rf_make_recordings.USERNAME and target.credential is not None
    targets = [target]
    if (recording.error or {}).get("kind") != ErrorKind.AUTH_FAILED.value:
        targets.append(replace(target, username=None, credential=None))
    for each in targets:
        assert replay(recording, each) == (without_times(recording.report), recording.error)


def test_the_script_would_write_the_recordings_there_are() -> None:
    """The recordings are what rf_make_recordings.py writes today (rerun it after changing the simulator)."""
    for name in ("hpe-ilo5-psu", "dell-idrac9", "dell-idrac8-basic", "dell-idrac9-refused"):
        written = rf_make_recordings.record(CASES[name]).text()
        assert written == (FOLDER / f"{name}.json").read_text(encoding="utf-8"), f"{name}: run rf_make_recordings.py"


@pytest.mark.parametrize(
    ("flavour", "faults"),
    [("generic", "bmc1:psu:2; bmc1:disk:3; bmc1:dimm:3"), ("hpe-ilo4", ""), ("dell-idrac9", "bmc1:disk:1=predicted")],
)
def test_a_replay_of_a_live_poll_gives_the_live_report(flavour: str, faults: str) -> None:
    """Fidelity: poll the simulator with a recorder listening, replay what was recorded, get the same report.

    Replays at the live endpoint, while the simulator still runs: the replay must not send it one request.
    """
    with running(SimulatorOptions(count=1, flavours=(flavour,), faults=faults)) as sim:
        endpoint = "redfish+http://" + sim.endpoints[0].url.removeprefix("http://")
        target = Target(flavour, "server", endpoint, username="admin", credential=Secret("live-secret"), timeout=30.0)
        recorder = tape.Recorder()
        with tape.listening(recorder):
            live = asyncio.run(RedfishDriver().poll(target))
        assert sim.sessions(1) == 0
        recording = tape.Recording("redfish", "server", endpoint, tuple(recorder.exchanges), name=flavour)
        asked = sim.bmc(1).requests
        replayed, error = replay(recording, target)
        assert error is None, error
        assert sim.bmc(1).requests == asked, "the replay sent requests to the BMC"
    assert replayed == without_times(live.as_json())
    assert "live-secret" not in json.dumps(recording.as_json())


def test_the_recorder_keeps_what_the_driver_finally_got_after_retries() -> None:
    """A BMC that answers 503 after its service root: the transport retries, the recording keeps one last answer."""
    with running(SimulatorOptions(count=1, flavours=("generic",), faults="bmc1:http=503")) as sim:
        endpoint = "redfish+http://" + sim.endpoints[0].url.removeprefix("http://")
        target = Target("busy", "server", endpoint, username="admin", credential=Secret("s"), timeout=30.0)
        recorder = tape.Recorder()
        with tape.listening(recorder):
            _report, live_error = polled(target)
        sent = sim.bmc(1).requests
    answers = {item.request["method"]: item.response["status"] for item in recorder.exchanges if item.response}
    assert answers == {"GET": 200, "POST": 503}
    assert len(recorder.exchanges) == 2 < sent, "each request is kept once, whatever its retries"
    assert live_error is not None and live_error["kind"] == "unreachable"
    recording = tape.Recording("redfish", "server", endpoint, tuple(recorder.exchanges), name="busy")
    assert replay(recording, target) == (None, live_error)


def test_a_request_the_recording_does_not_hold_is_a_protocol_error_naming_it() -> None:
    recording = tape.Recording.load(FOLDER / "hpe-ilo5.json")
    target = recording.target()

    async def ask() -> None:
        options = RedfishOptions.from_target({}, 10.0)
        transport = Transport(parse_endpoint(target.endpoint), target, options, logout_budget=1.0)
        await transport.open()
        try:
            await transport.get("/redfish/v1/Systems/1/Bios", "$select=Attributes")
        finally:
            await transport.close()

    with tape.replaying(recording), pytest.raises(ProtocolError) as raised:
        asyncio.run(ask())
    message = str(raised.value)
    assert "hpe-ilo5" in message and "/redfish/v1/Systems/1/Bios" in message and "$select=Attributes" in message


def test_a_poll_whose_service_root_was_not_recorded_fails_naming_it() -> None:
    recording = tape.Recording.load(FOLDER / "supermicro.json")
    kept = tuple(item for item in recording.exchanges if item.request["path"] != "/redfish/v1")
    report, error = replay(replace(recording, exchanges=kept), recording.target())
    assert report is None and error is not None
    assert error["kind"] == "protocol_error" and '"path": "/redfish/v1"' in error["message"], error


def test_a_replay_answers_only_its_own_endpoint() -> None:
    """Another BMC polled while a recording replays is not answered from it (it is polled for real)."""
    recording = tape.Recording.load(FOLDER / "generic.json")
    with running(SimulatorOptions(count=1, flavours=("hpe-ilo6",))) as sim:
        endpoint = "redfish+http://" + sim.endpoints[0].url.removeprefix("http://")
        target = Target("other", "server", endpoint, username="admin", credential=Secret("s"), timeout=30.0)
        with tape.replaying(recording):
            report = asyncio.run(RedfishDriver().poll(target))
        assert sim.bmc(1).requests > 0
    assert report.identity.serial == EXPECTED["hpe-ilo6"].serial


def test_the_scripts_check_passes_on_the_recordings_and_refuses_unknown_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``rf_make_recordings.py --check NAME``, as docs/drivers/redfish.md shows it: exit 0 when nothing would change."""
    assert rf_make_recordings.main(["--check", "supermicro", "lenovo-xcc-dimm"]) == 0
    assert capsys.readouterr().out == "0 recording(s) would change\n"
    with pytest.raises(SystemExit) as refused:
        rf_make_recordings.main(["no-such-bmc"])
    assert refused.value.code == 2 and "unknown recording 'no-such-bmc'" in capsys.readouterr().err


def served(url: str, paths: list[str]) -> list[Any]:
    """Every document the simulated BMC at ``url`` serves at ``paths``, as its client would read it (basic auth)."""
    import base64
    import urllib.request

    login = base64.b64encode(f"{rf_make_recordings.USERNAME}:any".encode()).decode("ascii")
    documents = []
    for path in paths:
        request = urllib.request.Request(url + path, headers={"Authorization": f"Basic {login}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            documents.append(json.loads(answer.read()))
    return documents


def log_entries(node: Any) -> list[Mapping[str, Any]]:
    """The log entries in a document (a LogEntry, or an object with an ``EntryType``), not its conditions."""
    if isinstance(node, list):
        return [entry for item in node for entry in log_entries(item)]
    if not isinstance(node, Mapping):
        return []
    entry = "LogEntry." in str(node.get("@odata.type", "")) or "EntryType" in node
    found = [node] if entry else []
    return found + [entry for value in node.values() for entry in log_entries(value)]


@pytest.mark.parametrize("name", [name for name, expect in EXPECTED.items() if expect.error is None])
def test_the_expectations_are_the_simulators_data(name: str) -> None:
    """The identities and event codes the cases expect are what the simulator serves, not copied off a recording.

    Each expected part's numbers and serial stand in one document the BMC serves (a profile may shorten a
    number: Dell's "0Y9VFC" is read from "0Y9VFCA01"), and each event code is a Warning or Critical log entry.
    """
    case, expect = CASES[name], EXPECTED[name]
    simulated = SimulatorOptions(count=1, flavours=(case.flavour,), faults=case.faults)
    with running(simulated) as sim:
        documents = served(sim.endpoints[0].url, sorted(sim.bmc(1).view.resources))
    texts = [json.dumps(document, ensure_ascii=False) for document in documents]
    assert any(expect.serial in text for text in texts), f"{name}: no document holds the serial {expect.serial}"
    for location, wanted in (expect.parts or {}).items():
        values = [value for value in (wanted.part_number, wanted.spare_part_number, wanted.serial) if value]
        assert any(all(value in text for value in values) for text in texts), f"{name}: {location} {values} not served"
    entries = [entry for document in documents for entry in log_entries(document)]
    codes = {
        str(entry.get("MessageId") or entry.get("Id"))
        for entry in entries
        if entry.get("Severity") in ("Warning", "Critical")
    }
    assert set(expect.event_codes or ()) <= codes, f"{name}: the BMC's log holds {sorted(codes)}"
    if expect.event_codes is None:
        assert not codes, f"{name}: the BMC logs {sorted(codes)}, the case states no event"
