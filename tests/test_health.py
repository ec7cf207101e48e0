"""`dcmaint health` and `--record`, with a scenario driver installed through a real entry point.

The scenario driver reads what to answer from a JSON file per device, so a
test can break and mend parts between polls. Store tests run on both backends.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import audit, counts
from tests.scenario import part, report

HEALTHY = report(part("psu", "PSU 1", serial="5WB1", spare="866730-001"), part("psu", "PSU 2", serial="5WB2"))
PSU2_FAILED = report(
    part("psu", "PSU 1", serial="5WB1", spare="866730-001"),
    part("psu", "PSU 2", "critical", "PSU 2: input lost", serial="5WB2", spare="866730-001"),
)
DISK_PREDICTED = report(part("disk", "Bay 4", "warning", "Bay 4: predicted failure, 3% life left", serial="S4"))


@pytest.fixture
def room(cli, scenario):
    cli.ok("site", "add", "hq", "--customer", "某银行")
    for name in ("srv01", "srv02", "ups01"):
        kind = "ups" if name.startswith("ups") else "server"
        cli.ok(
            "device",
            "add",
            name,
            "--site",
            "hq",
            "--kind",
            kind,
            "--driver",
            "scenario",
            "--endpoint",
            f"scenario://{name}",
        )
    cli.ok("device", "add", "tape01", "--site", "hq", "--kind", "backup")  # no driver: not polled by default
    for name in ("srv01", "srv02", "ups01"):
        scenario(name, HEALTHY)
    return cli, scenario


def test_all_healthy_is_ok(room):
    cli, _ = room
    result = cli("health", "--format", "json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "ok" and data["counts"] == {"ok": 3, "warning": 0, "critical": 0, "unknown": 0}
    assert [d["name"] for d in data["devices"]] == ["srv01", "srv02", "ups01"]
    assert set(data["devices"][0]) >= {"name", "status", "error", "faults"}


def test_exit_code_is_the_worst_status(room):
    cli, scenario = room
    scenario("srv02", DISK_PREDICTED)
    assert cli("health").code == 1
    scenario("srv01", PSU2_FAILED)
    assert cli("health").code == 2
    scenario("ups01", {"error": "unreachable", "message": "10.0.0.9: connection refused"})
    result = cli("health", "--format", "json")
    assert result.code == 2  # monitoring-plugin order: critical > warning > unknown > ok
    assert cli("health", "ups01").code == 3
    ups = next(d for d in result.json()["devices"] if d["name"] == "ups01")
    assert ups["status"] == "unknown" and ups["error"] == "10.0.0.9: connection refused"
    assert ups["error_kind"] == "unreachable"
    assert cli("health", "srv01").code == 2 and cli("health", "hq/srv02").code == 1


def test_fault_carries_the_part_identity(room):
    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    data = cli("health", "srv01", "-f", "json").json()
    assert data["devices"][0]["faults"] == [
        {
            "kind": "psu",
            "location": "PSU 2",
            "health": "critical",
            "reason": "PSU 2: input lost",
            "manufacturer": "HPE",
            "model": "800W FS Plat Ht Plg LH Pwr Sply Kit",
            "part_number": "865414-B21",
            "spare_part_number": "866730-001",
            "serial": "5WB2",
        }
    ]
    table = cli("health").out
    assert "PSU 2: input lost" in table and "866730-001" in table


def test_nagios_output(room):
    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    scenario("ups01", {"error": "auth_failed", "message": "login refused for admin"})
    result = cli("health", "--format", "nagios")
    lines = result.out.strip().splitlines()
    assert result.code == 2
    assert re.match(
        r"^DCMAINT CRITICAL - 1 critical, 0 warning, 1 unknown, 1 ok of 3 devices \(1 not polled\) "
        r"\| devices=3;;;0 ",
        lines[0],
    )
    assert "faults=1;;;0 skipped=1;;;0" in lines[0] and re.search(r"time=[0-9.]+s;;;0$", lines[0])
    assert lines[1].startswith("[CRITICAL] hq/srv01: psu PSU 2: PSU 2: input lost (HPE 800W")
    assert lines[2] == "[UNKNOWN] hq/ups01: login refused for admin"
    assert lines[3] == "[SKIPPED] hq/tape01: no driver set (dcmaint device edit tape01 --driver NAME)"
    single = cli("health", "srv01", "-f", "nagios").out.splitlines()[0]
    assert single.startswith("DCMAINT CRITICAL - hq/srv01: 1 faults, worst: PSU 2: input lost |")


def test_prometheus_output_is_valid_exposition(room):
    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    text = cli("health", "-f", "prometheus").out
    sample = re.compile(r'^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)*\})? -?[0-9.]+$')
    for line in text.strip().splitlines():
        assert line.startswith(("# HELP ", "# TYPE ")) or sample.match(line), line
    assert 'dcmaint_device_status{site="hq",device="srv01",driver="scenario"} 2' in text
    assert (
        'dcmaint_component_status{site="hq",device="srv01",driver="scenario",kind="psu",location="PSU 2",'
        'part_number="865414-B21",serial="5WB2"} 2'
    ) in text
    assert 'dcmaint_faults{site="hq",device="srv01",driver="scenario",health="critical"} 1' in text
    assert 'dcmaint_device_skipped{site="hq",device="tape01",driver="",reason="no_driver"} 1' in text


def _series(text: str) -> dict[str, set[tuple[str, ...]]]:
    """Metric name -> the label-name tuples its samples carry."""
    found: dict[str, set[tuple[str, ...]]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _brace, rest = line.partition("{")
            labels = tuple(re.findall(r'([a-z_]+)="(?:[^"\\]|\\.)*"', rest.rpartition("}")[0]))
            found.setdefault(name.split()[0], set()).add(labels)
    return found


def test_every_prometheus_series_of_a_family_carries_the_same_labels(room):
    cli, scenario = room
    without_identity = part("fan", "Fan 3", "critical", "Fan 3: stopped")
    without_identity["part"] = None
    scenario("srv01", report(part("psu", "PSU 1", serial="5WB1"), without_identity))
    scenario("ups01", {"error": "unreachable", "message": "10.0.0.9: connection refused"})
    text = cli("health", "-f", "prometheus").out
    assert 'location="Fan 3",part_number="",serial=""} 2' in text  # no identity: the labels are there, empty
    for name, label_sets in _series(text).items():
        assert len(label_sets) == 1, (name, label_sets)
    labels = _series(text)
    assert labels["dcmaint_component_status"] == {
        ("site", "device", "driver", "kind", "location", "part_number", "serial")
    }
    base = ("site", "device", "driver")
    assert labels["dcmaint_device_status"] == labels["dcmaint_device_up"] == {base}
    assert labels["dcmaint_poll_duration_seconds"] == {base}
    assert labels["dcmaint_poll_error"] == {(*base, "error")} and labels["dcmaint_faults"] == {(*base, "health")}


def test_output_file_is_replaced_atomically_whatever_the_exit_code(room, tmp_path):
    import json
    import os
    import stat

    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    folder = tmp_path / "textfile"
    folder.mkdir()
    target = folder / "dcmaint.prom"
    target.write_text("old\n")
    target.chmod(0o644)
    result = cli("health", "--format", "prometheus", "--output", str(target))
    assert result.code == 2 and result.out == ""  # critical, and the file is written all the same
    text = target.read_text()
    assert text.startswith("# HELP dcmaint_device_status") and text.endswith("\n")
    assert 'dcmaint_device_status{site="hq",device="srv01",driver="scenario"} 2' in text
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644  # a collector running as another user still reads it
    assert [p.name for p in folder.iterdir()] == ["dcmaint.prom"]  # no temporary file left behind

    scenario("srv01", {"error": "unreachable", "message": "10.0.0.8: connection refused"})
    assert cli("health", "srv01", "-f", "prometheus", "-o", str(target)).code == 3
    assert 'dcmaint_device_up{site="hq",device="srv01",driver="scenario"} 0' in target.read_text()

    written = folder / "health.json"
    assert cli("health", "-f", "json", "--output", str(written)).code == 3  # any format; srv01 is unknown
    assert json.loads(written.read_text())["counts"]["unknown"] == 1


def test_the_textfile_recipes_in_the_docs_write_the_file(room, tmp_path):
    """The cron line and the systemd unit of docs/health.md, run as written (the collector's folder moved)."""
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "health.md").read_text(encoding="utf-8")
    cron = re.search(r"^\*/5 \* \* \* \* +dcmaint +(/opt/dcmaint/bin/dcmaint .+)$", docs, re.MULTILINE)[1]
    unit = re.search(r"^ExecStart=(/opt/dcmaint/bin/dcmaint .+)$", docs, re.MULTILINE)[1]
    assert re.search(r"^SuccessExitStatus=1 2 3$", docs, re.MULTILINE)  # findings are not unit failures
    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    for number, line in enumerate((cron, unit)):
        folder = tmp_path / f"textfile{number}"
        folder.mkdir()
        argv = line.replace("/var/lib/node_exporter/textfile", str(folder)).split()[1:]
        assert argv[-2:] == ["--output", str(folder / "dcmaint.prom")]
        assert cli(*argv).code == 2
        written = (folder / "dcmaint.prom").read_text()
        assert 'dcmaint_device_status{site="hq",device="srv01",driver="scenario"} 2' in written


