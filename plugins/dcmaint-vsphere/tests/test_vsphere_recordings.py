"""The vSphere driver against its recordings (``recordings/*.json``, written by ``vs_make_recordings.py``).

The conformance kit replays them as cases: the cases cut from one
``poll_batch`` recording (the vCenter and each of its hosts) share one batch,
as the runner would poll them. Then: replaying each recording gives exactly
the outcome it stores (a regression fixture for the parser and the decoder),
a batch answers each host as that host's own recorded poll did, recording the
simulator today still gives what is stored (fidelity), a replay never opens a
socket, and a question the recording does not hold is a protocol error.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from vs_expect import DATASTORE, HOST_SENSORS, STANDALONE, VCENTER, VIA_VCENTER, disks, esxi, serial, vcenter
from vs_make_recordings import RECORDINGS, SCENARIOS, record, replayed, same_outcome, scenario, stable
from vs_peers import PASSWORD, harness

from dcmaint.drivers import DriverError, ErrorKind, Health, ProtocolError, Target, tape
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation
from dcmaint_vsphere.driver import VsphereDriver
from dcmaint_vsphere.endpoints import host_endpoint

#: The simulator's hosts: three in cluster DC0_C0 (Dell, HPE, Lenovo shapes) and one standalone host.
HOSTS = ("DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2", "DC0_H0")


def path(name: str) -> Path:
    return RECORDINGS / f"{name}.json"


def load(name: str) -> tape.Recording:
    return tape.Recording.load(path(name))


def device(recording: tape.Recording, host: str | None) -> Target:
    """The target of one device a vCenter recording holds: the vCenter itself (None) or one of its hosts."""
    if host is None:
        return recording.target("vcenter")
    return replace(recording.target(host), endpoint=host_endpoint(str(recording.endpoint), host))


def batch_cases(name: str, expect: dict[str | None, Expectation]) -> list[ConformanceCase]:
    """One case per device of a ``poll_batch`` recording, all replaying it (so the kit polls them in one batch)."""
    recording = load(name)
    return [
        ConformanceCase(
            f"{name}:{host or 'vcenter'}",
            device(recording, host),
            wanted,
            recording=path(name),
            family=VCENTER if host is None else VIA_VCENTER,
        )
        for host, wanted in expect.items()
    ]


#: The recordings of one device: what each poll should give, and the device family.
SINGLE: dict[str, tuple[Expectation, str]] = {
    "host-psu": (esxi(1, ("PSU 2",)), VIA_VCENTER),  # psu=1: no identity for a PSU sensor (vSphere 6.5 API)
    "host-dimm": (esxi(0, ("DIMM A3",)), VIA_VCENTER),  # dimm=0: memory elements carry only a name
    "host-disk-alarm": (
        esxi(
            2,
            ("Bay 1",),
            status=Health.CRITICAL,  # the red "Host hardware power status" alarm; the disk itself is yellow
            parts=disks(2, 1),
            fault_identity=True,
            alarms=("alarm-101",),  # the harness's first alarm
        ),
        VIA_VCENTER,
    ),
    "host-disconnected": (
        Expectation(
            Health.UNKNOWN,
            faults=(),
            serial=serial(2),
            archive=("hardware.cpu_model", "system.connection_state"),
            alarms=("connectionState.disconnected",),
        ),
        VIA_VCENTER,
    ),
    "esxi-standalone": (
        esxi(0, sensors=(*HOST_SENSORS, DATASTORE), archive=("hardware.cpu_model", "system.esxi", "firmware.BIOS")),
        STANDALONE,
    ),
    "unknown-host": (Expectation(error=ErrorKind.NOT_SUPPORTED), VIA_VCENTER),
    "wrong-password": (Expectation(error=ErrorKind.AUTH_FAILED), VIA_VCENTER),
    "dead-port": (Expectation(error=ErrorKind.UNREACHABLE), VCENTER),
}
#: The ``poll_batch`` recordings: the vCenter (None) and each host, as the runner polls them together.
BATCHES: dict[str, dict[str | None, Expectation]] = {
    "vcenter-healthy-batch": {None: vcenter(), **{name: esxi(index) for index, name in enumerate(HOSTS)}},
    "vcenter-faulty-batch": {
        None: vcenter(full=True),  # full=0
        "DC0_C0_H0": esxi(0, ("DIMM A3",)),  # dimm=0
        "DC0_C0_H1": esxi(1, ("PSU 2",)),  # psu=1
        "DC0_C0_H2": esxi(2, ("Fan2A",), sensor_health=Health.CRITICAL),  # fan=2
        "DC0_H0": esxi(3),
    },
}


def _cases() -> list[ConformanceCase]:
    single = [ConformanceCase.replay(path(name), wanted, family=family) for name, (wanted, family) in SINGLE.items()]
    return [*single, *(case for name, expect in BATCHES.items() for case in batch_cases(name, expect))]


class TestVsphereRecordings(BaseDriverConformance):
    driver_class = VsphereDriver

    def cases(self) -> list[ConformanceCase]:
        return _cases()

    def case_ids(self) -> list[str]:
        """The ids without reading a recording: collection stays free."""
        return [*SINGLE, *(f"{name}:{host or 'vcenter'}" for name, expect in BATCHES.items() for host in expect)]


def test_the_batch_cases_share_one_batch_per_recording() -> None:
    groups = TestVsphereRecordings().batches()
    batches = [sorted(case.id for case in group) for group in groups if len(group) > 1]
    assert len(batches) == 2, batches
    assert {case.split(":")[0] for group in batches for case in group} == {
        "vcenter-healthy-batch",
        "vcenter-faulty-batch",
    }
    assert all(len(group) == 1 + len(HOSTS) for group in batches)


@pytest.mark.parametrize("item", [item.name for item in SCENARIOS])
def test_replay_gives_the_stored_outcome(item: str) -> None:
    """Each recording's own target, replayed: the very report stored (less polled_at and the duration), or an
    error of the stored kind."""
    recording = load(item)
    answer = replayed(recording)[recording.target().name]
    assert same_outcome(answer, recording), f"{item}: replay answered {answer!r}"


def test_a_batch_answers_each_host_as_its_own_poll_did() -> None:
    """Recorded apart from the same simulated vCenter: the batch's answer for a host is that host's own report."""
    batch = load("vcenter-faulty-batch")
    targets = [device(batch, host) for host in HOSTS]
    answers = replayed(batch, targets, batch=True)
    for name, host in (("host-dimm", "DC0_C0_H0"), ("host-psu", "DC0_C0_H1")):
        alone = load(name)
        assert alone.report is not None
        assert stable(answers[host].as_json()) == alone.report, f"{host}: the batch and {name} differ"


@pytest.mark.parametrize(
    "item", ["host-psu", "host-disk-alarm", "vcenter-faulty-batch", "esxi-standalone", "wrong-password"]
)
def test_recording_the_simulator_again_gives_the_stored_recording(item: str) -> None:
    """Fidelity: the live simulator, polled now, asks the same questions and gives the stored outcome, and its
    fresh recording replays to the live outcome (``vs_make_recordings.record`` checks that)."""
    fresh = record(scenario(item), harness())
    stored = load(item)
    assert [exchange.request for exchange in fresh.exchanges] == [exchange.request for exchange in stored.exchanges]
    assert fresh.report == stored.report
    assert fresh.error == stored.error
    assert fresh.as_json() == {**stored.as_json(), "name": fresh.name}


def test_a_replay_opens_no_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    """Login, the pass and the logout all come from the recording: any connection attempt fails the test."""

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a replay tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket, "create_connection", refused)
    recording = load("host-psu")
    with tape.replaying(recording) as decks:
        report = asyncio.run(VsphereDriver().poll(recording.target()))
    assert [component.location for component in report.faults()] == ["PSU 2"]
    asked = [json.loads(key)[1]["method"] for key in decks[0].asked]
    assert asked[:2] == ["RetrieveServiceContent", "Login"] and asked[-1] == "Logout"


def test_an_unrecorded_question_is_a_protocol_error() -> None:
    """A recording without the PropertyCollector's answer: the poll fails as a protocol error naming the replay."""
    recording = load("host-psu")
    kept = tuple(item for item in recording.exchanges if item.request["method"] != "RetrievePropertiesEx")
    assert len(kept) == len(recording.exchanges) - 1
    with tape.replaying(replace(recording, exchanges=kept)), pytest.raises(ProtocolError, match="host-psu"):
        asyncio.run(VsphereDriver().poll(recording.target()))


