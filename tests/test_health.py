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
        r"^DCMAINT CRITICAL - 1 critical, 0 warning, 1 unknown, 1 ok of 3 devices \| devices=3;;;0 ", lines[0]
    )
    assert "faults=1;;;0" in lines[0] and re.search(r"time=[0-9.]+s;;;0$", lines[0])
    assert lines[1].startswith("[CRITICAL] hq/srv01: psu PSU 2: PSU 2: input lost (HPE 800W")
    assert lines[2] == "[UNKNOWN] hq/ups01: login refused for admin"
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
        'dcmaint_component_status{site="hq",device="srv01",kind="psu",location="PSU 2",'
        'part_number="865414-B21",serial="5WB2"} 2'
    ) in text
    assert 'dcmaint_faults{site="hq",device="srv01",health="critical"} 1' in text


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
