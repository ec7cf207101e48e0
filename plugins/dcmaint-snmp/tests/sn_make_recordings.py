"""Write the SNMP driver's regression recordings (``recordings/*.json``) from the simulated agents.

    python plugins/dcmaint-snmp/tests/sn_make_recordings.py [--check]

Each recording is one poll of one agent of ``dcmaint sim snmp``: every
flavour healthy, with its first fault, and a few more that matter (a part
to replace, an agent that never answers). ``dcmaint sim snmp`` speaks v2c
only, so the SNMPv3 recordings (a healthy APC UPS polled as an SNMPv3 user,
and the same agent refusing a wrong passphrase) are made from snmpsim serving
the same sample. A v2c recording has no ``username``: the community is a
secret with no user name, and is never kept; an SNMPv3 recording keeps its
user, so that a replay logs in as that user (with a stand-in passphrase) and
takes the driver's v3 login path. The endpoint becomes
``snmp://<flavour>.example`` and the simulator's address is replaced wherever
it appears, so that rerunning the script rewrites the same files unless the
driver or the samples changed (then ``git diff`` shows what a device would now
report). Before writing, each file is replayed and must give the report it
stores. ``--check`` writes nothing and exits 1 when a file would change.

The recordings are made with the driver's own transport listening through a
:class:`dcmaint.drivers.tape.Recorder`, as ``dcmaint record`` does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sn_peers import V3User, running_agent

from dcmaint import __version__ as dcmaint_version
from dcmaint.drivers import DeviceReport, DriverError, Target
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.drivers.tape import Recorder, Recording, listening, replaying
from dcmaint.secrets import Secret
from dcmaint.testing import refresh_recordings
from dcmaint_snmp.driver import SnmpDriver
from dcmaint_snmp.options import settings
from dcmaint_snmp.profiles import SAMPLES, by_name
from dcmaint_snmp.sim.server import running

FOLDER = Path(__file__).parent / "recordings"
COMMUNITY = "recording-ro"
#: Options every recorded poll runs with; kept in the recording (a replay does not wait, whatever they say).
OPTIONS = {"request_timeout": "0.5", "retries": "0"}
#: The SNMPv3 user of the v3 recordings (authPriv, SHA and AES-128). Its privacy passphrase is its authentication
#: passphrase, the driver's default without ``--option privacy_key``, so the options name no key to look up.
V3_USER = V3User(name="dcmaint-recorder", auth_key="recording-auth-1", privacy_key="recording-auth-1")
V3_OPTIONS = {**OPTIONS, "version": "3", "auth": "sha", "privacy": "aes128"}
#: What a refused login's recording is polled with instead of the user's passphrase.
WRONG_PASSPHRASE = "not-the-passphrase"


@dataclass(frozen=True)
class Planned:
    """One recording to make: the simulator's flavour and the fault it serves (None: healthy), and the login.

    ``login`` None is a v2c community (``dcmaint sim snmp``); ``"v3"`` polls snmpsim serving the flavour's
    sample as :data:`V3_USER`, ``"v3-refused"`` the same with a wrong passphrase.
    """

    flavour: str
    fault: str | None = None
    login: str | None = None

    @property
    def name(self) -> str:
        fault = (self.fault or "healthy").replace(":", "-").replace("=", "-")
        if self.login == "v3-refused":
            return f"{self.flavour}-v3-refused"
        return f"{self.flavour}-{self.login}-{fault}" if self.login else f"{self.flavour}-{fault}"

    @property
    def options(self) -> dict[str, str]:
        return dict(V3_OPTIONS if self.login else OPTIONS)

    @property
    def endpoint(self) -> str:
        return f"snmp://{self.flavour}.example"


def planned() -> list[Planned]:
    """Every flavour healthy and with its first fault, a worn UPS battery, a clogged CRAC filter, an agent
    that never answers, and an APC UPS over SNMPv3, logged in and refused."""
    found: list[Planned] = []
    for sample in SAMPLES:
        found += [Planned(sample.profile), Planned(sample.profile, sample.targets[0])]
    extra = [Planned("ups-apc", "battery"), Planned("crac-liebert", "filter"), Planned("ups-apc", "hang")]
    known = {sample.profile: sample.targets for sample in SAMPLES}
    for plan in extra:
        if plan not in found and (plan.fault in known.get(plan.flavour, ()) or plan.fault == "hang"):
            found.append(plan)
    return [*found, Planned("ups-apc", login="v3"), Planned("ups-apc", login="v3-refused")]


def kind_of(flavour: str) -> Any:
    profile = by_name(flavour)
    assert profile is not None, flavour
    return profile.kind


def poll_recorded(target: Target) -> tuple[Recorder, DeviceReport | None, DriverError | None]:
    """Poll ``target`` for real with a recorder listening: what it recorded, and the report or contract error."""
    recorder = Recorder()
    with listening(recorder):
        try:
            report = asyncio.run(SnmpDriver().poll(target))
        except DriverError as error:
            return recorder, None, error
    return recorder, report, None


def record(plan: Planned, url: str) -> Recording:
    """One poll of the simulated agent at ``url``, as the recording ``plan`` names (addresses replaced)."""
    kind = kind_of(plan.flavour)
    username, secret = (V3_USER.name, V3_USER.auth_key) if plan.login else (None, COMMUNITY)
    if plan.login == "v3-refused":
        secret = WRONG_PASSPHRASE
    target = Target(
        plan.name, kind, url, username=username, credential=Secret(secret), timeout=10.0, options=plan.options
    )
    recorder, report, error = poll_recorded(target)
    live = Recording(
        driver=SnmpDriver.name,
        kind=str(kind),
        endpoint=url,
        exchanges=tuple(recorder.exchanges),
        options=plan.options,
        report=stable_report(report) if report is not None else None,
        error={"kind": error.kind.value, "message": str(error)} if error is not None else None,
        driver_version=SnmpDriver.version,
        dcmaint_version=dcmaint_version,
        name=plan.name,
        username=username,
    )
    return normalised(live, plan.endpoint)


def stable_report(report: DeviceReport) -> dict[str, Any]:
    """The report as a recording stores it: when and how long the poll took are not part of what it found."""
    data = report.as_json()
    data.pop("polled_at", None)
    data.pop("duration", None)
    return data


def normalised(recording: Recording, endpoint: str) -> Recording:
    """``recording`` at ``endpoint``: the live endpoint and the agent's address replaced wherever they appear."""
    assert recording.endpoint is not None
    live = settings(recording.endpoint, {}, timeout=1.0)
    fake = settings(endpoint, {}, timeout=1.0)
    text = json.dumps(replace(recording, endpoint=None).as_json(), ensure_ascii=False)
    replacements = 0
    for old, new in ((recording.endpoint, endpoint), (live.address, fake.address), (live.host, fake.host)):
        replacements += text.count(old)
        text = text.replace(old, new)
    scrubbed = Recording.from_json(json.loads(text))
    return replace(scrubbed, endpoint=endpoint, scrubbed={"addresses": replacements} if replacements else {})


