"""The command surface itself: help, version, start-up imports."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dcmaint import __version__

GROUPS = ["init", "completion", "config", "site", "device", "staff", "plugin", "audit", "db"]
DEVICE_LIBRARIES = ("redfish", "pyVmomi", "pysnmp", "sqlalchemy", "alembic", "psycopg", "openpyxl", "pluggy")
DOCUMENT_LIBRARIES = ("jinja2", "markupsafe", "matplotlib", "fpdf", "PIL", "numpy")  # only when a document is drawn


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
    heavy = sorted(m for m in imported if m.split(".")[0] in (*DEVICE_LIBRARIES, *DOCUMENT_LIBRARIES))
    assert heavy == []
    done = run("-X", "importtime", "-m", "dcmaint", "report", "monthly", "--help")
    assert done.returncode == 0 and "--month" in done.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert not imported & set(DOCUMENT_LIBRARIES)


def test_device_list_imports_no_orm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env["DCMAINT_HOME"] = str(tmp_path)
    assert run("-m", "dcmaint", "site", "add", "hq", "--customer", "A", env=env).returncode == 0
    done = run("-X", "importtime", "-m", "dcmaint", "device", "list", "--format", "json", env=env)
    assert done.returncode == 0 and done.stdout.strip() == "[]"
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert not imported & {"sqlalchemy", "alembic", "redfish", "pyVmomi", "pysnmp"}


def test_completion_prints_a_script_for_each_shell(cli_sqlite):
    assert "complete -o default -F _dcmaint_completion dcmaint" in cli_sqlite.ok("completion", "bash").out
    assert cli_sqlite.ok("completion", "zsh").out.startswith("#compdef dcmaint")
    assert "complete --command dcmaint" in cli_sqlite.ok("completion", "fish").out
    wrong = cli_sqlite("completion", "tcsh")
    assert wrong.code == 2 and "'tcsh'" in wrong.err and wrong.out == ""


def _shim(folder) -> str:
    """A `dcmaint` on PATH that runs this interpreter's dcmaint, as an installed one would."""
    shim = folder / "dcmaint"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dcmaint "$@"\n')
    shim.chmod(0o755)
    return str(folder)


def test_bash_completes_commands_subcommands_and_option_values(tmp_path):
    """The script `dcmaint completion bash` prints, sourced into a real bash and asked as bash asks on TAB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DCMAINT_", "_DCMAINT"))}
    env.update(PATH=_shim(tmp_path) + os.pathsep + env.get("PATH", ""), DCMAINT_HOME=str(tmp_path / "home"))

    def tab(*words: str) -> list[str]:
        """What TAB offers after `words` (the last one is the word being completed, maybe empty)."""
        typed = " ".join(f"'{word}'" for word in words)
        script = (
            "source <(dcmaint completion bash)\n"
            f"COMP_WORDS=(dcmaint {typed}); COMP_CWORD={len(words)}\n"
            '_dcmaint_completion dcmaint\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
        )
        done = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert tab("ti") == ["ticket"]
    assert {"new", "list", "show", "assign", "verify", "form"} <= set(tab("ticket", ""))
    assert tab("health", "--format", "") == ["table", "json", "nagios", "prometheus"]
    assert tab("--config", "x.toml", "sp") == ["spare"]  # the root's own options are stepped over
    assert set(tab("")) >= {"init", "demo", "health", "completion", "site", "device", "spare", "ticket", "db"}


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_complete_through_the_same_protocol(cli_sqlite, monkeypatch, shell):
    monkeypatch.setenv("_DCMAINT_COMPLETE", f"complete_{shell}")
    monkeypatch.setenv("_TYPER_COMPLETE_FISH_ACTION", "get-args")
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", "dcmaint ti")
    first = {"zsh": '_arguments \'*: :(("ticket":', "fish": "ticket\t"}[shell]  # each shell's own format
    assert cli_sqlite.ok().out.startswith(first)
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", "dcmaint ticket ")
    offered = cli_sqlite.ok().out
    assert all(command in offered for command in ("new", "assign", "restore", "verify"))
