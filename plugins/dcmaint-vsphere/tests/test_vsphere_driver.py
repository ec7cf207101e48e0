"""The vSphere driver against a real vCenter simulator: one pass for every host, faults where they are, no
false alarm, and a session that is always logged out."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from vs_peers import PASSWORD, sessions, target, vcenter

from dcmaint.drivers import (
    AuthFailed,
    ComponentKind,
    DriverError,
    ErrorKind,
    Health,
    NotSupported,
    PollJob,
    TlsSettings,
)
from dcmaint.drivers.runner import run_jobs
from dcmaint_vsphere.driver import VsphereDriver

HEALTHY = {"clusters": 1, "cluster_hosts": 3, "standalone": 1}


def poll(targets: list[Any]) -> dict[str, Any]:
    return dict(asyncio.run(VsphereDriver().poll_batch(targets)))


def test_a_healthy_vcenter_gives_every_host_ok_and_no_fault() -> None:
    with vcenter(**HEALTHY) as served:
        answers = poll([target(served, host) for host in served.hosts] + [target(served)])
        assert sessions(served) == []
    assert len(answers) == 5
    for name, report in answers.items():
        assert not isinstance(report, DriverError), (name, report)
        assert report.status is Health.OK, (name, report.as_json())
        assert report.faults() == ()
        assert report.alarms == ()
    host = answers[served.hosts[0]]
    assert host.identity.serial and host.identity.vendor and host.identity.model
    assert set(host.identity.firmware) == {"ESXi", "BIOS"}
    kinds = {component.kind for component in host.components}
    assert {ComponentKind.DIMM, ComponentKind.CPU, ComponentKind.DISK, ComponentKind.PSU, ComponentKind.FAN} <= kinds
    center = answers["vcenter"]
    assert center.identity.vendor == "VMware, Inc." and center.identity.serial
    assert center.archive is not None and center.archive.system["hosts"] == 4
    assert center.archive.system["clusters"]["DC0_C0"]["hosts"] == 3


@pytest.mark.parametrize(
    ("fault", "kind", "location", "health"),
    [
        ("psu", ComponentKind.PSU, "PSU 2", Health.CRITICAL),
        ("fan", ComponentKind.FAN, "Fan2A", Health.CRITICAL),
        ("dimm", ComponentKind.DIMM, "PROC 1 DIMM 3", Health.CRITICAL),
        ("storage", ComponentKind.DISK, "Box 1 Bay 2", Health.WARNING),
    ],
)
def test_a_failed_part_is_one_fault_on_its_own_host_with_its_slot(
    fault: str, kind: ComponentKind, location: str, health: Health
) -> None:
    broken = "DC0_C0_H1"  # the second host: the HPE shape (PROC n DIMM m, Port/Box/Bay)
    with vcenter(**HEALTHY, faults=(f"{fault}={broken}",)) as served:
        answers = poll([target(served, host) for host in served.hosts])
    for name, report in answers.items():
        if name != broken:
            assert report.faults() == () and report.status is Health.OK, name
    faults = answers[broken].faults()
    assert [(c.kind, c.location, c.health) for c in faults] == [(kind, location, health)]
    assert faults[0].reason
    assert answers[broken].status is health


def test_a_temperature_beyond_its_limit_is_a_warning_sensor_not_a_part() -> None:
    with vcenter(**HEALTHY, faults=("temperature=0",)) as served:
        report = poll([target(served, served.hosts[0])])[served.hosts[0]]
    assert report.faults() == ()
    hot = [sensor for sensor in report.sensors if sensor.health is Health.WARNING]
    assert [(s.name, s.value, s.unit) for s in hot] == [("Inlet Temp", 41.0, "Cel")]
    assert report.status is Health.WARNING


def test_a_hardware_alarm_restating_a_failed_psu_is_folded_into_that_psu() -> None:
    with vcenter(**HEALTHY, faults=("psu=0", "alarm=0", "alarm=1")) as served:
        answers = poll([target(served, host) for host in served.hosts[:2]])
    with_psu, alarm_only = answers[served.hosts[0]], answers[served.hosts[1]]
    assert [c.location for c in with_psu.faults()] == ["PSU 2"]
    assert [(a.message, a.severity) for a in with_psu.alarms] == [("Host hardware power status", Health.CRITICAL)]
    assert with_psu.alarms[0].component is not None and with_psu.alarms[0].component.location == "PSU 2"
    # Without a failed part the alarm is the device's only word on it: reported, attached to nothing.
    assert alarm_only.faults() == ()
    assert alarm_only.alarms[0].component is None and alarm_only.status is Health.CRITICAL


@pytest.mark.parametrize(("fault", "words"), [("disconnected", "disconnected"), ("notresponding", "not responding")])
def test_a_host_vcenter_cannot_reach_is_unknown_with_the_reason(fault: str, words: str) -> None:
    with vcenter(**HEALTHY, faults=(f"{fault}=DC0_H0",)) as served:
        answers = poll([target(served, host) for host in served.hosts])
    report = answers["DC0_H0"]
    assert report.status is Health.UNKNOWN
    assert report.components == () and words in report.alarms[0].message
    assert report.identity.serial  # still known from the inventory
    assert all(answers[host].status is Health.OK for host in served.hosts if host != "DC0_H0")


def test_maintenance_mode_is_recorded_not_alarmed() -> None:
    with vcenter(**HEALTHY, faults=("maintenance=0",)) as served:
        report = poll([target(served, served.hosts[0])])[served.hosts[0]]
    assert report.status is Health.OK
    assert report.archive is not None and report.archive.system["maintenance_mode"] is True


def test_a_full_or_inaccessible_shared_datastore_is_one_fault_on_the_vcenter() -> None:
    with vcenter(**HEALTHY, datastores=2, faults=("full=0", "inaccessible=1")) as served:
        answers = poll([target(served, host) for host in served.hosts] + [target(served)])
    assert all(answers[host].faults() == () for host in served.hosts)
    center = answers["vcenter"]
    faults = {c.location: c for c in center.faults()}
    assert set(faults) == {"Datastore LocalDS_0", "Datastore LocalDS_1"}
    assert faults["Datastore LocalDS_0"].reason == "97 % used (limit 85 %/95 %)"
    assert faults["Datastore LocalDS_1"].reason == "not accessible"
    assert center.status is Health.CRITICAL


def test_datastore_thresholds_are_driver_options() -> None:
    with vcenter(**HEALTHY) as served:  # 38 % used
        default, strict = (
            poll([target(served, options=options)])["vcenter"]
            for options in ({}, {"datastore_warning": "30", "datastore_critical": "90"})
        )
    assert default.faults() == ()
    assert [(c.location, c.health) for c in strict.faults()] == [("Datastore LocalDS_0", Health.WARNING)]


def test_a_datastore_alarm_is_folded_into_the_datastore() -> None:
    with vcenter(**HEALTHY, faults=("dsalarm=0", "full=0")) as served:
        center = poll([target(served)])["vcenter"]
    assert len(center.faults()) == 1
    assert center.alarms[0].message == "Datastore usage on disk"
    assert center.alarms[0].component == center.faults()[0].ref


def test_a_vanished_host_costs_only_its_own_device() -> None:
    with vcenter(**HEALTHY) as served:
        answers = poll([target(served, "esx-gone.example"), target(served, served.hosts[0])])
    assert isinstance(answers["esx-gone.example"], NotSupported)
    assert "esx-gone.example" in str(answers["esx-gone.example"])
    assert answers[served.hosts[0]].status is Health.OK


def test_bad_options_cost_only_their_own_device() -> None:
    with vcenter(**HEALTHY) as served:
        answers = poll(
            [
                target(served, served.hosts[0], options={"datastore_warning": "120"}),
                target(served, served.hosts[1]),
            ]
        )
    error = answers[served.hosts[0]]
    assert isinstance(error, DriverError) and error.kind is ErrorKind.NOT_CONFIGURED
    assert "datastore_warning='120'" in str(error)
    assert answers[served.hosts[1]].status is Health.OK


def test_a_wrong_password_fails_that_vcenter_only_and_never_shows_the_password() -> None:
    with vcenter(**HEALTHY) as good, vcenter(**HEALTHY) as refused:
        jobs = [PollJob(target(good, host, name=f"good-{host}"), VsphereDriver()) for host in good.hosts]
        jobs += [
            PollJob(target(refused, host, name=f"bad-{host}", password="not-it"), VsphereDriver())
            for host in refused.hosts
        ]
        results = {result.device: result for result in run_jobs(jobs, timeout=20)}
        assert sessions(good) == [] and sessions(refused) == []
    for host in good.hosts:
        assert results[f"good-{host}"].status is Health.OK
        bad = results[f"bad-{host}"]
        assert bad.error is ErrorKind.AUTH_FAILED and "login refused" in (bad.message or "")
        assert "not-it" not in (bad.message or "") and PASSWORD not in (bad.message or "")


def test_an_unreachable_vcenter_and_a_non_vsphere_endpoint_are_errors_of_their_own_devices(tmp_path: Any) -> None:
    import http.server
    import socket
    import threading

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        from dcmaint.drivers import Target
        from dcmaint.secrets import Secret

        def at(name: str, url: str) -> PollJob:
            return PollJob(Target(name, "hypervisor", url, "u", Secret("p"), timeout=10), VsphereDriver())

        with vcenter(**HEALTHY) as served:
            jobs = [
                at("closed", f"vsphere+http://127.0.0.1:{closed_port}/host/esx01"),
                at("web", f"vsphere+http://127.0.0.1:{web.server_address[1]}/host/esx01"),
                PollJob(target(served, served.hosts[0]), VsphereDriver()),
            ]
            results = {result.device: result for result in run_jobs(jobs, timeout=15)}
    finally:
        web.shutdown()
    assert results["closed"].error is ErrorKind.UNREACHABLE
    assert results["web"].error is ErrorKind.PROTOCOL_ERROR, results["web"].message
    assert results[served.hosts[0]].status is Health.OK


def test_one_session_per_vcenter_per_run_logged_out_after_a_timeout() -> None:
    # Each call takes 1 s: the login (two calls) outlasts the poll's 2 s budget less its 0.5 s logout reserve,
    # and still completes within the socket timeout (1.5 s per read), so it logs itself out. With a delay
    # equal to the socket timeout the server would open a session whose answer the client no longer reads.
    with vcenter(**HEALTHY, delay_ms=1000) as served:
        started = time.monotonic()
        answers = poll([target(served, host, timeout=2.0) for host in served.hosts])
        assert {type(answer).__name__ for answer in answers.values()} == {"TimedOut"}
        assert time.monotonic() - started < 6
        deadline = time.monotonic() + 10
        while sessions(served) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert sessions(served) == []


def test_a_cancelled_poll_logs_out() -> None:
    async def cancel_midway(targets: list[Any]) -> None:
        task = asyncio.ensure_future(VsphereDriver().poll_batch(targets))
        await asyncio.sleep(0.8)  # logged in (one delayed call), inside the pass
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with vcenter(**HEALTHY, delay_ms=400) as served:
        asyncio.run(cancel_midway([target(served, host) for host in served.hosts]))
        assert sessions(served) == []


def test_paging_reads_every_host_of_a_large_inventory() -> None:
    from dcmaint_vsphere.collect import collect
    from dcmaint_vsphere.endpoints import parse_endpoint
    from dcmaint_vsphere.session import Login, Session

    async def read(login: Login) -> Any:
        session = Session(login, logout_budget=3.0)
        try:
            return await collect(session, await session.open(), page_size=10)
        finally:
            await session.close()

    with vcenter(clusters=3, cluster_hosts=10, standalone=5) as served:
        inventory = asyncio.run(read(Login.of(parse_endpoint(served.endpoint()), target(served))))
        assert sessions(served) == []
    assert len(inventory.hosts_by_name) == 35
    assert len(inventory.of("Datastore")) == 1 and len(inventory.of("ClusterComputeResource")) == 3


def test_pages_are_followed_until_the_server_gives_no_token() -> None:
    """govmomi's simulator answers in one page whatever maxObjects says: a server that pages stands in."""
    from dcmaint_vsphere.collect import _pages
    from dcmaint_vsphere.wire import Page, Ref

    calls: list[tuple[str, Any]] = []
    answers = {"t1": Page([(Ref("HostSystem", "host-3"), {})], "t2"), "t2": Page([(Ref("HostSystem", "host-4"), {})])}

    async def fetch(collector: Any, method: str, arguments: list[Any]) -> Page:
        if method == "RetrievePropertiesEx":
            calls.append(("first", arguments[1].maxObjects))
            return Page([(Ref("HostSystem", "host-1"), {}), (Ref("HostSystem", "host-2"), {})], "t1")
        calls.append(("continue", arguments[0]))
        return answers[arguments[0]]

    async def read() -> list[Page]:
        return [page async for page in _pages(fetch, object(), [], 2)]

    pages = asyncio.run(read())
    assert [[reference.id for reference, _props in page.objects] for page in pages] == [
        ["host-1", "host-2"],
        ["host-3"],
        ["host-4"],
    ]
    assert calls == [("first", 2), ("continue", "t1"), ("continue", "t2")]


