"""``dcmaint demo``: a walk-through on a throw-away machine room with simulated BMCs.

Every step is a real dcmaint command run against a fresh temporary home (its
own SQLite store), printed as a user would type it, so the demo doubles as a
smoke test of the install. It starts the Redfish simulator (`dcmaint sim
redfish`) with a few broken parts, registers the simulated servers beside
equipment that has no driver, finds the faulty parts, records them, and
stops everything it started. Nothing outside its home is touched; the home is
deleted at the end unless --keep is given.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.i18n import _

if TYPE_CHECKING:
    import subprocess

#: Vendor flavours of the simulated servers (with the vendor and model a customer's list names), and what is broken.
SERVERS = {
    "hpe-ilo5": ("HPE", "ProLiant DL380 Gen10"),
    "dell-idrac9": ("Dell", "PowerEdge R740"),
    "lenovo-xcc": ("Lenovo", "ThinkSystem SR650 V2"),
    "huawei-ibmc": ("Huawei", "FusionServer 2288H V5"),
    "hpe-ilo6": ("HPE", "ProLiant DL380 Gen11"),
    "dmtf-generic": ("Contoso", "Generic 2U"),
}
FLAVOURS = tuple(SERVERS)
FAULTS = "bmc1:psu:2=critical,bmc2:disk:2=predicted,bmc3:dimm:3=degraded,bmc6:battery:1=failed"
NAMES = ("hq-web-01", "hq-db-01", "hq-app-01", "hq-app-02", "hq-erp-01", "hq-backup-01")
PASSWORD_VARIABLE = "DCMAINT_DEMO_BMC_PASSWORD"

# Equipment without a driver: registered, not polled.
OTHER_DEVICES = """\
hq-san-01,存储,Huawei,OceanStor 5310,2102353GLY10M1000045,主机房A,A03,1-4,,,,,是
hq-ups-01,UPS,APC,Smart-UPS SRT 10000,AS1917123456,配电室,,,,,,,是
hq-crac-01,精密空调,Vertiv,Liebert PEX4,PEX4-2020-0311,主机房A,,,,,,,是
hq-test-01,服务器,Inspur,NF5280M5,219260012,测试间,T01,3-4,,,,,否
"""
HEADER = "设备名称,设备类型,品牌,型号,序列号(SN),机房,机柜,U位,管理IP,驱动,用户名,凭据,是否在保\n"

# The depot: the catalogue entry of the failed PSU (and a declared substitute), and two spares received on site.
CATALOGUE = """\
[[part]]
part_number = "865414-B21"
vendor = "HPE"
description = "HPE 800W Flex Slot Platinum Hot Plug Low Halogen Power Supply Kit"
class = "psu"
annual_failure_rate = 0.01
lead_time_days = 10
numbers = { spare = ["866730-001"] }
[[part.substitutes]]
part_number = "865408-B21"
note = "500W: only where the server's load allows"