def test_an_unwritable_output_is_unknown(room, tmp_path):
    cli, _ = room
    missing = tmp_path / "no-such-folder" / "dcmaint.prom"
    result = cli("health", "-f", "prometheus", "--output", str(missing))
    assert result.code == 3 and result.out == "" and str(missing) in result.err
    nagios = cli("health", "-f", "nagios", "--output", str(missing))
    assert nagios.code == 3 and nagios.out.startswith("DCMAINT UNKNOWN - cannot write ")


def test_a_pipe_in_any_text_cannot_break_the_nagios_perfdata(room):
    cli, scenario = room
    scenario("srv01", report(part("psu", "PSU|2", "critical", "PSU 2: input lost | AC\nfeed B", serial="5W|B2")))
    scenario("ups01", {"error": "unreachable", "message": "10.0.0.9 | refused"})
    lines = cli("health", "-f", "nagios").out.strip().splitlines()
    assert lines[0].count("|") == 1 and lines[0].split(" | ")[1].startswith("devices=3;;;0")
    assert all("|" not in line for line in lines[1:])  # long output: a "|" there starts perfdata too
    assert "[CRITICAL] hq/srv01: psu PSU/2: PSU 2: input lost / AC feed B (HPE 800W" in lines[1]
    assert "SN 5W/B2" in lines[1] and "[UNKNOWN] hq/ups01: 10.0.0.9 / refused" in lines
    single = cli("health", "srv01", "-f", "nagios").out.splitlines()[0]
    assert single.startswith("DCMAINT CRITICAL - hq/srv01: 1 faults, worst: PSU 2: input lost / AC feed B | ")


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["health", "--format", "nagios", "nosuch"], "unknown device 'nosuch'"),
        (["health", "-f", "NAGIOS", "--concurrency", "0"], "--concurrency '0'"),
        (["health", "--format=nagios", "--bogus"], "--bogus"),
        (["health", "-fnagios", "--open-tickets"], "--open-tickets needs --record"),
        (["--bogus", "health", "--format", "nagios"], "--bogus"),  # refused before health's module loads
        (["health", "--format", "nagios", "--target", "acme://x"], "no installed driver serves 'acme'"),
    ],
)
def test_a_nagios_check_that_fails_prints_one_unknown_status_line(room, db_url, argv, reason):
    cli, _ = room
    before = counts(db_url)
    result = cli(*argv)
    assert result.code == 3 and result.err == ""
    [line] = result.out.splitlines()
    assert line.startswith("DCMAINT UNKNOWN - ") and reason in line and "|" not in line
    assert counts(db_url) == before


