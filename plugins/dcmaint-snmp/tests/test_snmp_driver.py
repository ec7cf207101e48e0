"""The driver over real UDP: every profile's sample served by snmpsim and by dcmaint's own simulator.

Every sample must be identified as its own profile by probing alone, read
healthy (status ok, no fault) from both agents, with the same report from
both; every fault target must reach the report through the wire. What cannot
be polled costs its device one line: a dead agent, a wrong community, an
agent of another kind, a profile forced on the wrong agent, options the
driver cannot use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sn_peers import SnmpAgent, V3User, free_udp_port, running_agent

from dcmaint.drivers import Health, Target
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.runner import PollJob, run_jobs
from dcmaint.drivers.simulators import SimulatorOptions, parse_faults
from dcmaint.secrets import Secret
from dcmaint.services.health import faults_of
from dcmaint_snmp.driver import SnmpDriver
from dcmaint_snmp.profiles import SAMPLES, by_name
from dcmaint_snmp.sim.server import running

NAMES = [sample.profile for sample in SAMPLES]


@pytest.fixture(scope="module")
def snmpsim() -> Iterator[SnmpAgent]:
    """snmpsim serving every sample, healthy, each under its profile's name as community."""
    with running_agent({sample.profile: sample.build(()).to_snmprec() for sample in SAMPLES}) as agent:
        yield agent


@pytest.fixture(scope="module")
def own_sim() -> Iterator[Any]:
    """dcmaint's simulator serving every sample once, healthy, in SAMPLES order."""
    with running(SimulatorOptions(count=len(SAMPLES), flavours=tuple(NAMES))) as sim:
        yield sim


def target(name: str, kind: str, endpoint: str, community: str | None = "public", **options: str) -> Target:
    credential = Secret(community) if community is not None else None
    return Target(name, kind, endpoint, credential=credential, timeout=10, options=options)  # type: ignore[arg-type]


def poll(*targets: Target, timeout: float = 10) -> list[Any]:
    return run_jobs([PollJob(t, SnmpDriver()) for t in targets], timeout=timeout)


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key not in ("polled_at", "duration")}


@pytest.mark.parametrize("name", NAMES)
def test_every_sample_is_probed_to_its_profile_and_healthy_from_both_agents(snmpsim, own_sim, name) -> None:
    profile = by_name(name)
    assert profile is not None
    number = NAMES.index(name)
    theirs, ours = poll(
        target("theirs", profile.kind, snmpsim.endpoint, community=name),
        target("ours", profile.kind, own_sim.endpoints[number].url),
    )
    for result in (theirs, ours):
        assert result.error is None, result.message
        assert result.status is Health.OK, [fault.as_json() for fault in faults_of(result)]
        assert faults_of(result) == []
        assert result.report.archive.system["snmp_profile"] == name
    assert _comparable(theirs.report.as_json()) == _comparable(ours.report.as_json())


@pytest.mark.parametrize(("name", "fault"), [(s.profile, t) for s in SAMPLES for t in s.targets])
def test_every_fault_target_reaches_the_report_through_the_wire(name, fault) -> None:
    profile = by_name(name)
    assert profile is not None
    with running(SimulatorOptions(count=1, flavours=(name,), faults=fault)) as sim:
        [result] = poll(target("dev", profile.kind, sim.endpoints[0].url))
    assert result.error is None, result.message
    expected = profile.parse(next(s for s in SAMPLES if s.profile == name).build(parse_faults(fault)), {}).status
    assert result.status is expected and expected is not Health.OK


def test_one_dead_agent_costs_its_device_only(own_sim) -> None:
    kind = by_name(NAMES[0]).kind  # type: ignore[union-attr]
    dead = f"snmp://127.0.0.1:{free_udp_port()}"
    alive, gone = poll(
        target("alive", kind, own_sim.endpoints[0].url),
        target("gone", kind, dead, request_timeout="0.3", retries="1"),
    )
    assert alive.status is Health.OK
    assert gone.status is Health.UNKNOWN and gone.error is ErrorKind.UNREACHABLE
    assert gone.message.startswith(f"{dead.removeprefix('snmp://')}: no SNMP answer it could read within 0.3 s")


def test_a_wrong_community_is_one_line_without_the_community(snmpsim) -> None:
    kind = by_name(NAMES[0]).kind  # type: ignore[union-attr]
    [result] = poll(target("dev", kind, snmpsim.endpoint, community="s3cret-community", request_timeout="0.3"))
    assert result.error is ErrorKind.UNREACHABLE and "\n" not in result.message
    assert "s3cret-community" not in result.message and "community is wrong" in result.message


def test_an_agent_of_another_kind_is_not_supported(own_sim) -> None:
    profile = by_name(NAMES[0])
    assert profile is not None
    other = next(kind for kind in SnmpDriver.kinds if kind is not profile.kind)
    [result] = poll(target("dev", other, own_sim.endpoints[0].url))
    assert result.error is ErrorKind.NOT_SUPPORTED
    assert f"no SNMP profile for {other} devices recognises this agent" in result.message
    assert "--option profile=NAME" in result.message


def test_a_profile_forced_on_the_wrong_agent_is_not_supported(own_sim) -> None:
    first, second = (
        SAMPLES[0],
        next(
            s
            for s in SAMPLES
            if s.profile != SAMPLES[0].profile and by_name(s.profile).kind is by_name(SAMPLES[0].profile).kind
        ),
    )  # type: ignore[union-attr]
    kind = by_name(first.profile).kind  # type: ignore[union-attr]
    [result] = poll(target("dev", kind, own_sim.endpoints[0].url, profile=second.profile))
    assert result.error is ErrorKind.NOT_SUPPORTED
    assert f"does not answer as profile {second.profile!r}" in result.message


