"""`dcmaint plugin new`: bad values are one line and write nothing; what it writes passes its own conformance test.

The slow path (a wheel built by the real backend, a fresh virtual environment, a real HTTP device) is
tests/drivers/test_tutorial.py; here the scaffold is rendered and its tests run in this environment.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

import dcmaint
from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import CONTRACT_VERSION, DriverError, ErrorKind, Target, tape
from dcmaint.secrets import Secret
from dcmaint.services import scaffold

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["Acme"], "bad plugin name 'Acme'"),
        (["acme_ups"], "bad plugin name 'acme_ups'"),
        (["acme-"], "bad plugin name 'acme-'"),
        (["acme--ups"], "bad plugin name 'acme--ups'"),
        (["9acme"], "bad plugin name '9acme'"),
        (["a" * 33], "bad plugin name '" + "a" * 33 + "'"),
        (["dcmaint-acme"], "bad plugin name 'dcmaint-acme'"),
        (["acme", "--kind", "fridge"], "unknown kind 'fridge'"),
        (["acme", "--kind", "UPS"], "unknown kind 'UPS'"),
        (["acme", "--protocol", "modbus"], "unknown protocol 'modbus'"),
    ],
)
def test_a_bad_value_is_one_line_naming_it_and_nothing_is_written(cli_sqlite, tmp_path, monkeypatch, argv, line):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = cli_sqlite("plugin", "new", *argv, "--output", str(work / "out"))
    assert result.code == 2
    [shown] = result.err.strip().splitlines()
    assert shown.startswith(f"dcmaint: error: {line}"), shown
    assert list(work.iterdir()) == []


def test_a_directory_that_is_not_empty_is_refused_unless_forced(cli_sqlite, tmp_path):
    out = tmp_path / "dcmaint-acme"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    refused = cli_sqlite("plugin", "new", "acme", "--kind", "ups", "--output", str(out))
    assert refused.code == 2
    assert refused.err.strip() == f"dcmaint: error: {out}: not empty (--force writes into it)"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]

    forced = cli_sqlite("plugin", "new", "acme", "--kind", "ups", "--output", str(out), "--force")
    assert forced.code == 0, forced.err
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "src" / "acme_dcmaint" / "driver.py").is_file()


def test_a_file_as_output_is_refused(cli_sqlite, tmp_path):
    out = tmp_path / "plugin"
    out.write_text("", encoding="utf-8")
    result = cli_sqlite("plugin", "new", "acme", "--output", str(out))
    assert (result.code, result.err.strip()) == (2, f"dcmaint: error: {out}: not a directory")


@pytest.mark.parametrize("kind", list(DeviceKind))
def test_every_kind_gets_its_base_class_and_consistent_samples(tmp_path, kind):
    plugin = scaffold.check("acme-labs", kind.value, "http", tmp_path / "p")
    files = scaffold.render(plugin)
    driver = files["src/acme_labs_dcmaint/driver.py"]
    base = scaffold.BASES.get(kind, "Driver")
    assert f"class AcmeLabs{kind.value.capitalize()}Driver(SyncDriver, {base}):" in driver
    assert 'schemes = ("acme-labs",)' in driver
    for case, status in (("healthy", "ok"), ("faulty", "critical")):
        recording = tape.Recording.from_json(json.loads(files[f"recordings/{case}.json"]))
        assert (recording.driver, recording.kind, recording.name) == (f"acme-labs-{kind.value}", kind.value, case)
        assert recording.report is not None and recording.report["status"] == status
    faulty = json.loads(files["recordings/faulty.json"])["report"]
    [fault] = [c for c in faulty["components"] if c["health"] == "critical"]
    assert fault["reason"] and fault["location"] and fault["part"]["part_number"] and fault["part"]["serial"]


def test_the_package_names_its_folder_its_entry_point_and_a_dcmaint_range(tmp_path):
    files = scaffold.render(scaffold.check("acme", "ups", "http", tmp_path / "p"))
    project = tomllib.loads(files["pyproject.toml"])
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/acme_dcmaint"]
    assert project["project"]["entry-points"]["dcmaint.drivers"] == {"acme": "acme_dcmaint"}
    assert project["project"]["dependencies"] == [scaffold.requirement()]
    assert project["project"]["optional-dependencies"]["test"] == ["dcmaint[testing]"]


def test_the_range_admits_this_dcmaint_and_stops_before_the_next_contract():
    specifier = SpecifierSet(scaffold.requirement().removeprefix("dcmaint"))
    assert dcmaint.__version__ in specifier
    major = int(dcmaint.__version__.split(".")[0])
    assert f"{major + 1}.0.0" not in specifier
    assert CONTRACT_VERSION.split(".")[0] == "1"


def test_the_compatibility_page_names_the_scaffolds_range_and_the_contract():
    page = (ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8")
    assert f"`{scaffold.requirement()}`" in page
    assert f"`CONTRACT_VERSION` is `{CONTRACT_VERSION}`" in page
    assert "DeprecationWarning" in page
    for linking in ("README.md", "docs/plugins.md"):
        assert "compatibility.md" in (ROOT / linking).read_text(encoding="utf-8"), linking


def test_plugin_list_json_names_the_contract(cli_sqlite):
    result = cli_sqlite("plugin", "list", "--format", "json")
    assert result.code == 0
    assert json.loads(result.out)["contract"] == CONTRACT_VERSION


def test_the_rendered_plugin_passes_its_own_conformance_test(cli_sqlite, tmp_path):
    """The fast path: the scaffold's tests, replaying its sample recordings, pass in this environment."""
    out = tmp_path / "dcmaint-acme"
    result = cli_sqlite("plugin", "new", "acme", "--kind", "ups", "--output", str(out))
    assert result.code == 0, result.err
    env = {**os.environ, "PYTHONPATH": str(out / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "tests"],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout and "skipped" not in done.stdout


def test_a_broken_parser_fails_the_rendered_conformance_test(cli_sqlite, tmp_path):
    """The generated test can fail: a parser that loses the failing part's reason breaks the contract."""
    out = tmp_path / "dcmaint-acme"
    assert cli_sqlite("plugin", "new", "acme", "--kind", "ups", "--output", str(out)).code == 0
    parse = out / "src" / "acme_dcmaint" / "parse.py"
    text = parse.read_text(encoding="utf-8")
    parse.write_text(text.replace('STATES = {"ok": Health.OK,', 'STATES = {"ok": Health.CRITICAL,'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "tests"],
        cwd=out,
        env={**os.environ, "PYTHONPATH": str(out / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "failed" in done.stdout, done.stdout


class _Card(BaseHTTPRequestHandler):
    """A management card: serves ``self.server.answer`` (status, content type, body) to every GET."""

    def do_GET(self) -> None:
        status, kind, body = self.server.answer  # type: ignore[attr-defined]
        self.server.seen.append(self.headers.get("Authorization"))  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def card() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Card)
    server.answer, server.seen = (200, "application/json", b"{}"), []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def acme(tmp_path, monkeypatch):
    """The rendered plugin's driver class, imported from its source folder."""
    out = tmp_path / "dcmaint-acme"
    scaffold.create(scaffold.check("acme", "ups", "http", out))
    monkeypatch.syspath_prepend(str(out / "src"))
    for name in [name for name in sys.modules if name.startswith("acme_dcmaint")]:
        monkeypatch.delitem(sys.modules, name)
    from acme_dcmaint.driver import AcmeUpsDriver

    return AcmeUpsDriver, out


def _poll(driver_class, port, **fields):
    target = Target(
        "ups-01", DeviceKind.UPS, f"acme://127.0.0.1:{port}", options={"scheme": "http"}, timeout=10.0, **fields
    )
    return asyncio.run(driver_class().poll(target))


def test_the_transport_records_a_real_poll_without_the_credential_and_replays_it(acme, card):
    driver_class, out = acme
    status = json.loads((out / "recordings" / "faulty.json").read_text(encoding="utf-8"))
    body = json.dumps(status["exchanges"][0]["response"]["json"]).encode()
    card.answer = (200, "application/json", body)
    recorder = tape.Recorder()
    with tape.listening(recorder):
        report = _poll(driver_class, card.server_address[1], username="monitor", credential=Secret("s3cret-pw"))
    assert card.seen == ["Basic " + base64.b64encode(b"monitor:s3cret-pw").decode()]
    assert [c.location for c in report.faults()] == ["String 2"]
    [exchange] = recorder.exchanges
    assert exchange.request == {"method": "GET", "path": "/status.json"}
    assert "s3cret" not in json.dumps(exchange.as_json())

    recording = tape.Recording("acme-ups", "ups", f"acme://127.0.0.1:{card.server_address[1]}", (exchange,))
    card.shutdown()  # the replay must not need the card
    with tape.replaying(recording):
        replayed = _poll(driver_class, card.server_address[1])
    assert replayed.as_json()["components"] == report.as_json()["components"]


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ((401, "text/plain", b"no"), ErrorKind.AUTH_FAILED),
        ((500, "text/plain", b"oops"), ErrorKind.PROTOCOL_ERROR),
        ((200, "text/html", b"<html>login</html>"), ErrorKind.PROTOCOL_ERROR),
        ((200, "application/json", b'{"model": "x"}'), ErrorKind.PROTOCOL_ERROR),
    ],
)
def test_the_transport_raises_only_contract_errors(acme, card, answer, kind):
    driver_class, _out = acme
    card.answer = answer
    with pytest.raises(DriverError) as raised:
        _poll(driver_class, card.server_address[1])
    assert raised.value.kind is kind


def test_a_closed_port_is_unreachable(acme, card):
    driver_class, _out = acme
    port = card.server_address[1]
    card.shutdown()
    card.server_close()
    with pytest.raises(DriverError) as raised:
        _poll(driver_class, port)
    assert raised.value.kind is ErrorKind.UNREACHABLE


# -- --protocol snmp: a vendor's MIB on dcmaint-snmp's engine ------------------------------------------------------

SNMP_TESTS = ROOT / "plugins" / "dcmaint-snmp" / "tests"


def _generated_tests(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "no:xdist", "tests"],
        cwd=out,
        env={**os.environ, "PYTHONPATH": str(out / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("kind", [DeviceKind.UPS, DeviceKind.STORAGE, DeviceKind.COOLING, DeviceKind.NETWORK])
def test_snmp_renders_a_profile_driver_its_sample_agents_and_recordings_of_them(tmp_path, kind):
    files = scaffold.render(scaffold.check("acme", kind.value, "snmp", tmp_path / "p"))
    assert {"src/acme_dcmaint/profile.py", "tests/samples/healthy.snmprec", "recordings/faulty.json"} <= set(files)
    assert "transport.py" not in " ".join(files)  # the SNMP plugin's engine does the talking
    driver = files["src/acme_dcmaint/driver.py"]
    assert f"class Acme{kind.value.capitalize()}Driver(ProfileDriver):" in driver
    assert "1.3.6.1.4.1.32473" in files["src/acme_dcmaint/profile.py"]  # RFC 5612's documentation enterprise
    project = tomllib.loads(files["pyproject.toml"])
    from dcmaint_snmp import __version__ as snmp_version

    assert project["project"]["dependencies"] == [
        scaffold.requirement(),
        scaffold.requirement(snmp_version, "dcmaint-snmp"),
    ]
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/acme_dcmaint"]
    sample = scaffold.SAMPLES.get(kind, scaffold._DEFAULT_SAMPLE)
    for case, status, faults in (("healthy", "ok", []), ("faulty", "critical", [sample.locations[1]])):
        recording = tape.Recording.from_json(json.loads(files[f"recordings/{case}.json"]))
        assert (recording.driver, recording.kind, recording.endpoint) == (
            f"acme-{kind.value}",
            kind.value,
            "acme://192.0.2.10",
        )
        assert {exchange.protocol for exchange in recording.exchanges} == {"snmp"}
        assert [exchange.request["op"] for exchange in recording.exchanges] == ["get", "get", "walk"]
        report = recording.report
        assert report is not None and report["status"] == status
        assert [c["location"] for c in report["components"] if c["health"] == "critical"] == faults
        assert report["archive"]["system"]["snmp_profile"] == "acme"


def test_snmp_without_the_snmp_plugin_is_one_line_and_writes_nothing(cli_sqlite, tmp_path, monkeypatch):
    real = scaffold.importlib.util.find_spec
    monkeypatch.setattr(
        scaffold.importlib.util, "find_spec", lambda name: None if name == "dcmaint_snmp" else real(name)
    )
    result = cli_sqlite("plugin", "new", "acme", "--protocol", "snmp", "--output", str(tmp_path / "out"))
    assert result.code == 2
    [shown] = result.err.strip().splitlines()
    assert shown == "dcmaint: error: --protocol snmp builds on the dcmaint-snmp plugin, which is not installed"
    assert not (tmp_path / "out").exists()


def test_the_rendered_snmp_plugin_passes_its_own_conformance_test(cli_sqlite, tmp_path):
    out = tmp_path / "dcmaint-acme"
    result = cli_sqlite("plugin", "new", "acme", "--kind", "ups", "--protocol", "snmp", "--output", str(out))
    assert result.code == 0, result.err
    done = _generated_tests(out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout and "skipped" not in done.stdout


def test_a_broken_snmp_parse_fails_the_rendered_conformance_test(cli_sqlite, tmp_path):
    out = tmp_path / "dcmaint-acme"
    assert cli_sqlite("plugin", "new", "acme", "--kind", "ups", "--protocol", "snmp", "--output", str(out)).code == 0
    profile = out / "src" / "acme_dcmaint" / "profile.py"
    text = profile.read_text(encoding="utf-8")
    broken = text.replace(
        "STATES = {1: Health.OK, 2: Health.WARNING, 3: Health.CRITICAL,",
        "STATES = {1: Health.OK, 2: Health.WARNING, 3: Health.WARNING,",
    )
    assert broken != text
    profile.write_text(broken, encoding="utf-8")
    done = _generated_tests(out)
    assert done.returncode == 1 and "failed" in done.stdout, done.stdout


@pytest.fixture
def snmp_acme(tmp_path, monkeypatch):
    """The rendered SNMP plugin's module, imported from its source folder, and the folder."""
    out = tmp_path / "dcmaint-acme"
    scaffold.create(scaffold.check("acme", "ups", "snmp", out))
    monkeypatch.syspath_prepend(str(out / "src"))
    monkeypatch.syspath_prepend(str(SNMP_TESTS))
    for name in [name for name in sys.modules if name.startswith("acme_dcmaint")]:
        monkeypatch.delitem(sys.modules, name)
    import acme_dcmaint

    return acme_dcmaint, out


@pytest.mark.parametrize(("case", "faults"), [("healthy", []), ("faulty", ["String 2"])])
def test_the_generated_snmp_driver_polls_a_real_agent_serving_its_sample(
    snmp_acme, driver_manager, make_target, run_drivers, case, faults
):
    """Registered through its hook, found by its scheme, it polls snmpsim with the device's community."""
    import sn_peers

    from dcmaint_snmp.snapshot import Snapshot

    module, out = snmp_acme
    sample = Snapshot.from_snmprec((out / "tests" / "samples" / f"{case}.snmprec").read_text(encoding="utf-8"))
    driver_manager.register_plugin(module)
    info = driver_manager.for_scheme("acme")
    assert info.name == "acme-ups"
    with sn_peers.running_agent({"acme-ro": sample.to_snmprec()}) as agent:
        target = make_target(
            "ups-01",
            DeviceKind.UPS,
            endpoint=f"acme://127.0.0.1:{agent.port}",
            credential=Secret("acme-ro"),
            timeout=30.0,
        )
        [result] = run_drivers(info.create(), [target], timeout=30.0)
        recorder = tape.Recorder()
        with tape.listening(recorder):
            [again] = run_drivers(info.create(), [target], timeout=30.0)
    assert result.report is not None, result.message
    assert [c.location for c in result.report.faults()] == faults
    recorded = json.loads((out / "recordings" / f"{case}.json").read_text(encoding="utf-8"))
    live = result.report.as_json()
    for field in ("status", "components", "sensors", "alarms", "events"):
        assert live[field] == recorded["report"][field], field
    # what a live poll records is what the scaffold wrote, community left out
    assert [e.as_json() for e in recorder.exchanges] == recorded["exchanges"]
    assert "acme-ro" not in json.dumps([e.as_json() for e in recorder.exchanges])
    assert again.report is not None and again.report.as_json()["components"] == live["components"]


def test_the_snmp_command_of_the_tutorial_writes_the_files_it_lists(cli_sqlite, tmp_path, monkeypatch):
    """docs/plugins.md shows `dcmaint plugin new ... --protocol snmp` in a block the tutorial cannot run (its fresh
    environment has no SNMP plugin): here it runs, and says what the page says."""
    page = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = page[page.index("### Other protocols: `--protocol snmp`") :]
    block = section[section.index("```sh\n") + len("```sh\n") : section.index("\n```", section.index("```sh\n"))]
    command, *shown = block.splitlines()
    argv = command.removeprefix("$ ").split()
    assert argv[:3] == ["dcmaint", "plugin", "new"] and "snmp" in argv
    monkeypatch.chdir(tmp_path)
    result = cli_sqlite(*argv[1:])
    assert result.code == 0, result.err
    assert result.out.splitlines() == shown
    assert (tmp_path / "dcmaint-acme" / "src" / "acme_dcmaint" / "profile.py").is_file()