def test_a_nagios_check_without_a_usable_configuration_or_database_is_unknown(room, tmp_path, monkeypatch):
    cli, _ = room
    broken = tmp_path / "broken.toml"
    broken.write_text("[runner\nconcurrency = 'many'\n")
    monkeypatch.setenv("DCMAINT_CONFIG", str(broken))
    config = cli("health", "-f", "nagios")
    assert config.code == 3 and config.err == "" and config.out.startswith("DCMAINT UNKNOWN - ")
    assert str(broken) in config.out and len(config.out.splitlines()) == 1
    plain = cli("health")  # the table format keeps stdout for the table: the error goes to stderr
    assert plain.code == 3 and plain.out == "" and str(broken) in plain.err
    monkeypatch.delenv("DCMAINT_CONFIG")
    monkeypatch.setenv("DCMAINT_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
    database = cli("health", "-f", "nagios")
    assert database.code == 3 and database.err == "" and database.out.startswith("DCMAINT UNKNOWN - ")
    assert len(database.out.splitlines()) == 1


@pytest.fixture
def chinese(monkeypatch):
    from dcmaint import i18n

    monkeypatch.setenv("DCMAINT_LANG", "zh_CN")
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    i18n.reset()
    yield
    i18n.reset()  # the next message installs the catalogue again, for the environment then restored


def test_the_nagios_output_is_english_whatever_the_locale_and_the_table_is_not(room, chinese):
    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    nagios = cli("health", "-f", "nagios").out.splitlines()
    assert nagios[0].startswith("DCMAINT CRITICAL - 1 critical, 0 warning, 0 unknown, 2 ok of 3 devices")
    assert nagios[-1] == "[SKIPPED] hq/tape01: no driver set (dcmaint device edit tape01 --driver NAME)"
    error = cli("health", "nosuch", "-f", "nagios")
    assert error.code == 3 and error.out == "DCMAINT UNKNOWN - unknown device 'nosuch'\n"
    table = cli("health").out
    assert "设备" in table and "Device" not in table
    assert "unknown device" not in cli("health", "nosuch").err  # other formats keep the user's language


def test_devices_that_cannot_be_polled_are_skipped_and_listed_not_unknown(room, db_url, monkeypatch):
    cli, _ = room
    monkeypatch.setenv("DCMAINT_LOAD_PLUGINS", "scenario,redfish")
    cli.ok("device", "add", "crac01", "--site", "hq", "--kind", "cooling", "--driver", "scenario")
    cli.ok("device", "add", "bmc09", "--site", "hq", "--kind", "server", "--driver", "redfish")
    monkeypatch.setenv("DCMAINT_LOAD_PLUGINS", "scenario")  # redfish is no longer installed
    before = counts(db_url)
    result = cli("health", "--site", "hq", "-f", "json", "--record")
    assert result.code == 0, result.out  # what could not be polled does not make the site UNKNOWN
    data = result.json()
    assert [d["name"] for d in data["devices"]] == ["srv01", "srv02", "ups01"]
    assert [(d["site"], d["name"], d["kind"], d["driver"], d["reason"]) for d in data["skipped"]] == [
        ("hq", "bmc09", "server", "redfish", "driver_not_installed"),
        ("hq", "crac01", "cooling", "scenario", "kind_not_served"),
        ("hq", "tape01", "backup", None, "no_driver"),
    ]
    assert "unknown driver 'redfish'" in data["skipped"][0]["message"]
    assert "does not serve cooling devices" in data["skipped"][1]["message"]
    assert counts(db_url)["device_polls"] == before["device_polls"] + 3  # only the polled devices are recorded

    table = cli("health", "--site", "hq")
    assert table.code == 0 and "Not polled (3), the status above leaves them out:" in table.out
    assert re.search(r"^hq/tape01 +backup +no driver set \(dcmaint device edit tape01", table.out, re.MULTILINE)
    assert table.err == ""
    assert cli("health", "--kind", "ups", "-f", "json").json()["skipped"] == []  # only the selection's devices

    named = cli("health", "tape01", "crac01", "-f", "json")  # named explicitly: polled, and UNKNOWN
    assert named.code == 3 and named.json()["skipped"] == []
    assert [d["error_kind"] for d in named.json()["devices"]] == ["not_configured", "not_configured"]

    nothing = cli("health", "--kind", "backup")
    assert nothing.code == 3 and nothing.out == ""
    assert "no devices to poll: 1 devices skipped, e.g. hq/tape01: no driver set" in nothing.err


def test_a_device_that_times_out_is_reported_with_the_timeout_given(cli_sqlite, monkeypatch):
    """A BMC that accepts the connection and never answers: the message names the --timeout given."""
    import socket

    monkeypatch.setenv("BMC_PASSWORD", "not-a-real-password")
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)  # the kernel completes the handshake; nobody ever reads the request
        port = hung.getsockname()[1]
        result = cli_sqlite(
            "health",
            "--target",
            f"redfish+http://127.0.0.1:{port}",
            "--username",
            "monitor",
            "--password-ref",
            "env:BMC_PASSWORD",
            "--timeout",
            "1",
            "-f",
            "json",
        )
    [device] = result.json()["devices"]
    assert result.code == 3 and device["error_kind"] == "timed_out", device
    # the driver's deadline, its read timeout or the runner's backstop, whichever fires first: each names 1 s
    assert re.search(r"(within|the poll's deadline is) 1 s\b", device["error"]), device["error"]
    assert not re.search(r"within 0\.\d+ s(?! \(read_timeout)", device["error"]), device["error"]