def test_recordings_hold_no_secret_and_stay_small() -> None:
    """No password (the simulator's, or the wrong one tried), no session cookie; all files under 3 MB."""
    total = 0
    for item in SCENARIOS:
        text = path(item.name).read_text(encoding="utf-8")
        total += len(text.encode())
        for secret in (PASSWORD, "not-the-password", "vmware_soap_session", "Set-Cookie", "127.0.0.1"):
            assert secret.lower() not in text.lower(), f"{item.name} holds {secret!r}"
        for exchange in load(item.name).exchanges:
            assert not set(exchange.request.get("arguments", {})) & {"userName", "password"}, item.name
    assert total < 3 * 1024 * 1024


def test_a_normal_poll_never_loads_the_tape_stub() -> None:
    """Without a deck the driver logs in with ``SmartConnect`` and never imports :mod:`dcmaint_vsphere.taped`
    (a fresh interpreter, so that other tests' imports do not count)."""
    import subprocess
    import sys

    from vs_peers import target, vcenter

    with vcenter() as served:
        live = target(served, served.hosts[0])
        program = (
            "import asyncio, sys\n"
            "from dcmaint.drivers import Target\n"
            "from dcmaint.secrets import Secret\n"
            "from dcmaint_vsphere.driver import VsphereDriver\n"
            f"target = Target('h', 'hypervisor', {live.endpoint!r}, {live.username!r}, Secret({PASSWORD!r}))\n"
            "report = asyncio.run(VsphereDriver().poll(target))\n"
            "print(report.status.value, 'dcmaint_vsphere.taped' in sys.modules)\n"
        )
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["ok", "False"], done.stderr[-500:]


