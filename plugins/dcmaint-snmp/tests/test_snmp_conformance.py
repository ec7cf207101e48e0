"""dcmaint's driver conformance kit, run against the SNMP driver: every profile's simulated agent, healthy and
with a fault, plus the agents that cannot be polled (a wrong community, a dead port).

Collection reads only ``case_ids()`` (the profiles' names and fault targets); the simulated agents start when
the kit first builds the cases and stop when the test process ends. Each case names the device family its
profile serves, for the support matrix, and expects what the recordings of the same sample and fault expect
(``sn_expected.py``: status, faulty parts and their identity, sensors, archive, alarms).
"""

from __future__ import annotations

import atexit
import contextlib
from typing import Any

from sn_expected import EXPECTED, FAMILIES
from sn_peers import free_udp_port

from dcmaint.drivers import ErrorKind, Target
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.secrets import Secret
from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation
from dcmaint_snmp.driver import SnmpDriver
from dcmaint_snmp.profiles import SAMPLES, by_name
from dcmaint_snmp.sim.server import running

COMMUNITY = "conformance-ro"
_fleet = contextlib.ExitStack()
atexit.register(_fleet.close)


def _family(profile: Any) -> str:
    return FAMILIES.get(profile.name) or profile.description.split(":")[0]


def _case_ids() -> list[str]:
    """The ids :func:`_cases` builds, read from the profiles alone (nothing started)."""
    ids = [f"{sample.profile}-{state}" for sample in SAMPLES for state in ("healthy", sample.targets[0])]
    return [*ids, "wrong-community", "dead-agent"]


def _cases() -> list[ConformanceCase]:
    names = tuple(sample.profile for sample in SAMPLES)
    healthy = _fleet.enter_context(running(SimulatorOptions(count=len(SAMPLES), flavours=names, password=COMMUNITY)))
    faults = ",".join(f"{n}:{sample.targets[0]}" for n, sample in enumerate(SAMPLES, 1))
    faulty = _fleet.enter_context(
        running(SimulatorOptions(count=len(SAMPLES), flavours=names, faults=faults, password=COMMUNITY))
    )
    found = []
    for sample, good, bad in zip(SAMPLES, healthy.endpoints, faulty.endpoints, strict=True):
        profile = by_name(sample.profile)
        assert profile is not None
        family = _family(profile)
        found.append(
            ConformanceCase(
                f"{sample.profile}-healthy",
                _target(profile.kind, good.url),
                EXPECTED[f"{sample.profile}-healthy"],
                family=family,
            )
        )
        name = f"{sample.profile}-{sample.targets[0]}"
        found.append(ConformanceCase(name, _target(profile.kind, bad.url), EXPECTED[name], family=family))
    first = by_name(SAMPLES[0].profile)
    assert first is not None
    found.append(
        ConformanceCase(
            "wrong-community",
            _target(first.kind, healthy.endpoints[0].url, community="not-the-community"),
            Expectation(error=ErrorKind.UNREACHABLE),
            family=_family(first),
        )
    )
    found.append(
        ConformanceCase(
            "dead-agent",
            _target(first.kind, f"snmp://127.0.0.1:{free_udp_port()}"),
            Expectation(error=ErrorKind.UNREACHABLE),
            family=_family(first),
        )
    )
    return found


def _target(kind: Any, url: str, community: str = COMMUNITY) -> Target:
    options = {"request_timeout": "0.5", "retries": "0"}
    return Target(f"{kind}-agent", kind, url, credential=Secret(community), timeout=10.0, options=options)


class TestSnmpConformance(BaseDriverConformance):
    driver_class = SnmpDriver

    def case_ids(self) -> list[str]:
        return _case_ids()

    def cases(self) -> list[ConformanceCase]:
        return _cases()
