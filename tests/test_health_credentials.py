"""One bad credential costs one device: simulated BMCs over HTTP, one of them with a credential that cannot be used.

The Redfish plugin's simulator serves three BMCs; bmc2's credential is made
unusable in each way an operator or an attacker can (a named pipe, a
directory, a file that is not UTF-8, a keyring without a backend, an unset
variable, a keyring that never answers). bmc2 must be UNKNOWN with one line
naming its reference, the other two polled and reported, in every format,
and the exit code that of the worst device (bmc3's predicted disk: WARNING),
not "internal error". Store reads run on both backends.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint_redfish.sim import running
from tests.helpers import keyring_answering

PASSWORD = "bmc-password-never-shown"


@pytest.fixture(scope="module")
def bmcs() -> Iterator[object]:
    with running(SimulatorOptions(count=3, faults="bmc3:disk:1=predicted", flavours=("generic",))) as sim:
        yield sim


@pytest.fixture
def room(cli, bmcs, monkeypatch):
    monkeypatch.setenv("DCMAINT_LOAD_PLUGINS", "redfish")
    monkeypatch.setenv("BMC_PW", PASSWORD)
    cli.ok("site", "add", "hq", "--customer", "某银行")
    for number, endpoint in enumerate(bmcs.endpoints, start=1):
        cli.ok(
            *("device", "add", f"bmc{number}", "--site", "hq", "--kind", "server", "--driver", "redfish"),
            *("--endpoint", endpoint.url, "--username", "admin", "--credential", "env:BMC_PW"),
        )
    return cli


#: Seconds after which the guards below let a hung lookup go, so that a regression fails instead of hanging
#: the test run. Far above anything a passing run needs; nothing is measured against it.
GUARD = 60.0


def _fifo(tmp_path: Path) -> str:
    path = tmp_path / "bmc2.fifo"
    os.mkfifo(path, 0o600)  # nobody writes: opening it for reading waits for a writer, forever

    def guard() -> None:  # a writer that comes and goes, to free a reader that should never have opened it
        time.sleep(GUARD)
        with contextlib.suppress(OSError):  # ENXIO: nobody is reading, as it should be
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    threading.Thread(target=guard, daemon=True).start()
    return f"file:{path}"


def _directory(tmp_path: Path) -> str:
    path = tmp_path / "bmc2.d"
    path.mkdir(mode=0o700)
    return f"file:{path}"


def _not_utf8(tmp_path: Path) -> str:
    path = tmp_path / "bmc2.pw"
    path.write_bytes(b"\xff\xfe\x00p\x00w\n")  # UTF-16, as a Windows editor saves it
    path.chmod(0o600)
    return f"file:{path}"


def _keyring_without_backend(tmp_path: Path) -> str:
    return "keyring:dcmaint-bmc/admin"


def _env_unset(tmp_path: Path) -> str:
    return "env:DCMAINT_TEST_NEVER_SET_PW"


CASES = {
    "fifo": (_fifo, "is a named pipe"),
    "directory": (_directory, "is a directory"),
    "not-utf8": (_not_utf8, "is not UTF-8 text"),
    "keyring-without-backend": (_keyring_without_backend, "no keyring is available"),
    "env-unset": (_env_unset, "environment variable DCMAINT_TEST_NEVER_SET_PW is not set"),
}


@pytest.fixture
def no_keyring(monkeypatch):
    """The keyring package's own backend for "no keyring here" (what a headless collector has)."""
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _assert_only_bmc2_is_lost(cli, reference: str, expected: str) -> None:
    line = f"{reference}: "

    data = cli("health", "--format", "json")
    assert data.code == 1, data.err  # the worst device: bmc3's predicted disk (WARNING), not UNKNOWN, not a crash
    devices = {device["name"]: device for device in data.json()["devices"]}
    assert [devices[name]["status"] for name in ("bmc1", "bmc2", "bmc3")] == ["ok", "unknown", "warning"]
    bad = devices["bmc2"]
    assert bad["error_kind"] == "not_configured" and bad["error"].startswith(line) and expected in bad["error"]
    assert "\n" not in bad["error"] and data.err == ""

    table = cli("health")
    assert table.code == 1 and "internal error" not in table.err
    [row] = [text for text in table.out.splitlines() if text.startswith("hq/bmc2 ")]
    assert "UNKNOWN" in row and reference.split(":", 1)[0] in row
    assert any(text.startswith("hq/bmc1 ") and "OK" in text for text in table.out.splitlines())

    nagios = cli("health", "--format", "nagios")
    status, *long_output = nagios.out.splitlines()
    assert nagios.code == 1 and status.startswith("DCMAINT WARNING - ") and "of 3 devices" in status
    assert [text for text in long_output if text.startswith("[UNKNOWN]")] == [f"[UNKNOWN] hq/bmc2: {bad['error']}"]

    everything = data.out + table.out + table.err + nagios.out + nagios.err
    assert PASSWORD not in everything


@pytest.mark.usefixtures("no_keyring")
@pytest.mark.parametrize("case", list(CASES))
def test_a_credential_that_cannot_be_used_costs_its_device_only(room, tmp_path, case):
    make, expected = CASES[case]
    reference = make(tmp_path)
    room.ok("device", "edit", "bmc2", "--credential", reference)
    _assert_only_bmc2_is_lost(room, reference, expected)