def test_record_deduplicates_faults(room, db_url):
    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    for _ in range(3):
        assert cli("health", "--record").code == 2
    shown = cli.ok("device", "show", "srv01", "-f", "json").json()
    assert [f["location"] for f in shown["open_faults"]] == ["PSU 2"]
    fault = shown["open_faults"][0]
    assert fault["first_seen"] < fault["last_seen"] and fault["spare_part_number"] == "866730-001"
    assert shown["last_poll"]["status"] == "critical" and shown["last_poll"]["report"]["identity"]["serial"] == "CZ1"
    assert counts(db_url)["faults"] == 1 and counts(db_url)["components"] == 6
    opened = [e for e in audit(db_url) if e.entity == "fault"]
    assert [(e.entity_key, e.action) for e in opened] == [("hq/srv01:psu:PSU 2", "open")]

    scenario("srv01", {"error": "unreachable", "message": "timeout"})
    cli("health", "--record")
    assert (
        len(cli.ok("device", "show", "srv01", "-f", "json").json()["open_faults"]) == 1
    )  # a failed poll proves nothing

    scenario("srv01", HEALTHY)
    assert cli("health", "--record").code == 0
    assert cli.ok("device", "show", "srv01", "-f", "json").json()["open_faults"] == []
    assert [e.action for e in audit(db_url) if e.entity == "fault"] == ["open", "close"]

    scenario("srv01", PSU2_FAILED)
    cli("health", "--record")
    assert counts(db_url)["faults"] == 2  # a new fault after the repair, the old one stays closed
    table = cli.ok("device", "show", "srv01").out
    assert "Last poll: CRITICAL" in table and "PSU 2: input lost" in table


