"""``dcmaint demo``: a walk-through on a throw-away machine room, with whatever device simulators are installed.

Every step is a real dcmaint command run against a fresh temporary home (its
own SQLite store), printed as a user would type it, so the demo doubles as a
smoke test of the install. It asks the installed simulators what they offer
(:mod:`dcmaint.cli.demo_fleets`), starts them, registers their devices beside
equipment that has no driver, finds the faulty parts, records them, and walks
a ticket through the depot: a spare matched, fitted in the simulated device,
swapped and verified by a poll. With no simulator installed there is nothing
to poll, which is the point of the demo: it says so, names the fix and exits
1 before touching anything. It ends with what to try next and where its
files are: the home is deleted at the end unless --keep is given. Nothing
outside its home is touched.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.errors import DcmaintError
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.cli.demo_fleets import RunningFleet
    from dcmaint.drivers.sim_demo import DemoPart, DemoRepair

PASSWORD_VARIABLE = "DCMAINT_DEMO_BMC_PASSWORD"

# Equipment without a driver: registered, not polled.
OTHER_DEVICES = """\
hq-san-01,存储,Huawei,OceanStor 5310,2102353GLY10M1000045,主机房A,A03,1-4,,,,,是
hq-ups-01,UPS,APC,Smart-UPS SRT 10000,AS1917123456,配电室,,,,,,,是
hq-crac-01,精密空调,Vertiv,Liebert PEX4,PEX4-2020-0311,主机房A,,,,,,,是
hq-test-01,服务器,Inspur,NF5280M5,219260012,测试间,T01,3-4,,,,,否
"""
HEADER = "设备名称,设备类型,品牌,型号,序列号(SN),机房,机柜,U位,管理IP,驱动,用户名,凭据,是否在保\n"
SPARE_SERIAL = "5WBXK0A9DEMO"
SUBSTITUTE_SERIAL = "2M1A0C77DEMO"
CONSUMABLE_QUANTITY = 4

Step = list[str] | Callable[[], None]


def _fallback_repair() -> DemoRepair:
    """The repair when no simulator offers one: the precision air conditioner's clogged pre-filter, a consumable
    the contractor stocks under its own code (nobody polls the air conditioner in this room)."""
    from dcmaint.drivers.sim_demo import DemoPart, DemoRepair

    return DemoRepair(
        "hq-crac-01",
        "filter:1",
        "Filter 1",
        DemoPart(
            "FLT-G4-595x495x46",
            "Panel pre-filter G4, 595 x 495 x 46 mm, for downflow precision air conditioners",
            "filter",
            lead_time_days=7,
            consumable=True,
        ),
    )


def _device_list(fleets: list[RunningFleet]) -> str:
    """The customer's list as Chinese Excel exports it: GBK, Chinese headers, the simulated devices' addresses.

    Equipment a simulator serves (a UPS, a CRAC) is listed once, with its address, not also as unpolled.
    """
    from dcmaint.domain.formulas import safe_row
    from dcmaint.domain.import_columns import KIND_SYNONYMS

    labels = {kind: word for word, kind in reversed(KIND_SYNONYMS.items())}  # the first word of each kind
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # quotes a field with a comma (a vendor "Dell, Inc.")
    n = 0
    for fleet in fleets:
        for device, endpoint in fleet.devices():
            n += 1
            writer.writerow(
                safe_row(
                    [
                        device.name,
                        labels.get(device.kind, device.kind.value),
                        device.vendor,
                        device.model,
                        "",
                        "主机房A",
                        f"A{n:02d}",
                        f"{10 + 2 * n}-{11 + 2 * n}",
                        endpoint.url,
                        fleet.fleet.driver,
                        endpoint.username,
                        f"env:{PASSWORD_VARIABLE}",
                        "是",
                    ]
                )
            )
    polled = {device.name for fleet in fleets for device, _endpoint in fleet.devices()}
    unpolled = [line for line in OTHER_DEVICES.splitlines() if line.split(",", 1)[0] not in polled]
    return HEADER + out.getvalue() + "".join(line + "\n" for line in unpolled)


def _toml(part: DemoPart, substitutes: tuple[DemoPart, ...] = ()) -> str:
    import json

    lines = ["[[part]]", f"part_number = {json.dumps(part.part_number)}"]
    lines += [f"vendor = {json.dumps(part.vendor)}"] if part.vendor else []
    lines += [
        f"description = {json.dumps(part.description, ensure_ascii=False)}",
        f"class = {json.dumps(part.part_class)}",
    ]
    lines += [f"annual_failure_rate = {part.annual_failure_rate!r}"] if part.annual_failure_rate is not None else []
    lines += [f"lead_time_days = {part.lead_time_days}"] if part.lead_time_days is not None else []
    lines += ["consumable = true"] if part.consumable else []
    lines += [f"numbers = {{ spare = [{json.dumps(part.spare_part_number)}] }}"] if part.spare_part_number else []
    for substitute in substitutes:
        lines += ["[[part.substitutes]]", f"part_number = {json.dumps(substitute.part_number)}"]
        lines += [f"note = {json.dumps(substitute.note, ensure_ascii=False)}"] if substitute.note else []
    return "\n".join(lines) + "\n"


def _catalogue(repair: DemoRepair) -> str:
    """The depot's catalogue: the failed part (naming its substitutes) and each substitute."""
    return "\n".join([_toml(repair.fitted, repair.substitutes), *(_toml(part) for part in repair.substitutes)])


