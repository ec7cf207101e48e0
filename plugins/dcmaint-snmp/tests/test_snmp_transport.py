"""The transport against real agents: snmpsim (an independent implementation) and dcmaint's own simulator.

What a GET or a walk returns must be exactly what the agent serves, in every
SMI type, across GETBULK boundaries and for several subtrees at once; the two
agents, serving the same data, must give the same snapshot (which is what
lets the simulator stand in for snmpsim in the demo and the benchmark).
Credentials: v2c communities, v3 authPriv with SHA/AES-128 and SHA-256/AES-256;
a wrong key, an unknown user, a wrong community, a dead agent and a mangled
answer each end as one line, without the secret in it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from sn_peers import EVERY_SMI_TYPE, SnmpAgent, V3User, free_udp_port, running_agent

from dcmaint.drivers import AuthFailed, Unreachable
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.secrets import Secret
from dcmaint_snmp.options import settings
from dcmaint_snmp.sim.agent import SnapshotAgent
from dcmaint_snmp.snapshot import Snapshot, Type, Value
from dcmaint_snmp.transport import Agent

IF_ENTRY = "1.3.6.1.2.1.2.2.1"


def _data() -> Snapshot:
    """System group, a 3-column interface table of 70 rows (several GETBULK answers), every SMI type."""
    values = dict(EVERY_SMI_TYPE)
    for row in range(1, 71):
        values[f"{IF_ENTRY}.1.{row}"] = Value(Type.INTEGER, row)
        values[f"{IF_ENTRY}.2.{row}"] = Value(Type.OCTETS, f"GigabitEthernet0/0/{row}".encode())
        values[f"{IF_ENTRY}.8.{row}"] = Value(Type.INTEGER, 1 if row % 7 else 2)
    return Snapshot(values)


DATA = _data()
V3_SHA = V3User()
V3_SHA256 = V3User(name="strong", auth="SHA256", privacy="AES256", auth_key="auth-256-passphrase")


@pytest.fixture(scope="module")
def snmpsim() -> Iterator[SnmpAgent]:
    with running_agent({"public": DATA.to_snmprec(), "ops-ro": DATA.to_snmprec()}, v3=V3_SHA) as agent:
        yield agent


@pytest.fixture(scope="module")
def snmpsim_sha256() -> Iterator[SnmpAgent]:
    with running_agent({"public": DATA.to_snmprec()}, v3=V3_SHA256) as agent:
        yield agent


@pytest.fixture(scope="module")
def own_sim() -> Iterator[str]:
    """dcmaint's simulator serving DATA (community ``ops-ro`` only), as ``snmp://`` endpoint."""
    loop = asyncio.new_event_loop()
    import threading

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def serve() -> tuple[asyncio.DatagramTransport, int]:
        transport, _protocol = await loop.create_datagram_endpoint(
            lambda: SnapshotAgent(DATA, "ops-ro"), local_addr=("127.0.0.1", 0)
        )
        return transport, transport.get_extra_info("sockname")[1]

    transport, port = asyncio.run_coroutine_threadsafe(serve(), loop).result()
    yield f"snmp://127.0.0.1:{port}"
    loop.call_soon_threadsafe(transport.close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    loop.close()


def ask(endpoint: str, action, options: dict[str, str] | None = None, username=None, credential="public", privacy=None):
    """Run ``action(agent)`` against ``endpoint`` on a fresh loop, as the runner does."""

    async def run():
        chosen = settings(endpoint, options or {}, timeout=10)
        agent = await Agent(chosen, username, Secret(credential) if credential else None).open(
            Secret(privacy) if privacy else None
        )
        return await action(agent)

    return asyncio.run(run())


def _walk_all(agent: Agent):
    return agent.walk(
        ["1.3.6.1.2.1.1", f"{IF_ENTRY}.1", f"{IF_ENTRY}.2", f"{IF_ENTRY}.8", "1.3.6.1.4.1.99999", "1.3.6.1.9"]
    )


def _expected() -> dict[str, Value]:
    roots = ("1.3.6.1.2.1.1.", f"{IF_ENTRY}.1.", f"{IF_ENTRY}.2.", f"{IF_ENTRY}.8.", "1.3.6.1.4.1.99999.")
    return {oid: DATA[oid] for oid in DATA if oid.startswith(roots)}


@pytest.mark.parametrize("repetitions", ["1", "7", "25"])
def test_a_walk_of_several_subtrees_returns_exactly_what_snmpsim_serves(snmpsim, repetitions) -> None:
    walked = ask(snmpsim.endpoint, _walk_all, {"max_repetitions": repetitions})
    assert dict(walked.items()) == _expected()


def test_the_simulator_answers_as_snmpsim_does(snmpsim, own_sim) -> None:
    theirs = ask(snmpsim.endpoint, _walk_all, credential="ops-ro")
    ours = ask(own_sim, _walk_all, credential="ops-ro")
    assert dict(ours.items()) == dict(theirs.items()) == _expected()
    oids = ["1.3.6.1.2.1.1.5.0", "1.3.6.1.4.1.99999.1.2.0", "1.3.6.1.4.1.99999.7.0", f"{IF_ENTRY}.2.70"]
    got = [
        ask(endpoint, lambda agent: agent.get(oids), credential="ops-ro") for endpoint in (snmpsim.endpoint, own_sim)
    ]
    assert dict(got[0].items()) == dict(got[1].items())
    assert "1.3.6.1.4.1.99999.7.0" not in got[0]  # noSuchObject is absent, not a value
    assert got[0].text("1.3.6.1.2.1.1.5.0") == "agent-1"


def test_get_answers_more_oids_than_one_request_holds(snmpsim) -> None:
    oids = [f"{IF_ENTRY}.2.{row}" for row in range(1, 71)]
    got = ask(snmpsim.endpoint, lambda agent: agent.get(oids))
    assert [got.text(oid) for oid in oids] == [f"GigabitEthernet0/0/{row}" for row in range(1, 71)]


@pytest.mark.parametrize(
    ("fixture", "user", "options"),
    [
        ("snmpsim", V3_SHA, {"version": "3"}),
        ("snmpsim_sha256", V3_SHA256, {"version": "3", "auth": "sha256", "privacy": "aes256"}),
    ],
    ids=["sha-aes128", "sha256-aes256"],
)
def test_v3_auth_priv(request, fixture, user, options) -> None:
    agent = request.getfixturevalue(fixture)
    got = ask(
        agent.endpoint,
        lambda a: a.get(["1.3.6.1.2.1.1.2.0"]),
        options,
        username=user.name,
        credential=user.auth_key,
        privacy=user.privacy_key,
    )
    assert got.oid("1.3.6.1.2.1.1.2.0") == "1.3.6.1.4.1.8072.3.2.10"


@pytest.mark.parametrize(
    ("username", "credential", "privacy"),
    [
        ("dcmaint", "not-the-auth-key-1", "priv-passphrase-1"),
        ("dcmaint", "auth-passphrase-1", "not-the-priv-key-1"),
        ("nobody-here", "auth-passphrase-1", "priv-passphrase-1"),
    ],
    ids=["wrong-auth-key", "wrong-privacy-key", "unknown-user"],
)
def test_wrong_v3_credentials_are_auth_failed_in_one_line(snmpsim, username, credential, privacy) -> None:
    with pytest.raises((AuthFailed, Unreachable)) as raised:
        ask(
            snmpsim.endpoint,
            lambda a: a.get(["1.3.6.1.2.1.1.2.0"]),
            {"version": "3", "request_timeout": "1", "retries": "0"},
            username=username,
            credential=credential,
            privacy=privacy,
        )
    message = str(raised.value)
    assert "\n" not in message and credential not in message and privacy not in message
    if privacy == "priv-passphrase-1":  # a wrong authentication key or user is refused by name
        assert isinstance(raised.value, AuthFailed), message


def test_a_wrong_community_is_unreachable_after_the_retries(snmpsim) -> None:
    started = time.monotonic()
    with pytest.raises(Unreachable) as raised:
        ask(
            snmpsim.endpoint,
            lambda a: a.get(["1.3.6.1.2.1.1.2.0"]),
            {"request_timeout": "0.3", "retries": "1"},
            credential="secret-community-9",
        )
    message = str(raised.value)
    assert message == (
        f"127.0.0.1:{snmpsim.port}: no SNMP answer it could read within 0.3 s (2 tries):"
        " the agent is down or unreachable, or the community is wrong"
    )
    assert "secret-community-9" not in message
    assert time.monotonic() - started >= 0.6  # both tries were made (a lower bound, not a timing assertion)


def test_a_dead_agent_is_unreachable() -> None:
    port = free_udp_port()
    with pytest.raises(Unreachable, match=rf"^127\.0\.0\.1:{port}: no SNMP answer"):
        ask(
            f"snmp://127.0.0.1:{port}",
            lambda a: a.get(["1.3.6.1.2.1.1.2.0"]),
            {"request_timeout": "0.2", "retries": "0"},
        )


def test_a_mangled_answer_is_one_line() -> None:
    from dcmaint_snmp.sim.server import running

    with running(SimulatorOptions(count=1, faults="malformed")) as sim:
        [endpoint] = sim.endpoints
        with pytest.raises(Unreachable) as raised:
            ask(endpoint.url, lambda a: a.get(["1.3.6.1.2.1.1.2.0"]), {"request_timeout": "0.3", "retries": "0"})
        assert "\n" not in str(raised.value)
        assert sim.agents[0].requests >= 1  # it was asked, and answered garbage