@pytest.mark.parametrize("how", ["system CAs", "wrong fingerprint"])
def test_tls_is_verified_by_default(how: str) -> None:
    with vcenter(**HEALTHY, tls=True) as served:
        tls = TlsSettings() if how == "system CAs" else TlsSettings(fingerprint="AB:" * 31 + "CD")
        error = poll([target(served, served.hosts[0], tls=tls)])[served.hosts[0]]
    assert isinstance(error, DriverError) and error.kind is ErrorKind.UNREACHABLE
    assert ("not trusted" if how == "system CAs" else "fingerprint") in str(error)


def test_tls_with_a_pinned_fingerprint_a_ca_file_or_marked_insecure() -> None:
    from pathlib import Path

    with vcenter(**HEALTHY, tls=True) as served:
        assert served.fingerprint and served.cert_file and served.endpoint().startswith("vsphere://")
        for tls in (
            TlsSettings(fingerprint=served.fingerprint),
            TlsSettings(ca_file=Path(served.cert_file)),
            TlsSettings(verify=False),
        ):
            report = poll([target(served, served.hosts[0], tls=tls)])[served.hosts[0]]
            assert not isinstance(report, DriverError), (tls, report)
            assert report.status is Health.OK


def test_a_device_with_another_login_gets_a_session_of_its_own() -> None:
    with vcenter(**HEALTHY) as served:
        answers = poll(
            [target(served, host, password="wrong" if host == "DC0_H0" else PASSWORD) for host in served.hosts]
        )
        assert sessions(served) == []
    assert isinstance(answers["DC0_H0"], AuthFailed)
    assert all(answers[host].status is Health.OK for host in served.hosts if host != "DC0_H0")


