"""What a pip install gets: package data, dependencies in their extras, one line for a missing extra."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = sorted((ROOT / "plugins").glob("*/pyproject.toml"))


def _project(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    return {
        r.split(";")[0].split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower() for r in requirements
    }


@pytest.mark.parametrize("argv", [["site", "list"], ["site", "add", "hq", "--customer", "Bank"], ["db", "upgrade"]])
def test_postgresql_without_the_extra_is_one_line_naming_it(cli_sqlite, home, monkeypatch, argv):
    """A SQLite user has no psycopg: pointing at PostgreSQL says which extra to install, on reads and writes."""
    monkeypatch.setitem(sys.modules, "psycopg", None)  # what `import psycopg` meets where it is not installed
    monkeypatch.setenv("DCMAINT_DB_URL", "postgresql://dcmaint@127.0.0.1:5432/nowhere")
    result = cli_sqlite(*argv)
    assert result.code == 2
    assert result.err.strip() == (
        "dcmaint: error: PostgreSQL support is not installed: pip install 'dcmaint[postgresql]'"
    )
    assert not home.exists() or not any(home.rglob("*.db"))


def test_core_dependencies_leave_postgresql_and_fonts_to_the_user():
    core = _project(ROOT / "pyproject.toml")
    assert "psycopg" not in _names(core["dependencies"])
    assert _names(core["optional-dependencies"]["postgresql"]) == {"psycopg"}
    assert "dcmaint[postgresql]" in core["optional-dependencies"]["test"]  # the suite runs on both backends
    assert "tabulate[widechars]" in " ".join(core["dependencies"]) and "wcwidth" not in _names(core["dependencies"])
    assert not [name for name in _names(core["dependencies"]) if "font" in name]


@pytest.mark.parametrize("pyproject", PLUGINS, ids=lambda p: p.parent.name)
def test_a_plugin_imports_nothing_at_run_time_that_only_its_test_extra_installs(pyproject):
    project = _project(pyproject)
    test_only = _names(project["optional-dependencies"].get("test", [])) - _names(project["dependencies"])
    imported = set()
    for source in (pyproject.parent / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    assert imported & test_only == set()


def test_the_redfish_plugin_keeps_the_dmtf_client_for_its_tests_only():
    project = _project(ROOT / "plugins" / "dcmaint-redfish" / "pyproject.toml")
    assert "redfish" not in _names(project["dependencies"])
    assert "redfish" in _names(project["optional-dependencies"]["test"])


def test_bundled_data_lives_in_the_package_only():
    """One source of truth: nothing under configs/ duplicates what the package ships."""
    from dcmaint import paths

    data = Path(paths.__file__).parent / "data"
    assert {p.name for p in data.iterdir() if p.is_dir()} >= {"calendars", "fonts", "parts"}
    shipped = {p.name for p in data.rglob("*") if p.is_file()}
    examples = {p.name for p in (ROOT / "configs").rglob("*") if p.is_file()}
    assert shipped and not shipped & examples
    assert paths.bundled("calendars") == data / "calendars"
