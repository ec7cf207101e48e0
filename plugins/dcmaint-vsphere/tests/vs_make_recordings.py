"""Write the vSphere driver's regression recordings (``recordings/*.json``) from the vCenter simulator.

Run it again after a change to the simulator's harness or to what the driver
asks: ``python plugins/dcmaint-vsphere/tests/vs_make_recordings.py`` (needs Go
and govmomi's sources, as the simulator does); with ``--check`` it writes
nothing and exits 1 when a file would change. Each scenario starts its own
simulator, polls it for real under a :class:`~dcmaint.drivers.tape.Recorder`
(``poll`` of one device, or ``poll_batch`` of the vCenter and all its hosts,
as the runner asks), and saves what was said and what the poll gave.

The files must not change from one run to the next, so what differs between
two simulators is replaced before saving, in the exchanges and in the report
alike (:func:`normalised`): the simulator's address and port become
``vcenter.example:8989``, the client's address ``192.0.2.10``, the session's
key and the views named after it a fixed UUID, the login's and the alarms'
clocks a fixed time, and the temporary directory a datastore is named after is dropped.
Before a file is written, replaying it must give the live outcome
(:func:`check`), so a recording always says what the driver said.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import socket
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from vs_peers import PASSWORD, USER, target  # noqa: E402

from dcmaint.drivers import DeviceReport, DriverError, Target, tape  # noqa: E402
from dcmaint.secrets import Secret  # noqa: E402
from dcmaint.testing import refresh_recordings  # noqa: E402
from dcmaint_vsphere import __version__  # noqa: E402
from dcmaint_vsphere.driver import VsphereDriver  # noqa: E402
from dcmaint_vsphere.sim.vcsim import Inventory, Served, serving  # noqa: E402

RECORDINGS = HERE / "recordings"
ADDRESS = "vcenter.example:8989"
CLIENT = "192.0.2.10"
SESSION = "00000000-0000-4000-8000-000000000001"
CLOCK = "2026-01-01T00:00:00Z"
#: Report fields that differ between two polls of the same answers.
VOLATILE = ("polled_at", "duration", "duration_ms", "duration_s")
_TIME = re.compile(r"<(loginTime|lastActiveTime)>[^<]*</\1>")
#: The simulator names a datastore after the temporary directory behind it: ``/tmp/govcsim-DC0-LocalDS_0-7319@...``.
_DATASTORE_PATH = re.compile(r"/[^\"<>@]*/govcsim-([^\"<>@/]*?)-\d+@")
_SESSION_KEY = re.compile(r"<key>([0-9a-f-]{36})</key>")
#: When an alarm was triggered (the simulator says 17 minutes before it started): ``<time>...Z</time>``.
_ALARM_TIME = re.compile(r"<time>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z</time>")
ALARM_CLOCK = "2025-12-31T23:43:00"


@dataclass(frozen=True)
class Scenario:
    """One recording: the simulator's inventory, which devices are polled, and how.

    ``devices`` names inventory hosts by index (``0``), or ``"vcenter"`` for the vCenter (or standalone
    ESXi host) itself, or any other text for a host the vCenter does not know. With ``batch`` every
    device is polled in one ``poll_batch`` and the recording's report is the first device's.
    """

    name: str
    inventory: Mapping[str, Any] = field(default_factory=dict)
    devices: Sequence[int | str] = ("vcenter",)
    batch: bool = False
    password: str | None = None
    dead: bool = False


FAULTS = ("dimm=0", "psu=1", "fan=2", "full=0")
SCENARIOS = (
    Scenario("vcenter-healthy-batch", {}, ("vcenter", 0, 1, 2, 3), batch=True),
    Scenario("vcenter-faulty-batch", {"faults": FAULTS}, ("vcenter", 0, 1, 2, 3), batch=True),
    Scenario("host-dimm", {"faults": FAULTS}, (0,)),
    Scenario("host-psu", {"faults": FAULTS}, (1,)),
    Scenario("host-disconnected", {"faults": ("disconnected=2",)}, (2,)),
    Scenario("host-disk-alarm", {"faults": ("storage=2", "alarm=2")}, (2,)),
    Scenario("esxi-standalone", {"esx": True}, ("vcenter",)),
    Scenario("unknown-host", {}, ("esx-nowhere",)),
    Scenario("wrong-password", {}, (0,), password="not-the-password"),
    Scenario("dead-port", {}, ("vcenter",), dead=True),
)


def scenario(name: str) -> Scenario:
    return next(item for item in SCENARIOS if item.name == name)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def live(item: Scenario, binary: Path) -> Iterator[tuple[str, list[Target]]]:
    """The scenario's simulator running, its address, and the targets to poll (the first names the recording)."""
    if item.dead:
        address = f"127.0.0.1:{_closed_port()}"
        yield address, [Target("vcenter", "hypervisor", f"vsphere+http://{address}/", USER, Secret(PASSWORD))]
        return
    with serving(Inventory(username=USER, password=PASSWORD, **item.inventory), binary) as served:
        yield served.address, [_target(served, device, item.password or PASSWORD) for device in item.devices]


def _target(served: Served, device: int | str, password: str) -> Target:
    """A host by index, the vCenter itself (``"vcenter"``), or a host by a name the vCenter may not know."""
    host = served.hosts[device] if isinstance(device, int) else None if device == "vcenter" else device
    return target(served, host, password=password)


