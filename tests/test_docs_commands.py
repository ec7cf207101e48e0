"""Docs are executed: every command shown in README.md and docs/ runs, page by page, as a user would type it.

The rules of the pages (which blocks run, what is compared) are in
tests/docs_session.py. What a page needs from the world is given here, the
way a user would have it: a file in the working directory, an environment
variable, a simulated BMC whose address replaces the documented one (each
substitution listed explicitly), a part fitted by hand between two commands.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer

from tests.docs_session import ROOT, Session, blocks, commands, is_command_line, pages, run_page
from tests.test_db_roles import team_store

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _leaves(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if hasattr(command, "commands"):  # a group (typer ships its own copy of click's classes)
        return [leaf for name, sub in sorted(command.commands.items()) for leaf in _leaves(sub, (*path, name))]
    return [path]


def test_every_command_is_documented_with_an_example():
    from dcmaint.cli.main import full_app

    text = "\n".join(
        p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    )
    leaves = _leaves(typer.main.get_command(full_app()))
    assert len(leaves) > 40
    missing = [" ".join(leaf) for leaf in leaves if f"dcmaint {' '.join(leaf)}" not in text]
    assert missing == []


def test_every_command_shown_runs_or_says_why_not():
    """A block with a command a user would type is a console session (run below) or says why it is not run."""
    unmarked = [
        f"{block.page}:{block.line}"
        for page in pages()
        for block in blocks(page)
        if block.lang != "console" and block.marker is None and any(is_command_line(line) for line in block.lines)
        if f"{block.page}:{block.lines[0]}" not in NOT_RUN_ELSEWHERE
    ]
    assert unmarked == []
    prompts_missing = [
        f"{block.page}:{block.line}"
        for page in pages()
        for block in blocks(page)
        if block.lang == "console" and block.lines and not commands(block)
    ]
    assert prompts_missing == []


#: Blocks of pages this test may not annotate, by their first line, with why they are not run.
NOT_RUN_ELSEWHERE = {
    "docs/health.md:dcmaint health [DEVICE...] [--site S] [--kind K] [--format table|json|nagios|prometheus]": (
        "synopsis"
    ),
    "docs/health.md:define command {": "a Nagios command definition",
    "docs/health.md:dcmaint health --format prometheus > /var/lib/node_exporter/dcmaint.prom.$$ && \\": (
        "a cron job writing into node_exporter's directory"
    ),
    "docs/plugins.md:dcmaint: warning: plugin 'acme' (dcmaint-acme 0.1.0) skipped: "
    "ModuleNotFoundError: No module named 'acme_sdk'": "output",
    "docs/plugins.md:dcmaint plugin list [--format table|json|csv] [--strict/--no-strict]": "synopsis",
}


# --- what each page needs -------------------------------------------------------------------------


@dataclass
class Page:
    """A page's world: files, environment, simulated BMCs, substitutions, declared exit codes, hands."""

    files: dict[str, Path | Callable[[Path], None]] = field(default_factory=dict)  # "~/..." is in the home
    env: dict[str, str] = field(default_factory=dict)
    bmcs: tuple[tuple[str, str], ...] = ()  # (flavour, faults) per simulated BMC, served as bmc1, bmc2...
    addresses: dict[str, str] = field(default_factory=dict)  # documented text -> "{bmcN}" (its redfish+http URL)
    exits: dict[str, int] = field(default_factory=dict)  # command as shown -> its exit code
    hands: dict[str, Callable[[object], None]] = field(default_factory=dict)  # command -> done first, to the sim
    venv: bool = False  # the working directory has .venv (the checkout's), for `. .venv/bin/activate`
    setup: tuple[str, ...] = ()  # commands run first, for a page that does not state its own setup
    prepare: Callable[[], dict[str, str]] | None = None  # done before the page; its result joins env (or skips)
    replaced: dict[str, str] = field(default_factory=dict)  # documented text -> the env variable it stands for


def fit(bmc: int, part: str, serial: str) -> Callable[[object], None]:
    """The technician fits a spare: the simulated BMC now reports it in that slot (``POST /sim/replace``)."""

    def fit_part(sim: object) -> None:
        from dcmaint_redfish.sim.demo import replace_part

        replace_part(sim.endpoints[bmc - 1], part, serial)  # type: ignore[attr-defined]

    return fit_part


