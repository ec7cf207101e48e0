"""Write the Redfish driver's regression recordings (tests/recordings/*.json) from the Redfish simulator.

Run from the repository root, in the environment the tests use::

    python plugins/dcmaint-redfish/tests/rf_make_recordings.py            # rewrite every recording
    python plugins/dcmaint-redfish/tests/rf_make_recordings.py hpe-ilo5   # only the ones named
    python plugins/dcmaint-redfish/tests/rf_make_recordings.py --check    # exit 1 if a file would change

Each recording is one poll of one simulated BMC (``dcmaint sim redfish`` in
process, one flavour, the faults of :data:`CASES`) by the real driver with a
:class:`dcmaint.drivers.tape.Recorder` listening, saved with the report the
poll gave. Rerunning gives the same files, byte for byte, because the poll
and the files are normalised:

- the poll runs one request at a time (option ``concurrency=1``, kept in the
  recording), so the exchanges come in the crawler's own order;
- the simulator's address ``127.0.0.1:PORT`` becomes ``bmc-<flavour>.example``
  (the endpoint is ``redfish+http://bmc-<flavour>.example``), in the
  exchanges and in the report's messages alike;
- the session token the login got becomes ``scrubbed-token``; the login's
  request never held the password (the transport keeps no body);
- the recording keeps the user the poll logged in as (``admin``), so that a
  replay logs in under it too, with a stand-in password;
- ``recorded_at`` is left out: the file says what the device answered, not when.

The test module ``test_redfish_recordings.py`` replays these files; when the
simulator's trees or faults change, rerun this script and review the diff.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent / "recordings"
TOKEN = "scrubbed-token"
USERNAME, PASSWORD = "admin", "recording-password"
OPTIONS = {"concurrency": "1"}


@dataclass(frozen=True)
class Case:
    """One recording: the file name, the simulator flavour, the faults injected into it, the device family."""

    name: str
    flavour: str
    family: str
    faults: str = ""
    #: Options of the poll beside ``concurrency=1`` (``auth=basic``: no session, basic auth on every request).
    options: tuple[tuple[str, str], ...] = ()
    #: The only password the simulated BMC accepts (None: any); not the recording's, so the login is refused.
    sim_password: str | None = None

    @property
    def host(self) -> str:
        return f"bmc-{self.flavour}.example"

    @property
    def endpoint(self) -> str:
        return f"redfish+http://{self.host}"


#: Every flavour healthy, a few with the part faults a site sees most (power supply, disk, memory), one failing.
CASES = (
    Case("generic", "generic", "DMTF Redfish (standard resources only)"),
    Case("dmtf-generic", "dmtf-generic", "DMTF Redfish (standard resources only)"),
    Case("hpe-ilo4", "hpe-ilo4", "HPE iLO 4"),
    Case("hpe-ilo5", "hpe-ilo5", "HPE iLO 5"),
    Case("hpe-ilo6", "hpe-ilo6", "HPE iLO 6"),
    Case("dell-idrac8", "dell-idrac8", "Dell iDRAC 8"),
    Case("dell-idrac9", "dell-idrac9", "Dell iDRAC 9"),
    Case("lenovo-xcc", "lenovo-xcc", "Lenovo XClarity Controller (XCC)"),
    Case("huawei-ibmc", "huawei-ibmc", "Huawei iBMC"),
    Case("h3c-hdm", "h3c-hdm", "H3C HDM2"),
    Case("inspur-kaytus", "inspur-kaytus", "Inspur BMC (KAYTUS outside China)"),
    Case("supermicro", "supermicro", "Supermicro BMC (ASPEED AST2600)"),
    Case("hpe-ilo5-psu", "hpe-ilo5", "HPE iLO 5", "bmc1:psu:2=critical"),
    Case("dell-idrac9-disk", "dell-idrac9", "Dell iDRAC 9", "bmc1:disk:1=predicted"),
    Case("lenovo-xcc-dimm", "lenovo-xcc", "Lenovo XClarity Controller (XCC)", "bmc1:dimm:1=degraded"),
    Case(
        "generic-three-faults",
        "generic",
        "DMTF Redfish (standard resources only)",
        "bmc1:psu:2; bmc1:disk:3; bmc1:dimm:3",
    ),
    # A poll that fails: the System's body is cut short, the recording keeps the error instead of a report.
    Case("dell-idrac9-malformed", "dell-idrac9", "Dell iDRAC 9", "bmc1:malformed"),
    # Logins: basic auth on every request (no session), and a session login the BMC refuses (a wrong password).
    Case("dell-idrac8-basic", "dell-idrac8", "Dell iDRAC 8", options=(("auth", "basic"),)),
    Case("dell-idrac9-refused", "dell-idrac9", "Dell iDRAC 9", sim_password="not-the-recording-password"),
)


def record(case: Case) -> Any:
    """Poll the simulated BMC with a recorder listening; the normalised :class:`Recording`."""
    from dcmaint.drivers.simulators import SimulatorOptions
    from dcmaint_redfish.sim import running

    simulated = SimulatorOptions(count=1, flavours=(case.flavour,), faults=case.faults, password=case.sim_password)
    with running(simulated) as sim:
        return poll_recorded(sim.endpoints[0].url, case)


def poll_recorded(url: str, case: Case) -> Any:
    """One recorded poll of the BMC at ``url`` (``http://HOST:PORT``), normalised as the module says."""
    from dcmaint.drivers import DriverError, Target, tape
    from dcmaint.secrets import Secret
    from dcmaint_redfish.driver import RedfishDriver

    live = url.removeprefix("http://")
    options = {**OPTIONS, **dict(case.options)}
    target = Target(
        case.name,
        "server",
        f"redfish+http://{live}",
        username=USERNAME,
        credential=Secret(PASSWORD),
        options=dict(options),
        timeout=30.0,
    )
    recorder = tape.Recorder()
    report: Any = None
    error: dict[str, str] | None = None
    with tape.listening(recorder):
        try:
            report = asyncio.run(RedfishDriver().poll(target)).as_json()
        except DriverError as failure:  # a contract error is what the recording keeps, as a report would be
            error = {"kind": failure.kind.value, "message": str(failure)}
    recording = tape.Recording(
        driver=RedfishDriver.name,
        kind="server",
        endpoint=f"redfish+http://{live}",
        exchanges=tuple(recorder.exchanges),
        options=dict(options),
        report=report,
        error=error,
        driver_version=RedfishDriver.version,
        dcmaint_version=_dcmaint_version(),
        name=case.name,
        username=USERNAME,
    )
    return normalised(recording, live, case.host)


def normalised(recording: Any, live: str, host: str) -> Any:
    """The recording with the simulator's address and the session tokens replaced, counted in ``scrubbed``."""
    from dataclasses import replace

    from dcmaint.drivers import tape

    data = recording.as_json()
    data["report"] = _without_times(data.get("report"))
    tokens = 0
    for exchange in data["exchanges"]:
        headers = (exchange.get("response") or {}).get("headers") or {}
        if "x-auth-token" in headers:
            headers["x-auth-token"] = TOKEN
            tokens += 1
    text = json.dumps(data, ensure_ascii=False)
    addresses = len(re.findall(re.escape(live), text))
    data = json.loads(text.replace(live, host))
    result = tape.Recording.from_json(data)
    return replace(result, scrubbed={"addresses": addresses, "tokens": tokens})


def _without_times(report: Any) -> Any:
    """A report without ``polled_at`` and ``duration``: they differ on every poll, the recording does not."""
    if not isinstance(report, dict):
        return report
    return {key: value for key, value in report.items() if key not in ("polled_at", "duration")}


def _dcmaint_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dcmaint")
    except PackageNotFoundError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="recordings to write (default: all)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a recording would change")
    args = parser.parse_args(argv)
    known = {case.name: case for case in CASES}
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown recording {unknown[0]!r} (known: {', '.join(known)})")
    from dcmaint.testing import refresh_recordings

    chosen = [known[name] for name in args.names] or CASES
    changed = refresh_recordings(FOLDER, (record(case) for case in chosen), check=args.check)
    verb = "would change" if args.check else "written"
    print(f"{len(changed)} recording(s) {verb}" + (f": {', '.join(changed)}" if changed else ""))
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