def test_failures_are_recorded_as_they_came() -> None:
    """A refused login is the vCenter's SOAP fault (HTTP 500, replayed through pyVmomi's fault decoder); a closed
    port is the contract error the transport raised, recorded against the login's first question."""
    refused = load("wrong-password").exchanges
    assert [item.request["method"] for item in refused] == ["RetrieveServiceContent", "Login"]
    assert refused[1].response is not None and refused[1].response["status"] == 500
    assert "InvalidLogin" in refused[1].response["text"]
    (dead,) = load("dead-port").exchanges
    assert dead.request["method"] == "RetrieveServiceContent" and dead.response is None
    assert dead.error == {"kind": "unreachable", "message": "vcenter.example:8989: connection refused"}


@pytest.mark.parametrize("how", ["pinned fingerprint", "insecure", "wrong fingerprint"])
def test_recording_over_tls_keeps_the_certificate_checks(how: str) -> None:
    """Recording logs in as a normal poll would, certificate checks included (a wrong pin is recorded as the
    ``unreachable`` it is), and the recording replays to the live outcome without any TLS settings."""
    from vs_peers import target, vcenter

    from dcmaint.drivers import TlsSettings

    with vcenter(tls=True, faults=("psu=1",)) as served:
        assert served.fingerprint
        tls = {
            "pinned fingerprint": TlsSettings(fingerprint=served.fingerprint),
            "insecure": TlsSettings(verify=False),
            "wrong fingerprint": TlsSettings(fingerprint="AB:" * 31 + "CD"),
        }[how]
        live = target(served, served.hosts[1], tls=tls)
        recorder = tape.Recorder()
        with tape.listening(recorder):
            try:
                answer: Any = asyncio.run(VsphereDriver().poll(live))
            except DriverError as error:
                answer = error
    recording = tape.Recording(
        "vsphere", "hypervisor", live.endpoint, tuple(recorder.exchanges), name=how, username=live.username
    )
    with tape.replaying(recording):
        try:
            again: Any = asyncio.run(VsphereDriver().poll(recording.target()))
        except DriverError as error:
            again = error
    if how == "wrong fingerprint":
        assert isinstance(answer, DriverError) and answer.kind is ErrorKind.UNREACHABLE, answer
        assert isinstance(again, DriverError) and again.kind is ErrorKind.UNREACHABLE and "fingerprint" in str(again)
        return
    assert [component.location for component in answer.faults()] == ["PSU 2"]
    assert stable(again.as_json()) == stable(answer.as_json())


def test_a_replay_logs_in_as_the_recorded_user() -> None:
    """The replayed login is the driver's own: the refusal names the user the recording was made with, and a
    recording that kept no user name is refused before any question, as a target without one would be."""
    recording = load("wrong-password")
    assert recording.username == "monitor"
    answer = replayed(recording)[recording.target().name]
    assert isinstance(answer, DriverError) and str(answer) == recording.error["message"]  # type: ignore[index]
    anonymous = replace(load("host-psu"), username=None)
    answer = replayed(anonymous)[anonymous.target().name]
    assert isinstance(answer, DriverError) and answer.kind is ErrorKind.NOT_CONFIGURED, answer
    assert "no username" in str(answer)