def workbook(*rows: tuple[object, ...]) -> Callable[[Path], None]:
    """An XLSX file as a customer's Excel saves it: one sheet, Chinese headers in the first row."""

    def write(path: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        for row in rows:
            book.active.append(list(row))  # type: ignore[union-attr]
        book.save(path)

    return write


#: The customer's equipment list of docs/cli.md: equipment nobody polls (no management address).
DEVICE_LIST = workbook(
    ("序号", "设备名称", "设备类型", "品牌", "型号", "序列号(SN)", "机房", "机柜", "U位", "是否在保"),
    (1, "hq-san-01", "磁盘阵列", "Huawei", "OceanStor 5500 V5", "2102351QLH10K9000045", "主机房A", "A04", "1-4", "是"),
    (2, "hq-ups-01", "UPS", "APC", "Symmetra PX 40kW", "QS1234567890", "配电室", None, None, "是"),
    (3, "hq-crac-01", "精密空调", "Vertiv", "Liebert PEX 30kW", "LP2019A0001", "主机房A", None, None, "是"),
    (4, "hq-core-sw-01", "交换机", "Huawei", "CloudEngine 6881", "2102353YKM10K3000089", "主机房A", "A05", 40, "是"),
)
#: The customer's own parts list (docs/cli.md, docs/spares.md): parts the starter catalogue lacks.
PARTS_LIST = workbook(
    ("序号", "部件号", "厂商", "部件名称", "类别", "年故障率", "采购周期(天)", "备件号"),
    (1, "SYM-BAT-40K", "APC", "Symmetra PX 电池模块", "电池", "3%", "30天", "SYBTU1-PLP"),
    (2, "LPEX-FAN-EC", "Vertiv", "Liebert PEX EC 风机", "风扇", "2%", 45, None),
)


def vsphere_harness() -> dict[str, str]:
    """``dcmaint sim vsphere``'s harness, built once into the test user's cache, which the page's fresh home
    then shares (a cold build takes about 30 s). Without Go or govmomi: skipped, a failure under CI."""
    from dcmaint_vsphere.sim.vcsim import SimulatorUnavailable, build

    try:
        build()
    except SimulatorUnavailable as missing:
        if IN_CI:
            pytest.fail(f"CI=true and the vCenter simulator is not available: {missing}")
        pytest.skip(str(missing))
    return {"XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")}


def png(path: Path) -> None:
    """A customer's signature, scanned: a small PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (240, 80), 255)
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 55), (230, 25)], fill=0, width=3)
    image.save(path, format="PNG")


#: The customer's e-mail, saved from their mail client (docs/tickets.md).
FAULT_MAIL = """\
From: =?utf-8?B?546L5bel?= <wang.gong@bank.example.cn>
To: desk@contractor.example.cn
Subject: =?utf-8?B?5py65oi/QSBocS1kYi0wMSDnoaznm5jlkYroraY=?=
Date: Wed, 25 Nov 2026 08:40:00 +0800
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