[[part]]
part_number = "865408-B21"
vendor = "HPE"
description = "HPE 500W Flex Slot Platinum Hot Plug Low Halogen Power Supply Kit"
class = "psu"
annual_failure_rate = 0.01
lead_time_days = 10
numbers = { spare = ["866729-001"] }
"""
SPARE_SERIAL = "5WBXK0A9DEMO"
SUBSTITUTE_SERIAL = "2M1A0C77DEMO"

Step = list[str] | Callable[[], None]


def _start_simulator(home: Path) -> tuple[subprocess.Popen[bytes], list[dict[str, object]]]:
    import json
    import subprocess
    import time

    endpoints_file = home / "simulator.json"
    argv = [sys.executable, "-m", "dcmaint", "sim", "redfish", "--count", str(len(FLAVOURS)), "--latency", "20",
            "--faults", FAULTS, "--endpoints-file", str(endpoints_file)]
    for flavour in FLAVOURS:
        argv += ["--flavour", flavour]
    typer.secho("\n$ dcmaint sim redfish --count 6 --latency 20 --faults " + FAULTS + " &", bold=True)
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not endpoints_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            reason = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
            raise typer.Exit(_("the Redfish simulator did not start: {reason}").format(reason=reason) or 1)
        time.sleep(0.1)
    return process, json.loads(endpoints_file.read_text(encoding="utf-8"))["endpoints"]


def _device_list(endpoints: list[dict[str, object]]) -> str:
    """The customer's list as Chinese Excel exports it: GBK, Chinese headers, the BMCs' addresses."""
    rows = [
        f"{name},服务器,{','.join(SERVERS[str(endpoint['flavour'])])},,主机房A,A0{n},{10 + 2 * n}-{11 + 2 * n},"
        f"{endpoint['url']},redfish,"
        f"admin,env:{PASSWORD_VARIABLE},是"
        for n, (name, endpoint) in enumerate(zip(NAMES, endpoints, strict=True), 1)
    ]
    return HEADER + "\n".join(rows) + "\n" + OTHER_DEVICES


def _fit_the_spare(endpoint: dict[str, object]) -> Callable[[], None]:
    """The technician's hands: the simulated BMC is told its PSU 2 now holds the spare (POST /sim/replace)."""

    def fit() -> None:
        import json
        import urllib.request

        typer.secho("\n# " + _("li.na fits spare {serial} in PSU 2 of hq-web-01 (the simulator is told: "
                                "POST /sim/replace)").format(serial=SPARE_SERIAL), bold=True)
        body = json.dumps({"part": "psu:2", "serial": SPARE_SERIAL}).encode()
        request = urllib.request.Request(f"{endpoint['url']}/sim/replace", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()

    return fit


def _first_ticket() -> str:
    """The reference the demo's first ticket gets (the year is the site's, Asia/Shanghai)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dcmaint.domain.tickets import ticket_ref

    return ticket_ref(datetime.now(ZoneInfo("Asia/Shanghai")).year, 1)


def _steps(device_list: Path, catalogue: Path, bmc1: dict[str, object]) -> list[Step]:
    ticket = _first_ticket()
    return [
        ["site", "add", "hq", "--customer", "某市商业银行", "--contract", "WB-2026-017", "--signed", "2026-03-02",
         "--address", "北京市西城区金融大街 8 号"],
        ["device", "import", str(device_list), "--site", "hq"],
        ["staff", "add", "zhao.pm", "--role", "pm", "--phone", "+86 138 0000 0001"],
        ["staff", "add", "li.na", "--role", "engineer", "--skills", "hpe,dell,vmware"],
        ["device", "list", "--site", "hq"],
        ["plugin", "list"],
        ["health", "--site", "hq"],
        ["health", "--site", "hq", "--record", "--format", "nagios"],
        ["device", "show", "hq-web-01"],
        ["ticket", "new", "--site", "hq", "--source", "phone", "--caller", "王工（客户机房）", "--contact",
         "138 0013 8000", "--device", "hq-web-01", "--severity", "high",
         "--description", "hq-web-01 前面板电源告警灯亮红，监控报 PSU 2 故障"],
        ["ticket", "assign", ticket, "--to", "li.na"],
        ["ticket", "start", ticket, "--onsite"],
        ["spare", "catalogue", "import", str(catalogue)],
        ["spare", "add", "--site", "hq", "--part", "866730-001", "--serial", SPARE_SERIAL, "--bin", "A-01",
         "--proof", "HPE-COO-2026-0117"],
        ["spare", "add", "--site", "hq", "--part", "865408-B21", "--serial", SUBSTITUTE_SERIAL, "--bin", "A-02"],
        ["spare", "match", "--ticket", ticket],
        _fit_the_spare(bmc1),
        ["spare", "swap", "--device", "hq-web-01", "--slot", "PSU 2", "--spare", SPARE_SERIAL, "--ticket",
         ticket, "--by", "li.na", "--keep-at", "主机房A 备件柜", "--verify"],
        ["ticket", "restore", ticket],
        ["ticket", "fill", ticket, "--actions", "更换 PSU 2（备件 " + SPARE_SERIAL + "），iLO 告警清除，双电源冗余恢复",
         "--time-spent", "1h10m"],
        ["ticket", "sign", ticket, "--by", "王工", "--score", "5", "--comment", "响应及时"],
        ["ticket", "verify", ticket, "--by", "zhao.pm"],
        ["ticket", "show", ticket],
        ["ticket", "form", ticket, "--format", "pdf", "--lang", "zh", "--output", "__HOME__/维护单.pdf"],
        ["spare", "custody", "--site", "hq"],
        ["audit", "list", "--entity", "fault"],
        ["db", "check"],
    ]


def demo(
    keep: Annotated[bool, typer.Option("--keep", help=_("Keep the demo's home directory and print its path."))] = False,
) -> None:
    import shutil
    import signal
    import subprocess
    import tempfile

    from dcmaint.cli.main import run

    home = Path(tempfile.mkdtemp(prefix="dcmaint-demo-"))
    saved = {name: os.environ.get(name) for name in ("DCMAINT_HOME", "DCMAINT_DB_URL", "DCMAINT_CONFIG",
                                                     PASSWORD_VARIABLE)}
    os.environ.update({"DCMAINT_HOME": str(home), PASSWORD_VARIABLE: "demo-password"})
    os.environ.pop("DCMAINT_DB_URL", None)
    os.environ.pop("DCMAINT_CONFIG", None)
    simulator: subprocess.Popen[bytes] | None = None
    failed = 0
    try:
        typer.echo(_("dcmaint demo: a machine room registered from scratch in {home}").format(home=home))
        simulator, endpoints = _start_simulator(home)
        device_list = home / "客户设备清单.csv"
        device_list.write_bytes(_device_list(endpoints).encode("gbk"))
        catalogue = home / "parts.toml"
        catalogue.write_text(CATALOGUE, encoding="utf-8")
        for argv in _steps(device_list, catalogue, endpoints[0]):
            if callable(argv):
                argv()
                continue
            argv = [a.replace("__HOME__", str(home)) for a in argv]
            shown = [Path(a).name if a in (str(device_list), str(catalogue)) or a.startswith(str(home)) else a
                     for a in argv]
            typer.secho("\n$ dcmaint " + " ".join(f'"{a}"' if " " in a else a for a in shown), bold=True)
            code = run(argv)
            # health reports what it found through its exit code (0 ok .. 3 unknown): that is the point here
            if code != 0 and argv[0] != "health":
                failed += 1
                typer.secho(_("(exit code {code})").format(code=code), fg="red")
            elif argv[0] == "health":
                typer.secho(_("(exit code {code}: 0 ok, 1 warning, 2 critical, 3 unknown)").format(code=code), dim=True)
    finally:
        if simulator is not None:
            simulator.send_signal(signal.SIGTERM)
            try:
                simulator.wait(timeout=10)
            except subprocess.TimeoutExpired:
                simulator.kill()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if keep:
            typer.echo("\n" + _("kept {home}: export DCMAINT_HOME={home} to explore it").format(home=home))
        else:
            shutil.rmtree(home, ignore_errors=True)
    if failed:
        raise typer.Exit(1)