def replayed(recording: Recording) -> tuple[dict[str, Any] | None, Mapping[str, str] | None]:
    """What polling ``recording``'s target gives when the recording answers: (report, None) or (None, error)."""
    with replaying(recording):
        try:
            report = asyncio.run(SnmpDriver().poll(recording.target()))
        except DriverError as error:
            return None, {"kind": error.kind.value, "message": str(error)}
    return stable_report(report), None


def make(plans: list[Planned]) -> dict[str, Recording]:
    """Every planned recording, from one simulator per plan (each agent serves one flavour and its fault)."""
    made: dict[str, Recording] = {}
    for plan in plans:
        if plan.login:
            recording = record_v3(plan)
        else:
            options = SimulatorOptions(
                count=1, flavours=(plan.flavour,), faults=f"1:{plan.fault}" if plan.fault else (), password=COMMUNITY
            )
            with running(options) as sim:
                recording = record(plan, sim.endpoints[0].url)
        report, error = replayed(recording)
        if (report, error) != (recording.report, recording.error):
            raise SystemExit(f"{plan.name}: replaying the recording does not give the report it stores")
        made[plan.name] = recording
    return made


def record_v3(plan: Planned) -> Recording:
    """``plan`` polled over SNMPv3 from snmpsim serving the flavour's healthy sample to :data:`V3_USER`."""
    assert plan.fault is None, "snmpsim serves the healthy sample"
    [sample] = [sample for sample in SAMPLES if sample.profile == plan.flavour]
    with running_agent({COMMUNITY: sample.build(()).to_snmprec()}, v3=V3_USER) as agent:
        return record(plan, agent.endpoint)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a recording would change")
    args = parser.parse_args(argv)
    made = make(planned())
    changed = refresh_recordings(FOLDER, made.values(), check=args.check)
    stale = sorted(path.name for path in FOLDER.glob("*.json") if path.stem not in made)
    for line in (f"changed: {name}" for name in changed):
        print(line)
    for line in (f"not made any more: {name}" for name in stale):
        print(line)
    print(f"{len(made)} recordings, {len(changed)} changed")
    return 1 if args.check and (changed or stale) else 0


if __name__ == "__main__":
    sys.exit(main())