def test_a_named_pipe_as_credential_does_not_hang_a_real_run(room, db_url, home, tmp_path):
    """A separate process, as a monitoring system runs it: before the fix it waited on the pipe forever."""
    reference = _fifo(tmp_path)
    room.ok("device", "edit", "bmc2", "--credential", reference)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(DCMAINT_HOME=str(home), DCMAINT_DB_URL=db_url, DCMAINT_LOAD_PLUGINS="redfish", BMC_PW=PASSWORD)
    for fmt in ("nagios", "json"):
        done = subprocess.run(
            [sys.executable, "-m", "dcmaint", "health", "--format", fmt, "--timeout", "10"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,  # a guard against the old hang, not a measurement
        )
        assert done.returncode == 1, done.stdout + done.stderr
        if fmt == "nagios":
            status = done.stdout.splitlines()[0]
            assert status.startswith("DCMAINT WARNING - 0 critical, 1 warning, 1 unknown, 1 ok of 3 devices"), (
                done.stdout
            )
            assert f"[UNKNOWN] hq/bmc2: {reference}: is a named pipe" in done.stdout
        else:
            statuses = [device["status"] for device in json.loads(done.stdout)["devices"]]
            assert statuses == ["ok", "unknown", "warning"]


@pytest.fixture
def silent_keyring() -> Iterator[None]:
    """A keyring that never answers while the test runs (a desktop keyring waiting for an unlock prompt)."""
    released = threading.Event()
    try:
        with keyring_answering(None, held=released):
            yield
    finally:
        released.set()  # let the abandoned lookup thread end


@pytest.mark.usefixtures("silent_keyring")
def test_a_lookup_that_never_finishes_costs_its_device_within_the_deadline(room):
    room.ok("device", "edit", "bmc2", "--credential", "keyring:dcmaint-bmc/admin")
    data = room("health", "--format", "json", "--timeout", "2")
    assert data.code == 1, data.err
    devices = {device["name"]: device for device in data.json()["devices"]}
    assert [devices[name]["status"] for name in ("bmc1", "bmc2", "bmc3")] == ["ok", "unknown", "warning"]
    assert devices["bmc2"]["error_kind"] == "timed_out"
    assert devices["bmc2"]["error"] == "keyring:dcmaint-bmc/admin: credential lookup did not finish within 2 s"

    nagios = room("health", "--format", "nagios", "--timeout", "2")
    assert nagios.code == 1 and nagios.out.startswith("DCMAINT WARNING - ")
    assert "[UNKNOWN] hq/bmc2: keyring:dcmaint-bmc/admin: credential lookup did not finish within 2 s" in nagios.out


def test_devices_sharing_a_bad_reference_are_each_unknown_and_the_rest_polled(room, tmp_path):
    reference = _directory(tmp_path)
    for name in ("bmc1", "bmc2"):
        room.ok("device", "edit", name, "--credential", reference)
    data = room("health", "--format", "json")
    devices = {device["name"]: device for device in data.json()["devices"]}
    assert data.code == 1 and [devices[n]["status"] for n in ("bmc1", "bmc2", "bmc3")] == [
        "unknown",
        "unknown",
        "warning",
    ]
    assert (
        devices["bmc1"]["error"]
        == devices["bmc2"]["error"]
        == f"{reference}: is a directory, not a file holding a credential"
    )


def test_a_slow_lookup_takes_its_share_of_the_devices_deadline(room):
    # bmc2's keyring answers after 1 s and its BMC takes 1.5 s per request: its poll gets what is left of
    # the 3 s deadline and is cut there, saying so; the others are polled with the whole deadline.
    with (
        running(SimulatorOptions(count=1, latency_ms=1500, flavours=("generic",))) as slow,
        keyring_answering(PASSWORD, after=1.0),
    ):
        room.ok(
            *("device", "edit", "bmc2", "--endpoint", slow.endpoints[0].url),
            *("--credential", "keyring:dcmaint-bmc/admin"),
        )
        data = room("health", "--format", "json", "--timeout", "3")
    devices = {device["name"]: device for device in data.json()["devices"]}
    assert data.code == 1, data.err
    assert [devices[name]["status"] for name in ("bmc1", "bmc2", "bmc3")] == ["ok", "unknown", "warning"]
    assert devices["bmc2"]["error_kind"] == "timed_out"
    # Cut by the runner at what the lookup left of the deadline (the message names both shares), or by the
    # driver itself, which was given that share as its target's timeout: either way, less than 3 s.
    error = devices["bmc2"]["error"]
    shares = re.fullmatch(
        r"no answer within ([\d.]+) s \(the credential lookup took ([\d.]+) s of the 3 s deadline\)", error
    )
    own = re.fullmatch(r"127\.0\.0\.1:\d+: poll not finished within ([\d.]+) s \(waiting for .*\)", error)
    assert shares or own, error
    if shares:
        left, spent = (float(share) for share in shares.groups())
        assert spent >= 1 and left + spent == pytest.approx(3, abs=0.02)
    else:
        assert own is not None and float(own.group(1)) <= 2