def test_a_standalone_esxi_host_is_polled_at_its_own_endpoint() -> None:
    with vcenter(esx=True, faults=("psu=0", "full=0")) as served:
        assert served.kind == "esx" and len(served.hosts) == 1
        report = poll([target(served, name="esxi01")])["esxi01"]
    assert report.identity.serial and set(report.identity.firmware) == {"ESXi", "BIOS"}
    assert sorted(c.location for c in report.faults()) == ["Datastore LocalDS_0", "PSU 2"]


def test_a_healthy_standalone_esxi_host_is_ok() -> None:
    with vcenter(esx=True) as served:
        report = poll([target(served, name="esxi01")])["esxi01"]
    assert report.status is Health.OK and report.faults() == () and report.alarms == ()


def test_a_fault_in_answer_to_the_pass_is_raised_as_the_fault_it_is() -> None:
    """The pass's own answer is decoded by the driver; a SOAP fault in its place is still pyVmomi's fault."""
    from pyVim.connect import SmartConnect
    from pyVmomi import vim, vmodl
    from vs_peers import USER

    from dcmaint_vsphere.session import translate
    from dcmaint_vsphere.wire import call

    with vcenter(**HEALTHY) as served:
        protocol, address = served.url.split("://", 1)
        host, port = address.split("/", 1)[0].rsplit(":", 1)
        service = SmartConnect(protocol=protocol, host=host, port=int(port), user=USER, pwd=PASSWORD)
        collector = service.content.propertyCollector
        spec = vmodl.query.PropertyCollector.FilterSpec(
            objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=service.content.rootFolder)],
            propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.Folder, pathSet=["name"])],
        )
        page = call(collector, "RetrievePropertiesEx", [[spec], vmodl.query.PropertyCollector.RetrieveOptions()])
        assert page is not None and [props for _ref, props in page.objects] == [{"name": "Datacenters"}]
        try:  # the simulator never pages, so it has no ContinueRetrievePropertiesEx: a fault of its own
            with pytest.raises(vmodl.fault.MethodNotFound) as raised:
                call(collector, "ContinueRetrievePropertiesEx", ["no-such-token"])
        finally:
            service.content.sessionManager.Logout()
        assert sessions(served) == []
    assert str(translate(raised.value, "vc")).startswith("vc: not a vSphere API answer (MethodNotFound: ")