def test_tables_fit_the_terminal_and_a_pipe_gets_whole_lines(room, monkeypatch):
    import sys

    cli, scenario = room
    reason = "PSU 2: input lost on feed B; the redundant supply carries the whole load, replace it within the day"
    scenario("srv01", report(part("psu", "PSU 2", "critical", reason, serial="5WB2", spare="866730-001")))
    piped = cli("health").out
    assert reason in piped  # no terminal: no limit, a row stays one line
    monkeypatch.setenv("COLUMNS", "100")
    assert reason in cli("health").out  # $COLUMNS alone does not make a pipe a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    shown = cli("health").out
    assert max(len(line) for line in shown.splitlines()) <= 100
    assert reason not in shown and "5WB2" in shown and "866730-001" in shown  # identities are never broken
    header, _rule, *faults = shown.split("\n\n")[1].splitlines()
    start, end = header.index("Reason"), header.index("Part number")
    assert " ".join(line[start:end].strip() for line in faults) == reason  # wrapped within its column, whole


def test_tables_show_times_in_the_site_time_zone_and_json_keeps_iso(room):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    cli("health", "srv01", "--record")
    data = cli.ok("device", "show", "srv01", "-f", "json").json()
    polled = datetime.fromisoformat(data["last_poll"]["polled_at"])
    assert polled.utcoffset().total_seconds() == 0  # JSON: ISO 8601 in UTC, as before
    local = polled.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")  # the site's default zone
    table = cli.ok("device", "show", "srv01").out
    assert f"Last poll: CRITICAL at {local} by scenario" in table
    first_seen = datetime.fromisoformat(data["open_faults"][0]["first_seen"])
    assert first_seen.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") in table
    assert "+00:00" not in table
    audit_line = cli.ok("audit", "list", "--entity", "fault").out.splitlines()[2]
    assert re.search(r" \d{4}-\d\d-\d\d \d\d:\d\d UTC ", audit_line)  # no site: UTC, and it says so