hq-db-01 前面板硬盘指示灯黄色闪烁，请尽快派人处理。
王工 138 0013 8000
"""


#: Pages whose console blocks cannot run here, and why (each is a page this test may not edit).
NOT_RUN_PAGES = {
    "docs/plugins.md": (
        "its tutorial installs dcmaint and the plugin it writes into a virtual environment of its own: "
        "tests/drivers/test_tutorial.py runs the tutorial's commands, as shown, in a fresh one and checks its files"
    ),
}

PAGES: dict[str, Page] = {
    "README.md": Page(
        files={"客户设备清单.xlsx": ROOT / "configs" / "devices-example.xlsx"},
        env={"ILO_PASSWORD": "the-BMC-password"},
        bmcs=(("hpe-ilo5", "psu:2=critical"),),
        addresses={"redfish://10.1.1.5": "{bmc1}"},
        exits={"dcmaint health --site hq": 2, "dcmaint health --record --format nagios": 2},
        hands={
            'dcmaint spare swap --device srv01 --slot "PSU 2" --spare 5WBXK0A9 --ticket T-2026-000001 --verify': fit(
                1, "psu:2", "5WBXK0A9"
            )
        },
        venv=True,
    ),
    "docs/import.md": Page(
        files={
            "configs": ROOT / "configs",
            "资产清单.xlsx": workbook(
                ("序号", "资产名称", "资产编号", "设备大类", "品牌"),
                (1, "hq-p750", "ZC-2019-0012", "小型机", "IBM"),
                (2, "hq-san-sw-01", "ZC-2019-0031", "SAN交换机", "Brocade"),
            ),
        }
    ),
    "docs/spares.md": Page(
        files={"客户备件目录.xlsx": PARTS_LIST},
        env={"ILO_PASSWORD": "the-BMC-password"},
        bmcs=(("hpe-ilo5", "psu:2=critical"),),
        addresses={"redfish://10.1.1.5": "{bmc1}"},
        exits={
            "dcmaint health hq-web-01 --record": 2,
            "dcmaint health hq-crac-01 --record": 1,
            'dcmaint spare swap --device hq-web-01 --slot "PSU 2" --spare 5WBXK0A9 --ticket T-2026-000001 --by 张伟'
            " --verify": 1,
        },
        hands={"dcmaint spare verify 1": fit(1, "psu:2", "5WBXK0A9")},
    ),
    "docs/tickets.md": Page(
        files={"故障报告.eml": lambda path: path.write_text(FAULT_MAIL, encoding="utf-8"), "签字.png": png},
        env={"ILO_PASSWORD": "the-BMC-password"},
        bmcs=(("hpe-ilo5", "psu:2=critical"), ("dell-idrac9", "disk:2=predicted")),
        addresses={"redfish://10.1.1.5": "{bmc1}", "redfish://10.1.1.6": "{bmc2}"},
        exits={"dcmaint health --site hq --record": 2, "dcmaint health --site hq --record --open-tickets": 1},
        hands={"dcmaint spare swap --ticket T-2026-000001 --spare 5WBXK0A9 --verify": fit(1, "psu:2", "5WBXK0A9")},
    ),
    "docs/health.md": Page(
        env={"PW": "the-BMC-password"},
        bmcs=(("hpe-ilo5", "psu:2=critical"), ("hpe-ilo5", "disk:1=predicted")),
        setup=(
            'dcmaint site add hq --customer "某市商业银行"',
            "dcmaint device add srv01 --site hq --kind server --endpoint {bmc1} --username admin --credential env:PW",
            "dcmaint device add srv02 --site hq --kind server --endpoint {bmc2} --username admin --credential env:PW",
            "dcmaint device add ups01 --site hq --kind ups --endpoint 10.0.0.9",
        ),
        exits={
            "dcmaint health --site hq": 2,
            "dcmaint health --format nagios": 2,
            "dcmaint health --target ftp://10.0.0.5": 3,
            "dcmaint health --format nagios --site nowhere": 3,
            "dcmaint health --site nowhere": 3,
        },
    ),
    "docs/metrics.md": Page(
        env={"ILO_PASSWORD": "the-BMC-password"},
        bmcs=(("hpe-ilo5", "psu:2=critical"),),
        addresses={"redfish://10.1.1.5": "{bmc1}"},
        exits={"dcmaint health --site hq --record --open-tickets": 2},
    ),
    "docs/drivers/snmp.md": Page(
        exits={
            "dcmaint health --site hq": 2,
            "dcmaint health --site hq --record --format nagios": 2,
            "dcmaint health --target snmp://127.0.0.1:54350 --kind ups --password-ref env:SNMP_COMMUNITY"
            " --format nagios": 1,
            "dcmaint health ups02 --format nagios": 3,
        }
    ),
    "docs/sim.md": Page(
        env={"VC_PASSWORD": "any-password"},
        exits={
            "dcmaint health --target vsphere+http://127.0.0.1:34007/host/DC0_C0_H1 --username admin "
            "--password-ref env:VC_PASSWORD --format nagios": 2,
        },
        prepare=vsphere_harness,
    ),
    "docs/drivers/vsphere.md": Page(
        exits={"dcmaint health --site hq --format nagios": 2},
        prepare=vsphere_harness,
    ),
    "docs/forms.md": Page(
        files={"~/fonts/house.ttc": ROOT / "src" / "dcmaint" / "data" / "fonts" / "wqy-microhei.ttc"}
    ),
    "docs/database.md": Page(
        exits={"dcmaint db check > /dev/null": 1, "dcmaint ticket assign T-2026-000001 --to li.wei": 1},
        env={"LI_DESK_PASSWORD": "a-long-desk-passphrase"},
        prepare=team_store,
        replaced={
            "dcmaint@db.example.internal:5432/dcmaint": "TEAM_OWNER",
            "@db.example.internal:5432/dcmaint": "TEAM_AT",
        },
    ),
    "docs/security.md": Page(),  # the formula guard on a fresh store: nothing else needed
    "docs/rma.md": Page(
        exits={
            "dcmaint health hq-web-01 --record": 2,
            "dcmaint health --site hq --record": 2,
            "dcmaint rma list --overdue": 1,
            "dcmaint rma list --format json": 1,
        }
    ),
    "docs/maintenance.md": Page(
        exits={
            "dcmaint health hq-crac-01 --record": 1,
            "dcmaint pm due --site hq": 1,
            "dcmaint pm due --site hq --format json": 1,
        }
    ),
    "docs/emergency.md": Page(exits={"dcmaint emergency due --site hq": 1}),
    "docs/inspections.md": Page(
        env={"PW": "the-BMC-password"},
        bmcs=(("hpe-ilo5", "psu:2=critical"), ("hpe-ilo5", "")),
        setup=(
            'dcmaint site add hq --customer "某市商业银行" --contract WB-2026-017',
            "dcmaint device add srv01 --site hq --kind server --endpoint {bmc1} --username admin --credential env:PW",
            "dcmaint device add srv02 --site hq --kind server --endpoint {bmc2} --username admin --credential env:PW",
        ),
        exits={"dcmaint inspect due --within 14d": 1},
    ),
    "docs/archive.md": Page(
        env={"ILO_PASSWORD": "the-BMC-password"},
        bmcs=(("dell-idrac9", ""),),
        addresses={"redfish://10.1.1.7": "{bmc1}"},
        hands={"dcmaint archive snapshot hq-db-01 --timeout 30": fit(1, "disk:2", "S4X1NEW0002")},
    ),
    "docs/changes.md": Page(
        env={"ILO_PASSWORD": "the-BMC-password"},
        bmcs=(("dell-idrac9", ""),),
        addresses={"redfish://10.1.1.7": "{bmc1}"},
        exits={
            "dcmaint advisory list": 1,
            "dcmaint advisory list --site hq --severity critical --format json": 1,
            "dcmaint change implement CR-1 --by 张伟 --verify --timeout 30": 1,
        },
    ),
    "docs/backups.md": Page(
        exits={
            "dcmaint backup due": 1,
            "dcmaint backup due --format json": 1,
            "dcmaint backup due --site hq --within 30d": 1,
        }
    ),
    "docs/rosters.md": Page(
        exits={
            "dcmaint roster who --site bj --at 2026-02-28T10:00": 1,
            "dcmaint roster check --site bj --from 2026-03-01T09:00 --to 2026-03-15T09:00": 1,
            "dcmaint roster publish --site bj --holiday 国庆节 --year 2026 --at 2026-09-24T08:00": 1,
        }
    ),
    "docs/customers.md": Page(
        exits={"dcmaint visit due": 1},  # a follow-up, then a complaint, overdue
    ),
    "docs/recording.md": Page(
        env={"ILO_PASSWORD": "the-BMC-password"},
        bmcs=(("hpe-ilo5", "psu:2=critical"),),
        addresses={"redfish://10.1.1.5": "{bmc1}"},
    ),
    "docs/deploy.md": Page(
        bmcs=(("hpe-ilo5", "psu:2=critical"),),
        addresses={"redfish://10.1.1.5": "{bmc1}"},
    ),
    "docs/cli.md": Page(
        files={"客户设备清单.xlsx": DEVICE_LIST, "客户备件目录.xlsx": PARTS_LIST},
        env={"ILO_PASSWORD": "the-BMC-password", "BMC_PASSWORD": "monitor-password"},
        bmcs=(("hpe-ilo5", "psu:2=critical"), ("hpe-ilo5", "")),
        addresses={"redfish://10.1.1.5": "{bmc1}", "https://10.1.1.6": "{bmc2.http}"},
        exits={
            "dcmaint health --site hq": 2,
            "dcmaint health srv01 --format nagios": 2,
            "dcmaint health --record --format prometheus": 2,
            "dcmaint health --target redfish://10.1.1.5 --username admin --password-ref env:ILO_PASSWORD": 2,
            "DCMAINT_LOAD_PLUGINS=none dcmaint demo": 1,
        },
        hands={
            'dcmaint spare swap --device srv01 --slot "PSU 2" --spare 5WBXK0A9 --ticket T-2026-000001 --verify': fit(
                1, "psu:2", "5WBXK0A9"
            )
        },
    ),
}


@contextmanager
def simulated(page: Page) -> Iterator[object]:
    if not page.bmcs:
        yield None
        return
    try:
        from dcmaint.drivers.simulators import SimulatorOptions
        from dcmaint_redfish.sim import running
    except ImportError as missing:  # the in-tree Redfish plugin is part of every test install
        if IN_CI:
            raise
        pytest.skip(f"the Redfish simulator is not installed: {missing}")
    faults = ",".join(
        f"bmc{n}:{item}" for n, (_flavour, spec) in enumerate(page.bmcs, 1) for item in spec.split(",") if item
    )
    options = SimulatorOptions(count=len(page.bmcs), flavours=tuple(f for f, _ in page.bmcs), faults=faults)
    with running(options) as sim:
        yield sim


def test_only_the_pages_named_are_not_run():
    with_sessions = [p for p in pages() if any(b.lang == "console" for b in blocks(p))]
    assert set(NOT_RUN_PAGES) <= set(with_sessions)
    assert set(PAGES) <= set(with_sessions) - set(NOT_RUN_PAGES)


@pytest.mark.parametrize(
    "page", [p for p in pages() if any(b.lang == "console" for b in blocks(p)) and p not in NOT_RUN_PAGES]
)
def test_the_pages_commands_run(page: str, tmp_path: Path):
    spec = PAGES.get(page, Page())
    env = {**spec.env, **(spec.prepare() if spec.prepare else {})}
    with ExitStack() as stack:
        sim = stack.enter_context(simulated(spec))
        session = Session.fresh(tmp_path, env)
        stack.callback(session.close)
        if spec.venv:
            (session.work / ".venv").symlink_to(Path(sys_prefix()))
        for name, source in spec.files.items():
            target = session.home / name.removeprefix("~/") if name.startswith("~/") else session.work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if callable(source):
                source(target)
            elif source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copy(source, target)
        if sim is not None:
            endpoints = sim.endpoints  # type: ignore[attr-defined]
            urls = {f"{{bmc{n}}}": e.url.replace("http://", "redfish+http://", 1) for n, e in enumerate(endpoints, 1)}
            urls |= {f"{{bmc{n}.http}}": e.url for n, e in enumerate(endpoints, 1)}
            session.substitutions.update({shown: urls[bmc] for shown, bmc in spec.addresses.items()})
            session.substitutions.update(urls)  # the setup's own placeholders
        session.substitutions.update({shown: env[name] for shown, name in spec.replaced.items()})
        for command in spec.setup:
            code, _out, err = session.shell(session.substitute(command))
            assert code == 0, f"setup of {page}: $ {command}\n{err}"
        hands = {command: (lambda _session, act=act: act(sim)) for command, act in spec.hands.items()}
        ran = list(run_page(session, page, spec.exits, hands))
        assert ran, f"{page} has console blocks but no commands"
        assert all(code == 0 for code in session.close()), "a simulator the page started did not stop cleanly"


def sys_prefix() -> str:
    import sys

    return sys.prefix


def test_the_deploy_page_shows_the_unit_file_dcmaint_ships():
    """docs/deploy.md's ``ini`` block is the unit ``dcmaint collect --print-unit`` prints, byte for byte."""
    from dcmaint.services.collector import unit_file

    shown = [block for block in blocks("docs/deploy.md") if block.lang == "ini"]
    assert len(shown) == 1
    assert "\n".join(shown[0].lines) + "\n" == unit_file()
