"""The driver against a fake BMC over HTTP: the walk, $expand, the cap, retries, deadlines and errors."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
import rf_trees as trees
from rf_fakebmc import FakeBmc
from rf_guard import SleepLog
from rf_peers import free_port

from dcmaint.drivers import (
    AuthFailed,
    ComponentKind,
    DeviceReport,
    DriverError,
    ErrorKind,
    Health,
    ProtocolError,
    Target,
    TimedOut,
    Unreachable,
)
from dcmaint.secrets import Secret
from dcmaint.testing import finishes, report_problems
from dcmaint_redfish import transport
from dcmaint_redfish.driver import RedfishDriver
from dcmaint_redfish.parse import parse_report
from dcmaint_redfish.parse.vendor import VendorProfile

PASSWORD = "secret"


def target(bmc: FakeBmc | str, *, password: str = PASSWORD, timeout: float = 10.0, **options: str) -> Target:
    endpoint = bmc if isinstance(bmc, str) else bmc.endpoint
    return Target(
        "bmc-1", "server", endpoint, username="admin", credential=Secret(password), timeout=timeout, options=options
    )


def poll(bmc: FakeBmc | str, **kwargs: Any) -> DeviceReport:
    return asyncio.run(RedfishDriver().poll(target(bmc, **kwargs)))


def test_the_walk_reads_everything_the_parser_needs(fake_bmc: Any) -> None:
    tree = trees.faulty()
    bmc = fake_bmc(tree)
    report = poll(bmc)
    expected = parse_report(tree)
    assert report.components == expected.components
    assert report.sensors == expected.sensors and report.events == expected.events
    assert report.identity == expected.identity and report.archive == expected.archive
    assert {(c.location, c.reason) for c in report.faults()} == {
        ("PSU 2", "input lost"),
        ("Bay 4", "predicted failure"),  # a spinning disk: its life-left figure is no wear
        ("P1-DIMMA1", "degraded"),
        ("Battery 1", "failed"),
    }
    assert report_problems(report) == []
    assert bmc.counters.sessions_opened == 1 and bmc.open_sessions == 0


def test_expand_saves_requests_and_a_bmc_that_ignores_it_still_gives_everything(fake_bmc: Any) -> None:
    tree = trees.server()
    expanded, plain, ignoring = fake_bmc(tree), fake_bmc(tree), fake_bmc(tree, expand=False)
    reports = [poll(expanded), poll(plain, expand="off"), poll(ignoring)]
    assert reports[0].components == reports[1].components == reports[2].components
    counts = [len(bmc.counters.requests) for bmc in (expanded, plain, ignoring)]
    assert counts[0] < counts[1] and counts[0] < counts[2]
    assert any("$expand=.($levels=1)" in path for path in expanded.requested())
    assert not any("$expand" in path for path in plain.requested())


def test_a_collection_that_refuses_expand_is_read_plainly(fake_bmc: Any) -> None:
    tree = trees.server()
    bmc = fake_bmc(tree)
    bmc.fail(f"{trees.SYS}/Memory", status=400, times=1)  # the first (expanded) GET fails, the plain one works
    report = poll(bmc)
    assert [c.location for c in report.components if c.kind is ComponentKind.DIMM] == [
        "P1-DIMMA1",
        "P1-DIMMB1",
        "P2-DIMMA1",
        "P2-DIMMB1",
    ]
    assert not any(alarm.severity is Health.UNKNOWN for alarm in report.alarms)


def test_paged_collections_are_followed_and_long_logs_read_from_their_end(fake_bmc: Any) -> None:
    tree = trees.server()
    bmc = fake_bmc(tree, page_size=2, expand=False)
    report = poll(bmc)
    assert len([c for c in report.components if c.kind is ComponentKind.DIMM]) == 4
    assert report.events[0].message == "Power supply 2 input lost"  # the third entry, beyond the first page
    assert any("$skip=0&$top=20" in path for path in bmc.requested())


@pytest.mark.parametrize("cap", ["4", "2", "1"])
def test_requests_in_flight_never_exceed_the_cap(fake_bmc: Any, cap: str) -> None:
    bmc = fake_bmc(trees.server())
    for path in bmc.resources:
        bmc.fail(path, delay=0.01)
    poll(bmc, concurrency=cap)
    assert 1 <= bmc.counters.max_inflight <= int(cap)
    if cap != "1":
        assert bmc.counters.max_inflight > 1  # and the walk does use what it may


def test_a_refused_login_is_auth_failed_without_the_password(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    with pytest.raises(AuthFailed) as raised:
        poll(bmc, password="wrong-password-123")
    assert "wrong-password-123" not in str(raised.value) and "admin" in str(raised.value)
    assert bmc.open_sessions == 0


def test_503_is_retried(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.R}/Systems", status=503, times=2)
    report = poll(bmc)
    assert report.status is Health.OK
    assert sum(path.startswith(f"{trees.R}/Systems?") for path in bmc.requested()) == 3


def test_a_bmc_that_stays_busy_is_unreachable_after_three_tries(fake_bmc: Any, monkeypatch: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.R}/Systems", status=503)
    sleeps = SleepLog(transport, monkeypatch)
    with pytest.raises(Unreachable, match="503"):
        poll(bmc, expand="off")
    assert sleeps.delays == [0.25, 0.75]  # the backoff before the 2nd and the 3rd try
    assert bmc.requested().count(f"{trees.R}/Systems") == 3
    assert bmc.open_sessions == 0


def test_an_optional_resource_that_fails_leaves_a_partial_report_that_says_so(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.faulty())
    bmc.fail(f"{trees.CH}/Thermal", status=500)
    report = poll(bmc)
    assert report.status is Health.CRITICAL  # the PSU is still found
    unknown = [alarm.message for alarm in report.alarms if alarm.severity is Health.UNKNOWN]
    assert unknown == [f"could not read {trees.CH}/Thermal: HTTP 500 Internal Server Error"]


def test_a_slow_answer_within_the_deadline_is_waited_for(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.SYS}/Memory", delay=0.6)
    report = poll(bmc, timeout=5.0)
    assert len([c for c in report.components if c.kind is ComponentKind.DIMM]) == 4  # the slow answer was read
    assert not [alarm for alarm in report.alarms if alarm.severity is Health.UNKNOWN]


def test_a_hung_answer_ends_the_poll_within_its_deadline(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.SYS}/Memory", delay=3600)
    with pytest.raises(TimedOut, match="Memory") as raised:
        finishes(lambda: poll(bmc, timeout=2.0), what="a poll of a hung BMC")
    assert bmc.counters.held == [f"{trees.SYS}/Memory"]  # the poll ended while the BMC still held its answer
    # the deadline given is named, though the walk gets it less the logout reserve; on a loaded machine the
    # request's own read timeout (what is left of the deadline when it starts) may be the one that fires
    assert re.search(r"(within|the poll's deadline is) 2 s", str(raised.value))
    assert bmc.open_sessions == 0


def test_a_read_timeout_below_the_deadline_names_the_resource(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.CH}/Power", delay=60)
    with pytest.raises(TimedOut, match=r"/Chassis/1/Power: no answer within 0.3 s"):
        poll(bmc, timeout=5.0, read_timeout="0.3")
    assert bmc.open_sessions == 0


@pytest.mark.parametrize(
    "body", [b"{not json", b"<html>502 Bad Gateway</html>", b"[1, 2]", b"\xff\xfe", b"[" * 100_000]
)
def test_a_malformed_body_is_a_protocol_error(fake_bmc: Any, body: bytes) -> None:
    bmc = fake_bmc(trees.server())
    bmc.fail(f"{trees.SYS}/Storage", body=body)
    with pytest.raises(ProtocolError, match="Storage"):
        poll(bmc)
    assert bmc.open_sessions == 0


def test_nobody_listening_is_unreachable() -> None:
    with pytest.raises(Unreachable, match="cannot connect"):
        poll(f"redfish+http://127.0.0.1:{free_port()}")


def test_basic_auth_opens_no_session(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    report = poll(bmc, auth="basic")
    assert report.status is Health.OK and bmc.counters.sessions_opened == 0
    assert not bmc.requested("POST")


def test_without_a_session_service_auto_falls_back_to_basic_and_session_mode_refuses(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server(), sessions=False)
    assert poll(bmc).status is Health.OK
    with pytest.raises(DriverError, match="no Redfish sessions"):
        poll(bmc, auth="session")


@pytest.mark.parametrize(
    ("endpoint", "options", "message"),
    [
        ("ftp://10.0.0.5", {}, "not a Redfish address"),
        ("redfish://user:pw@10.0.0.5", {}, "must not carry credentials"),
        (None, {}, "no endpoint"),
        ("redfish://10.0.0.5", {"auth": "kerberos"}, "auth"),
        ("redfish://10.0.0.5", {"concurrency": "0"}, "concurrency"),
        ("redfish://10.0.0.5", {"read_timeout": "soon"}, "read_timeout"),
        ("redfish://10.0.0.5", {"check_hostname": "maybe"}, "check_hostname"),
    ],
)
def test_unusable_settings_are_not_configured(endpoint: str | None, options: dict[str, str], message: str) -> None:
    bad = Target("bmc-1", "server", endpoint, username="admin", options=options)
    with pytest.raises(DriverError, match=message) as raised:
        asyncio.run(RedfishDriver().poll(bad))
    assert raised.value.kind is ErrorKind.NOT_CONFIGURED


class AcmeOem(VendorProfile):
    """Asks for an OEM tree outside the standard walk, in two rounds, and reads a part from it."""

    name = "acme-oem"

    def matches(self, root: Any) -> bool:
        return root.get("Vendor") == "Acme"

    def extra_paths(self, resources: Any) -> list[str]:
        wanted = ["/redfish/v1/Oem/Acme/Bezels"]
        bezels = resources.get("/redfish/v1/Oem/Acme/Bezels")
        if bezels:
            wanted += [member["@odata.id"] for member in bezels["Members"]]
        return wanted

    def components(self, resources: Any) -> list[Any]:
        from dcmaint.drivers import Component

        bezel = resources.get("/redfish/v1/Oem/Acme/Bezels/1")
        return [Component(ComponentKind.OTHER, "Front bezel", bezel["Health"], reason="intrusion")] if bezel else []


def test_the_profile_extra_paths_are_fetched(fake_bmc: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from dcmaint_redfish.parse import oem

    monkeypatch.setattr(oem, "PROFILES", [AcmeOem()])
    tree = trees.server()
    tree["/redfish/v1/Oem/Acme/Bezels"] = trees.collection(
        "/redfish/v1/Oem/Acme/Bezels", ["/redfish/v1/Oem/Acme/Bezels/1"]
    )
    tree["/redfish/v1/Oem/Acme/Bezels/1"] = {"@odata.id": "/redfish/v1/Oem/Acme/Bezels/1", "Health": "warning"}
    bmc = fake_bmc(tree)
    report = poll(bmc)
    assert [(c.location, c.health.value) for c in report.faults()] == [("Front bezel", "warning")]
    assert bmc.requested().count("/redfish/v1/Oem/Acme/Bezels/1") == 1


def test_probe_says_what_answers(fake_bmc: Any) -> None:
    bmc = fake_bmc(trees.server())
    found = asyncio.run(RedfishDriver().probe(target(bmc)))
    assert found is not None and (found.vendor, found.model, found.firmware["Redfish"]) == (
        "Acme",
        "Acme R100",
        "1.15.0",
    )
    del bmc.resources[trees.R]
    assert asyncio.run(RedfishDriver().probe(target(bmc))) is None
    assert not bmc.requested("POST")  # probing never logs in


def test_one_driver_polls_many_bmcs_at_once(fake_bmc: Any) -> None:
    bmcs = [fake_bmc(trees.faulty() if n % 2 else trees.server()) for n in range(6)]
    driver = RedfishDriver()

    async def all_of() -> list[DeviceReport]:
        return list(await asyncio.gather(*(driver.poll(target(bmc)) for bmc in bmcs)))

    reports = asyncio.run(all_of())
    assert [report.status.value for report in reports] == ["ok", "critical"] * 3
    assert all(bmc.open_sessions == 0 for bmc in bmcs)
