"""The command surface itself: help, version, start-up imports."""

from __future__ import annotations

import os
import subprocess
import sys

from dcmaint import __version__

GROUPS = ["init", "config", "site", "device", "staff", "plugin", "audit", "db"]
DEVICE_LIBRARIES = ("redfish", "pyVmomi", "pysnmp", "sqlalchemy", "alembic", "psycopg", "openpyxl", "pluggy")


def run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env or os.environ.copy())


def test_help_lists_the_command_groups(cli_sqlite):
    out = cli_sqlite.ok("--help").out
    for group in GROUPS:
        assert f"  {group} " in out


def test_bare_command_shows_help(cli_sqlite):
    assert "Usage:" in cli_sqlite.ok().out


def test_version(cli_sqlite):
    assert cli_sqlite.ok("--version").out.strip() == f"dcmaint {__version__}"


def test_every_command_has_help(cli_sqlite):
    import typer.main

    from dcmaint.cli.main import full_app

    root = typer.main.get_command(full_app())

    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path, command in walk(root, []):
        assert (command.help or "").strip(), f"dcmaint {' '.join(path)} has no help"
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                assert (param.help or "").strip(), f"dcmaint {' '.join(path)} {param.opts[0]} has no help"


def test_start_up_imports_nothing_heavy():
    """`dcmaint --help` must not pay for the store, the device libraries or plugin discovery."""
    done = run("-X", "importtime", "-m", "dcmaint", "--help")
    assert done.returncode == 0
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    heavy = sorted(m for m in imported if m.split(".")[0] in DEVICE_LIBRARIES)
    assert heavy == []


def test_device_list_imports_no_orm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env["DCMAINT_HOME"] = str(tmp_path)
    assert run("-m", "dcmaint", "site", "add", "hq", "--customer", "A", env=env).returncode == 0
    done = run("-X", "importtime", "-m", "dcmaint", "device", "list", "--format", "json", env=env)
    assert done.returncode == 0 and done.stdout.strip() == "[]"
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert not imported & {"sqlalchemy", "alembic", "redfish", "pyVmomi", "pysnmp"}
