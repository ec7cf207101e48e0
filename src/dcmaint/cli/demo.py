"""``dcmaint demo``: a walk-through on a throw-away machine room.

Every step is a real dcmaint command run against a fresh temporary home (its
own SQLite store), printed as a user would type it, so the demo doubles as a
smoke test of the install. Nothing outside that home is touched; it is deleted
at the end unless --keep is given.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from dcmaint.i18n import _

# A customer's device list as Chinese Excel exports it: GBK-encoded CSV with Chinese headers.
DEVICE_LIST = """\
设备名称,设备类型,品牌,型号,序列号(SN),机房,机柜,U位,管理IP,驱动,用户名,凭据,是否在保
hq-web-01,服务器,HPE,ProLiant DL380 Gen10,CN7912ABCD,主机房A,A01,12-13,redfish://127.0.0.1:8441,redfish,Administrator,env:BMC_PASSWORD,是
hq-db-01,服务器,Dell,PowerEdge R740,7XK2Q33,主机房A,A01,20-21,redfish://127.0.0.1:8442,redfish,root,env:BMC_PASSWORD,是
hq-vc-01,虚拟化,VMware,vCenter Server 8,,主机房A,A02,,https://127.0.0.1:8989/sdk,vsphere,administrator@vsphere.local,env:VC_PASSWORD,是
hq-san-01,存储,Huawei,OceanStor 5310,2102353GLY10M1000045,主机房A,A03,1-4,,,,,是
hq-ups-01,UPS,APC,Smart-UPS SRT 10000,AS1917123456,配电室,,,snmp://127.0.0.1:1161,snmp,,env:UPS_COMMUNITY,是
hq-crac-01,精密空调,Vertiv,Liebert PEX4,PEX4-2020-0311,主机房A,,,snmp://127.0.0.1:1162,snmp,,env:UPS_COMMUNITY,是
hq-test-01,服务器,Inspur,NF5280M5,219260012,测试间,T01,3-4,,,,,否
"""


def _steps(device_list: Path) -> list[list[str]]:
    return [
        ["site", "add", "hq", "--customer", "某市商业银行", "--contract", "WB-2026-017", "--signed", "2026-03-02",
         "--address", "北京市西城区金融大街 8 号"],
        ["device", "import", str(device_list), "--site", "hq"],
        ["staff", "add", "zhao.pm", "--role", "pm", "--phone", "+86 138 0000 0001"],
        ["staff", "add", "li.na", "--role", "engineer", "--skills", "hpe,dell,vmware"],
        ["staff", "add", "wang.desk", "--role", "desk"],
        ["device", "list", "--site", "hq"],
        ["device", "list", "--not-covered", "--format", "json"],
        ["--as", "li.na", "device", "edit", "hq-san-01", "--driver", "snmp", "--endpoint", "snmp://127.0.0.1:1163"],
        ["plugin", "list"],
        ["audit", "list", "--limit", "5"],
        ["db", "check"],
    ]


def demo(
    keep: Annotated[bool, typer.Option("--keep", help=_("Keep the demo's home directory and print its path."))] = False,
) -> None:
    from dcmaint.cli.main import run

    home = Path(tempfile.mkdtemp(prefix="dcmaint-demo-"))
    saved = {name: os.environ.get(name) for name in ("DCMAINT_HOME", "DCMAINT_DB_URL", "DCMAINT_CONFIG")}
    os.environ["DCMAINT_HOME"] = str(home)
    os.environ.pop("DCMAINT_DB_URL", None)
    os.environ.pop("DCMAINT_CONFIG", None)
    failed = 0
    try:
        device_list = home / "客户设备清单.csv"
        device_list.write_bytes(DEVICE_LIST.encode("gbk"))
        typer.echo(_("dcmaint demo: a machine room registered from scratch in {home}").format(home=home))
        for argv in _steps(device_list):
            shown = [a if a != str(device_list) else device_list.name for a in argv]
            typer.secho("\n$ dcmaint " + " ".join(f'"{a}"' if " " in a else a for a in shown), bold=True)
            code = run(argv)
            if code != 0:
                failed += 1
                typer.secho(_("(exit code {code})").format(code=code), fg="red")
    finally:
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