def test_a_forced_profile_skips_probing_and_reads_the_same(own_sim) -> None:
    profile = by_name(NAMES[0])
    assert profile is not None
    probed, forced = poll(
        target("probed", profile.kind, own_sim.endpoints[0].url),
        target("forced", profile.kind, own_sim.endpoints[0].url, profile=profile.name),
    )
    assert _comparable(probed.report.as_json()) == _comparable(forced.report.as_json())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"version": "1"}, "invalid SNMP version '1': expected 2c or 3"),
        ({"retries": "9"}, "invalid SNMP option retries='9': expected a whole number from 0 to 5"),
        ({"request_timeout": "nan"}, "invalid SNMP option request_timeout='nan': expected a number from 0.1 to 60"),
        ({"colour": "blue"}, "unknown SNMP option 'colour'"),
        ({"profile": "ups-nonesuch"}, "unknown SNMP profile 'ups-nonesuch'"),
        ({"privacy": "rot13"}, "invalid SNMP option privacy='rot13'"),
    ],
)
def test_options_the_driver_cannot_use_are_not_configured(options, message) -> None:
    kind = by_name(NAMES[0]).kind  # type: ignore[union-attr]
    [result] = poll(target("dev", kind, "snmp://127.0.0.1:9", **options))
    assert result.error is ErrorKind.NOT_CONFIGURED
    assert message in result.message


@pytest.mark.parametrize(
    "endpoint", ["snmp://", "snmp://user:pw@10.0.0.9", "snmp://10.0.0.9/path", "snmp://10.0.0.9:99999"]
)
def test_endpoints_the_driver_cannot_use_are_not_configured(endpoint) -> None:
    kind = by_name(NAMES[0]).kind  # type: ignore[union-attr]
    [result] = poll(target("dev", kind, endpoint))
    assert result.error is ErrorKind.NOT_CONFIGURED and "pw" not in result.message


def test_v3_auth_priv_through_the_driver() -> None:
    sample = SAMPLES[0]
    profile = by_name(sample.profile)
    assert profile is not None
    user = V3User(auth="SHA256", privacy="AES256")
    data = sample.build(()).to_snmprec()
    with running_agent({"unused-community": data}, v3=user, v3_data=data) as agent:
        good = Target(
            "v3",
            profile.kind,
            agent.endpoint,
            username=user.name,
            credential=Secret(user.auth_key),
            timeout=10,
            options={"version": "3", "auth": "sha256", "privacy": "aes256", "privacy_key": "env:DCMAINT_TEST_PRIV"},
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DCMAINT_TEST_PRIV", user.privacy_key)
            [result] = poll(good)
            [wrong] = poll(
                Target(
                    "v3-wrong",
                    profile.kind,
                    agent.endpoint,
                    username=user.name,
                    credential=Secret("wrong-auth-passphrase"),
                    timeout=10,
                    options={"version": "3", "auth": "sha256", "privacy": "aes256", "request_timeout": "0.5"},
                )
            )
    assert result.error is None and result.status is Health.OK, result.message
    assert wrong.error is ErrorKind.AUTH_FAILED and "wrong-auth-passphrase" not in wrong.message


#: The faults the issue names, each served by snmpsim (an independent agent) from the sample's data.
SNMPSIM_FAULTS = (
    ("ups-apc", "onbattery"),
    ("ups-eaton", "battery=replace"),
    ("crac-liebert", "filter"),
    ("crac-apc-inrow", "humidifier"),
    ("crac-huawei", "leak"),
    ("switch-huawei", "psu:2"),
    ("array-netapp", "disk:1=failed"),
    ("array-huawei", "disk:2=failed"),
)


@pytest.fixture(scope="module")
def faulty_snmpsim() -> Iterator[SnmpAgent]:
    data = {}
    for number, (name, fault) in enumerate(SNMPSIM_FAULTS):
        sample = next(s for s in SAMPLES if s.profile == name)
        data[f"fault{number}"] = sample.build(parse_faults(fault)).to_snmprec()
    with running_agent(data) as agent:
        yield agent


@pytest.mark.parametrize(("number", "name", "fault"), [(n, *case) for n, case in enumerate(SNMPSIM_FAULTS)])
def test_the_named_faults_served_by_snmpsim_are_reported_once(faulty_snmpsim, number, name, fault) -> None:
    profile = by_name(name)
    sample = next(s for s in SAMPLES if s.profile == name)
    assert profile is not None
    [result] = poll(target("dev", profile.kind, faulty_snmpsim.endpoint, community=f"fault{number}"))
    assert result.error is None, result.message
    expected = profile.parse(sample.build(parse_faults(fault)), {})
    found = [(f.kind, f.location, f.health) for f in faults_of(result)]
    assert found == [
        (f.kind, f.location, f.health)
        for f in faults_of(PollResult.success("dev", "snmp", expected, 0.0, result.polled_at))
    ]
    assert len(found) == 1, found  # one broken part (or one condition) is one fault
    assert result.report.archive.system["snmp_profile"] == name


def test_probe_names_the_device_or_says_it_is_not_one_of_its_kind(own_sim) -> None:
    import asyncio

    profile = by_name(NAMES[0])
    assert profile is not None
    other = next(kind for kind in SnmpDriver.kinds if kind is not profile.kind)
    url = own_sim.endpoints[0].url
    found = asyncio.run(SnmpDriver().probe(target("dev", profile.kind, url)))
    expected = profile.parse(SAMPLES[0].build(()), {}).identity
    assert found is not None and (found.vendor, found.model, found.serial) == (
        expected.vendor,
        expected.model,
        expected.serial,
    )
    assert asyncio.run(SnmpDriver().probe(target("dev", other, url))) is None
