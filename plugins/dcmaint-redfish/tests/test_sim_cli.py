"""``dcmaint sim redfish`` as a subprocess, the way the demo, benchmarks and other tests start it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rf_guard import HANG, NOISE, first_line

# Runs the real CLI. Until the plugin module re-exports dcmaint_register_simulators (see
# dcmaint_redfish/sim/plugin_hook.py), the hook module is registered beside it; once it does, this adds nothing.
LAUNCH = """
from dcmaint.drivers.manager import DriverManager
from dcmaint_redfish.sim import plugin_hook

_load = DriverManager.load

def load(self):
    fresh = not self._loaded
    _load(self)
    if fresh and not any(hasattr(plugin, "dcmaint_register_simulators") for plugin, _origin in self._plugins):
        self.register_plugin(plugin_hook, name="redfish-sim")
    return self

DriverManager.load = load
from dcmaint.cli.main import main
main()
"""


def dcmaint(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "DCMAINT_LANG": "en", "DCMAINT_HOME": kwargs.pop("home")}
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *args],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def port_is_free(port: int) -> bool:
    """Nobody listens, and a new server may bind it (TIME_WAIT of closed connections allowed, as for any server)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_start_serve_and_stop_on_sigterm(tmp_path: Path) -> None:
    endpoints_file = tmp_path / "endpoints.json"
    process = dcmaint(
        "sim",
        "redfish",
        "--count",
        "3",
        "--latency",
        "5",
        "--faults",
        "bmc2:psu:2=critical,bmc3:hang",
        "--flavour",
        "generic",
        "--format",
        "json",
        "--endpoints-file",
        str(endpoints_file),
        home=str(tmp_path),
    )
    try:
        printed = json.loads(first_line(process, what="dcmaint sim start-up"))  # printed once the file is written
        written = json.loads(endpoints_file.read_text(encoding="utf-8"))
        assert printed == written and written["simulator"] == "redfish" and written["pid"] == process.pid
        endpoints = written["endpoints"]
        assert [endpoint["name"] for endpoint in endpoints] == ["bmc1", "bmc2", "bmc3"]
        assert endpoints[1]["faults"] == ["psu:2=critical"] and endpoints[0]["username"] == "admin"
        for endpoint in endpoints:
            with urllib.request.urlopen(endpoint["url"] + "/redfish/v1/", timeout=5) as answer:
                assert json.loads(answer.read())["Links"]["Sessions"]
        with socket.create_connection(("127.0.0.1", urlsplit(endpoints[2]["url"]).port)) as hung:
            hung.sendall(b"GET /redfish/v1/Systems HTTP/1.1\r\nHost: bmc3\r\n\r\n")  # never answered
            hung.settimeout(HANG)
            process.send_signal(signal.SIGTERM)
            # A hung request does not hold the shutdown: the simulator closes it unanswered and exits.
            try:
                answer = hung.recv(1024)
            except ConnectionResetError:  # SIGTERM came before the simulator had accepted the connection
                answer = b""
            assert answer == b""
            assert process.wait(timeout=HANG) == 0
    finally:
        if process.poll() is None:
            process.kill()
        stderr = process.stderr.read()
    for noise in NOISE:
        assert noise not in stderr
    assert not endpoints_file.exists()
    assert all(port_is_free(urlsplit(endpoint["url"]).port) for endpoint in endpoints)


def test_table_output_and_ctrl_c(tmp_path: Path) -> None:
    process = dcmaint("sim", "redfish", "-n", "2", "--flavour", "generic", home=str(tmp_path))
    try:
        header = first_line(process, what="dcmaint sim start-up")
        assert header.split()[:3] == ["Name", "URL", "Flavour"]
        rows = [process.stdout.readline() for _ in range(3)][1:]
        assert [row.split()[0] for row in rows] == ["bmc1", "bmc2"]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert "2 simulated devices ready" in process.stderr.read()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sim", "redfish", "--faults", "psu:x"], "bad fault 'psu:x': 'x' is not a part number"),
        (["sim", "redfish", "--faults", "psu:1=melted", "--flavour", "generic"], "psu can be absent"),
        (["sim", "redfish", "--flavour", "ilo9"], "unknown flavour 'ilo9'"),
        (["sim", "modbus"], "unknown simulator 'modbus' (known simulators: redfish, snmp, vsphere)"),
        (["sim", "redfish", "--count", "0"], "must be 1 or more"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    process = dcmaint(*args, home=str(tmp_path))
    stdout, stderr = process.communicate(timeout=60)
    errors = [line for line in stderr.splitlines() if "error" in line]
    assert process.returncode == 2, stderr
    assert len(errors) == 1 and message in errors[0] and stdout == ""


def test_a_port_in_use_is_a_clean_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = dcmaint("sim", "redfish", "--port", str(port), "--flavour", "generic", home=str(tmp_path))
        _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in stderr