def poll(targets: Sequence[Target], batch: bool) -> dict[str, DeviceReport | DriverError]:
    """Each target's report or contract error, polled one by one or in one batch, as the runner would."""
    driver = VsphereDriver()
    if batch:
        return dict(asyncio.run(driver.poll_batch(list(targets))))
    found: dict[str, DeviceReport | DriverError] = {}
    for each in targets:
        try:
            found[each.name] = asyncio.run(driver.poll(each))
        except DriverError as error:
            found[each.name] = error
    return found


def outcome(answer: DeviceReport | DriverError) -> dict[str, Any]:
    """A poll's outcome as a recording keeps it: ``{"report": ...}`` or ``{"error": {"kind", "message"}}``."""
    if isinstance(answer, DriverError):
        return {"error": {"kind": answer.kind.value, "message": str(answer)}}
    return {"report": stable(answer.as_json())}


def stable(report: Mapping[str, Any]) -> dict[str, Any]:
    """A report without the fields that change from poll to poll."""
    return {key: value for key, value in report.items() if key not in VOLATILE}


def normalised(text: str, address: str) -> tuple[str, dict[str, int]]:
    """``text`` (a recording as JSON) with what differs between two simulators replaced; and how much was."""
    counts = {"addresses": text.count(address)}
    text = text.replace(address, ADDRESS)
    counts["addresses"] += text.count("127.0.0.1")
    text = text.replace("127.0.0.1", CLIENT)
    keys = set(_SESSION_KEY.findall(text))
    counts["sessions"] = len(keys)
    for key in keys:
        text = text.replace(key, SESSION)
    text, counts["clocks"] = _TIME.subn(lambda match: f"<{match[1]}>{CLOCK}</{match[1]}>", text)
    text, counts["paths"] = _DATASTORE_PATH.subn(r"govcsim-\1@", text)
    for stamp in set(_ALARM_TIME.findall(text)):
        # the report has the same instant as the driver decoded it: ISO 8601, microseconds when there are any
        fraction = (stamp[1] + "000000")[:6] if stamp[1] else ""
        reported = stamp[0] + (f".{fraction}" if fraction.strip("0") else "") + "+00:00"
        counts["clocks"] += text.count(reported)
        text = text.replace(reported, f"{ALARM_CLOCK}+00:00")
    text, alarms = _ALARM_TIME.subn(f"<time>{ALARM_CLOCK}Z</time>", text)
    counts["clocks"] += alarms
    text = re.sub(r"session\[" + SESSION + r"\][0-9a-f-]{36}", f"session[{SESSION}]{SESSION}", text)
    return text, {name: count for name, count in counts.items() if count}


def record(item: Scenario, binary: Path) -> tape.Recording:
    """Poll the scenario's simulator for real, and the recording of it, normalised."""
    recorder = tape.Recorder()
    with live(item, binary) as (address, targets):
        with tape.listening(recorder):
            answers = poll(targets, item.batch)
        first = targets[0]
        made = tape.Recording(
            driver=VsphereDriver.name,
            kind="hypervisor",
            endpoint=first.endpoint,
            exchanges=tuple(recorder.exchanges),
            options=dict(first.options),
            driver_version=__version__,
            name=item.name,
            username=first.username,
            **outcome(answers[first.name]),
        )
    text, counts = normalised(json.dumps(made.as_json(), ensure_ascii=False), address)
    return replace(tape.Recording.from_json(json.loads(text)), scrubbed=counts)


def replayed(recording: tape.Recording, targets: Sequence[Target] | None = None, batch: bool = False) -> Any:
    """The answers of polling ``targets`` (default: the recording's own target) with ``recording`` replayed."""
    with tape.replaying(recording):
        return poll(list(targets or [recording.target()]), batch)


def same_outcome(answer: DeviceReport | DriverError, recording: tape.Recording) -> bool:
    """Whether ``answer`` is the outcome ``recording`` stores: the same report (less :data:`VOLATILE`), or the
    same error, message included (a replay logs in under the recorded user, so "login refused for user ..."
    names the same one)."""
    if recording.error is not None:
        return isinstance(answer, DriverError) and outcome(answer) == {"error": dict(recording.error)}
    return isinstance(answer, DeviceReport) and stable(answer.as_json()) == recording.report


def checked(recording: tape.Recording) -> tape.Recording:
    """``recording``, once replaying it gave the outcome it stores; SystemExit naming it when it did not."""
    if not same_outcome(replayed(recording)[recording.target().name], recording):
        raise SystemExit(f"{recording.name}: replaying the recording does not give the poll's outcome")
    return recording


def main(argv: list[str] | None = None) -> int:
    from dcmaint_vsphere.sim.vcsim import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="recordings to write (default: all)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a recording would change")
    args = parser.parse_args(argv)
    known = {item.name: item for item in SCENARIOS}
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown recording {unknown[0]!r} (known: {', '.join(known)})")
    binary = build()
    chosen = [known[name] for name in args.names] or SCENARIOS
    changed = refresh_recordings(RECORDINGS, (checked(record(item, binary)) for item in chosen), check=args.check)
    verb = "would change" if args.check else "written"
    print(f"{len(changed)} recording(s) {verb}" + (f": {', '.join(changed)}" if changed else ""))
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