def test_record_notices_a_swapped_part(room, db_url):
    cli, scenario = room
    cli("health", "--record")
    swapped = report(part("psu", "PSU 1", serial="5WB1", spare="866730-001"), part("psu", "PSU 2", serial="NEW9"))
    scenario("srv01", swapped)
    cli("health", "--record")
    changes = [e for e in audit(db_url) if e.action == "serial-changed"]
    assert [(e.entity_key, e.before["serial"], e.after["serial"]) for e in changes] == [
        ("hq/srv01:psu:PSU 2", "5WB2", "NEW9")
    ]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["health", "--format", "xml"], "'xml'"),
        (["health", "nosuch"], "'nosuch'"),
        (["health", "--site", "nowhere"], "'nowhere'"),
        (["health", "--target", "ftp://x"], "'ftp://x'"),
        (
            ["health", "--target", "acme://ups7"],
            "'acme://ups7': no installed driver serves 'acme' (known schemes: scenario)",
        ),
        (
            ["health", "--target", "scenario://"],
            "'scenario://': expected SCHEME://HOST[:PORT] (known schemes: scenario)",
        ),
        (["health", "--target", "scenario://srv01:http"], "'scenario://srv01:http'"),
        (["health", "--target", "scenario://srv01"], "choose one with --kind (server, ups, storage)"),
        (
            ["health", "--target", "scenario://srv01", "--kind", "cooling"],
            "invalid --kind cooling for --target 'scenario://srv01'",
        ),
        (
            ["health", "--target", "scenario://srv01", "--kind", "server", "--insecure", "--fingerprint", "AB"],
            "--insecure",
        ),
        (["health", "--target", "scenario://srv01", "--kind", "server", "--password-ref", "s3cret"], "env:NAME"),
        (["health", "--open-tickets"], "--open-tickets needs --record"),
        (["health", "--target", "redfish://x", "--record"], "--record"),
        (["health", "--concurrency", "0"], "0"),
        (["health", "--timeout", "nan"], "invalid --timeout 'nan'"),
        (["health", "--timeout", "inf"], "invalid --timeout 'inf'"),
        (["health", "--timeout", "-1"], "invalid --timeout '-1'"),
        (["health", "--timeout", "0"], "invalid --timeout '0'"),
        (["health", "tape01", "--kind", "server"], "no devices"),
    ],
)
def test_health_usage_errors_are_unknown_and_write_nothing(room, db_url, argv, named):
    cli, _ = room
    before = counts(db_url)
    result = cli(*argv)
    assert result.code == 3 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and named in result.err
    assert counts(db_url) == before