def _fit(fleet: RunningFleet, repair: DemoRepair) -> Callable[[], None]:
    """The technician's hands: the simulated device is told its part now holds the spare."""

    def fit() -> None:
        values = {"serial": SPARE_SERIAL, "slot": repair.slot, "device": repair.device, "how": repair.how}
        line = (
            _("li.na fits spare {serial} in {slot} of {device} (the simulator is told: {how})")
            if repair.how
            else _("li.na fits spare {serial} in {slot} of {device}")
        )
        typer.secho("\n# " + line.format(**values), bold=True)
        fleet.simulator.replace_part(fleet.endpoint_of(repair.device), repair.part, SPARE_SERIAL)

    return fit


def _first_ticket() -> str:
    """The reference the demo's first ticket gets (the year is the site's, Asia/Shanghai)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dcmaint.domain.tickets import ticket_ref

    return ticket_ref(datetime.now(ZoneInfo("Asia/Shanghai")).year, 1)


def _stock(repair: DemoRepair) -> list[Step]:
    """The spares the depot receives: the failed part's spare, and the first substitute's."""
    part = repair.fitted
    received = ["--quantity", str(CONSUMABLE_QUANTITY)] if part.consumable else ["--serial", SPARE_SERIAL]
    proof = ["--proof", f"{part.vendor.upper()}-COO-2026-0117"] if part.vendor else []  # the vendor's certificate
    steps: list[Step] = [
        ["spare", "add", "--site", "hq", "--part", part.stocked_as, *received, "--bin", "A-01", *proof]
    ]
    for substitute in repair.substitutes[:1]:
        steps.append(
            [
                "spare",
                "add",
                "--site",
                "hq",
                "--part",
                substitute.part_number,
                "--serial",
                SUBSTITUTE_SERIAL,
                "--bin",
                "A-02",
            ]
        )
    return steps


def _steps(
    device_list: Path, catalogue: Path, fleets: list[RunningFleet], repair: DemoRepair, fit: Callable[[], None] | None
) -> list[Step]:
    ticket = _first_ticket()
    fitted = repair.fitted.stocked_as if repair.fitted.consumable else SPARE_SERIAL
    steps: list[Step] = [
        [
            "site",
            "add",
            "hq",
            "--customer",
            "某市商业银行",
            "--contract",
            "WB-2026-017",
            "--signed",
            "2026-03-02",
            "--address",
            "北京市西城区金融大街 8 号",
        ],
        ["device", "import", str(device_list), "--site", "hq"],
        ["staff", "add", "zhao.pm", "--role", "pm", "--phone", "+86 138 0000 0001"],
        ["staff", "add", "li.na", "--role", "engineer", "--skills", "hpe,dell,vmware"],
        ["device", "list", "--site", "hq"],
        ["plugin", "list"],
    ]
    steps += [
        ["health", "--site", "hq"],
        ["health", "--site", "hq", "--record", "--format", "nagios"],
        ["device", "show", _shown_device(fleets, repair, fit)],
    ]
    steps += [
        [
            "ticket",
            "new",
            "--site",
            "hq",
            "--source",
            "phone",
            "--caller",
            "王工（客户机房）",
            "--contact",
            "138 0013 8000",
            "--device",
            repair.device,
            "--severity",
            "high",
            "--description",
            f"{repair.device} 前面板告警灯亮红，监控报 {repair.slot} 故障",
        ],
        ["ticket", "assign", ticket, "--to", "li.na"],
        ["ticket", "start", ticket, "--onsite"],
        ["spare", "catalogue", "import", str(catalogue)],
        *_stock(repair),
    ]
    if fit is not None:
        steps += [
            ["spare", "match", "--ticket", ticket],
            fit,
            [
                "spare",
                "swap",
                "--device",
                repair.device,
                "--slot",
                repair.slot,
                "--spare",
                SPARE_SERIAL,
                "--ticket",
                ticket,
                "--by",
                "li.na",
                "--keep-at",
                "主机房A 备件柜",
                "--verify",
            ],
        ]
    steps += [
        ["ticket", "restore", ticket],
        [
            "ticket",
            "fill",
            ticket,
            "--actions",
            f"更换 {repair.slot}（备件 {fitted}），告警清除，设备恢复正常",
            "--time-spent",
            "1h10m",
        ],
        ["ticket", "sign", ticket, "--by", "王工", "--score", "5", "--comment", "响应及时"],
        ["ticket", "verify", ticket, "--by", "zhao.pm"],
        ["ticket", "show", ticket],
        ["ticket", "form", ticket, "--format", "pdf", "--lang", "zh", "--output", "__HOME__/维护单.pdf"],
    ]
    if fit is not None:
        steps.append(["spare", "custody", "--site", "hq"])
    steps += [["audit", "list", "--entity", "fault"], ["db", "check"]]
    return steps


def _shown_device(fleets: list[RunningFleet], repair: DemoRepair, fit: Callable[[], None] | None) -> str:
    """The device ``device show`` presents: the one repaired in a simulator, else the first simulated one."""
    return repair.device if fit is not None else fleets[0].fleet.devices[0].name


@dataclass(frozen=True)
class Walked:
    """What the walk-through did: the steps that failed, the device shown and the ticket it worked."""

    failed: int
    device: str
    ticket: str


def _walk(home: Path, fleets: list[RunningFleet]) -> Walked:
    """Run every step (health's exit codes are its findings, not failures)."""
    from dcmaint.cli.main import run

    offered = next(((fleet, fleet.fleet.repair) for fleet in fleets if fleet.fleet.repair is not None), None)
    repair = offered[1] if offered else _fallback_repair()
    fit = _fit(*offered) if offered else None
    device_list = home / "客户设备清单.csv"
    device_list.write_bytes(_device_list(fleets).encode("gbk"))
    catalogue = home / "parts.toml"
    catalogue.write_text(_catalogue(repair), encoding="utf-8")
    failed = 0
    for argv in _steps(device_list, catalogue, fleets, repair, fit):
        if callable(argv):
            argv()
            continue
        argv = [a.replace("__HOME__", str(home)) for a in argv]
        shown = [
            Path(a).name if a in (str(device_list), str(catalogue)) or a.startswith(str(home)) else a for a in argv
        ]
        typer.secho("\n$ dcmaint " + " ".join(f'"{a}"' if " " in a else a for a in shown), bold=True)
        code = run(argv)
        # health reports what it found through its exit code (0 ok .. 3 unknown): that is the point here
        if code != 0 and argv[0] != "health":
            failed += 1
            typer.secho(_("(exit code {code})").format(code=code), fg="red")
        elif argv[0] == "health":
            typer.secho(_("(exit code {code}: 0 ok, 1 warning, 2 critical, 3 unknown)").format(code=code), dim=True)
    return Walked(failed, _shown_device(fleets, repair, fit), _first_ticket())


def _next(walked: Walked, home: Path, keep: bool, simulator: str) -> str:
    """The closing words: what to try next, and where the demo's files are (kept, or removed)."""
    if keep:
        where = _(
            "The demo's machine room is kept in {home}: its database, the customer's device list, the parts "
            "catalogue and the signed form. The simulated devices stopped with the demo."
        ).format(home=home)
        tries = [
            (f"export DCMAINT_HOME={home}", _("use the demo's home in this shell")),
            (f"dcmaint device show {walked.device}", _("the last poll and the faults recorded")),
            (f"dcmaint ticket show {walked.ticket}", _("the ticket, its SLA clock and its events")),
            ("dcmaint spare custody --site hq", _("the removed part, kept for the customer")),
            ("dcmaint audit list --entity fault", _("every fault opened and closed")),
        ]
    else:
        where = _("The demo's files were removed with its home {home}.").format(home=home)
        tries = [
            ("dcmaint demo --keep", _("the same walk-through, its machine room kept to explore")),
            (f"dcmaint sim {simulator} --count 3", _("simulated devices of your own, to poll")),
            ("dcmaint init", _("your own machine room (docs/configuration.md)")),
        ]
    wide = max(len(command) for command, _note in tries)
    return "\n".join([where, "", _("Try next:"), *(f"  {cmd.ljust(wide)}  # {note}" for cmd, note in tries)])


def demo(
    ctx: typer.Context,
    keep: Annotated[bool, typer.Option("--keep", help=_("Keep the demo's home directory and print its path."))] = False,
) -> None:
    import shutil
    import tempfile

    from dcmaint.cli.demo_fleets import offered, running
    from dcmaint.cli.plugin import load_manager

    offers = offered(load_manager(ctx))
    if not offers:
        raise DcmaintError(
            _(
                "no device simulator is installed, so the demo has nothing to poll: install a driver plugin that "
                "ships one (the Redfish plugin does, see docs/sim.md) and run dcmaint demo again; dcmaint plugin "
                "list shows what is installed"
            )
        )
    home = Path(tempfile.mkdtemp(prefix="dcmaint-demo-"))
    saved = {
        name: os.environ.get(name) for name in ("DCMAINT_HOME", "DCMAINT_DB_URL", "DCMAINT_CONFIG", PASSWORD_VARIABLE)
    }
    os.environ.update({"DCMAINT_HOME": str(home), PASSWORD_VARIABLE: "demo-password"})
    os.environ.pop("DCMAINT_DB_URL", None)
    os.environ.pop("DCMAINT_CONFIG", None)
    walked: Walked | None = None
    try:
        typer.echo(_("dcmaint demo: a machine room registered from scratch in {home}").format(home=home))
        with running(offers, home) as fleets:
            walked = _walk(home, fleets)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if not keep:
            shutil.rmtree(home, ignore_errors=True)
        elif walked is None:  # the walk broke off: say where its files are all the same
            typer.echo("\n" + _("kept {home}: export DCMAINT_HOME={home} to explore it").format(home=home), err=True)
    assert walked is not None  # the walk returned (else its exception is on its way)
    typer.echo("\n" + _next(walked, home, keep, offers[0][0].name))
    if walked.failed:
        raise typer.Exit(1)