def test_device_without_driver_named_explicitly_is_unknown(room):
    cli, _ = room
    result = cli("health", "tape01", "-f", "json")
    assert result.code == 3 and result.json()["devices"][0]["error_kind"] == "not_configured"


def test_workers_share_the_run_with_the_same_answers(room):
    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    one = cli("health", "--workers", "1", "-f", "json").json()
    two = cli("health", "--workers", "2", "-f", "json").json()
    assert [(d["name"], d["status"], d["faults"]) for d in one["devices"]] == [
        (d["name"], d["status"], d["faults"]) for d in two["devices"]
    ]


def test_a_target_reaches_the_driver_that_declares_its_scheme(room):
    cli, scenario = room
    scenario("srv01", PSU2_FAILED)
    result = cli("health", "--target", "scenario://srv01", "--kind", "server", "--format", "json")
    assert result.code == 2, result.err
    [polled] = result.json()["devices"]
    assert (polled["name"], polled["site"], polled["driver"], polled["status"]) == (
        "srv01",
        None,
        "scenario",
        "critical",
    )
    assert [fault["location"] for fault in polled["faults"]] == ["PSU 2"]
    nagios = cli("health", "--target", "scenario://srv01", "--kind", "server", "-f", "nagios").out
    assert nagios.startswith("DCMAINT CRITICAL - srv01: 1 faults, worst: PSU 2: input lost |")
    assert "\n[CRITICAL] srv01: psu PSU 2" in nagios
    prometheus = cli("health", "--target", "scenario://srv01", "--kind", "server", "-f", "prometheus").out
    assert 'dcmaint_device_status{site="-",device="srv01",driver="scenario"} 2' in prometheus


def test_kind_applies_to_targets_and_to_registered_devices(room):
    cli, scenario = room
    scenario("ups01", {"error": "unreachable", "message": "10.0.0.9: connection refused"})
    polled = cli("health", "--target", "scenario://ups01", "--kind", "ups", "-f", "json").json()["devices"]
    assert [(d["name"], d["error_kind"]) for d in polled] == [("ups01", "unreachable")]
    assert [d["name"] for d in cli("health", "--kind", "ups", "-f", "json").json()["devices"]] == ["ups01"]


def test_a_target_with_a_port_is_named_after_host_and_port(room):
    cli, _ = room
    result = cli("health", "--target", "scenario://srv02:8443", "--kind", "server", "-f", "json")
    [polled] = result.json()["devices"]
    assert polled["name"] == "srv02_8443" and polled["error_kind"] == "crashed"  # no srv02:8443.json to read


def test_a_collector_calls_the_same_service_function(room, db_url):
    from dcmaint.config import load
    from dcmaint.domain.enums import DeviceKind
    from dcmaint.services.context import Context
    from dcmaint.services.health_check import HealthRequest, check_health
    from dcmaint.store.urls import parse

    _, scenario = room
    scenario("srv01", PSU2_FAILED)
    context = Context(parse(db_url), "collector", "collect", load())
    outcome = check_health(context, HealthRequest(site="hq", kind=DeviceKind.SERVER, record=True, open_tickets=True))
    assert [r.device for r in outcome.run.results] == ["srv01", "srv02"] and outcome.run.exit_code == 2
    assert outcome.recorded is not None and (outcome.recorded.devices, outcome.recorded.opened) == (2, 1)
    assert outcome.tickets is not None and len(outcome.tickets) == 1
    opened = [e for e in audit(db_url) if e.entity == "fault"]
    assert [(e.actor, e.command, e.action) for e in opened] == [("collector", "collect", "open")]
    assert check_health(context, HealthRequest(devices=("srv01",))).recorded is None  # nothing stored unasked
