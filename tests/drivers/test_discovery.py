"""Real entry-point discovery: fake installed distributions on PYTHONPATH, `dcmaint plugin list` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

GOOD = """
    from dcmaint.drivers import DeviceIdentity, DeviceReport, UpsDriver, hookimpl

    class AcmeUps(UpsDriver):
        name = "acme-ups"
        version = "2.0.1"
        schemes = ("acme",)

        async def poll(self, target):
            return DeviceReport(identity=DeviceIdentity(vendor="Acme"))

    @hookimpl
    def dcmaint_register_drivers(register):
        register(AcmeUps)
"""
COPY = """
    from dcmaint.drivers import hookimpl
    from acme_dcmaint import AcmeUps

    @hookimpl
    def dcmaint_register_drivers(register):
        register(AcmeUps)
"""
HOOK_RAISES = """
    from dcmaint.drivers import hookimpl

    @hookimpl
    def dcmaint_register_drivers(register):
        raise RuntimeError("licence file /opt/badhook/licence.key missing")
"""
IMPORT_FAILS = "import vendor_sdk_not_installed\n"
IMPORT_HANGS = "import time\ntime.sleep(60)\n"

# (distribution, version, entry-point name, module, source)
DISTRIBUTIONS = [
    ("dcmaint-acme", "1.2.0", "acme", "acme_dcmaint", GOOD),
    ("dcmaint-acme-copy", "0.9.0", "acme-copy", "acme_copy_dcmaint", COPY),
    ("dcmaint-badhook", "0.1.0", "badhook", "badhook_dcmaint", HOOK_RAISES),
    ("dcmaint-broken", "0.3.0", "broken", "broken_dcmaint", IMPORT_FAILS),
    ("dcmaint-sleepy", "0.2.0", "sleepy", "sleepy_dcmaint", IMPORT_HANGS),
]
OURS = ",".join(entry for _dist, _version, entry, _module, _source in DISTRIBUTIONS)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site-packages")
    for dist, version, entry, module, source in DISTRIBUTIONS:
        info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
        (info / "entry_points.txt").write_text(f"[dcmaint.drivers]\n{entry} = {module}\n", encoding="utf-8")
        (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def dcmaint(site: Path, tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DCMAINT_")}
    clean.update(
        PYTHONPATH=str(site), DCMAINT_HOME=str(tmp_path / "home"), DCMAINT_PLUGIN_TIMEOUT="1", DCMAINT_LOAD_PLUGINS=OURS
    )  # never whatever else happens to be installed
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "dcmaint", *args], capture_output=True, text=True, env=clean, timeout=60
    )


def test_broken_plugins_are_named_and_skipped(site: Path, tmp_path: Path) -> None:
    done = dcmaint(site, tmp_path, "plugin", "list", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["drivers"] == [
        {
            "name": "acme-ups",
            "version": "2.0.1",
            "kinds": ["ups"],
            "capabilities": ["poll"],
            "plugin": "acme",
            "package": "dcmaint-acme",
            "package_version": "1.2.0",
            "class": "acme_dcmaint.AcmeUps",
            "schemes": ["acme"],
            "features": [],
        }
    ]
    failures = {failure["plugin"]: failure for failure in data["failures"]}
    assert {name: failures[name]["stage"] for name in failures} == {
        "acme-copy": "duplicate",
        "badhook": "hook",
        "broken": "import",
        "sleepy": "timeout",
    }
    assert failures["broken"] == {
        "plugin": "broken",
        "package": "dcmaint-broken",
        "package_version": "0.3.0",
        "stage": "import",
        "error": "ModuleNotFoundError: No module named 'vendor_sdk_not_installed'",
    }
    warnings = done.stderr.splitlines()
    assert len(warnings) == 4 and all(line.startswith("dcmaint: warning: plugin ") for line in warnings)
    for label in ("dcmaint-acme-copy 0.9.0", "dcmaint-badhook 0.1.0", "dcmaint-broken 0.3.0", "dcmaint-sleepy 0.2.0"):
        assert any(label in line for line in warnings), label
    assert any("dcmaint-acme 1.2.0 already provides it" in line for line in warnings)


def test_the_table_lists_the_good_driver_and_warns_on_stderr(site: Path, tmp_path: Path) -> None:
    done = dcmaint(site, tmp_path, "plugin", "list", DCMAINT_LOAD_PLUGINS="acme,broken")
    assert done.returncode == 0
    assert "acme-ups" in done.stdout and "dcmaint-acme" in done.stdout and "broken" not in done.stdout
    assert done.stderr.count("\n") == 1 and "'broken' (dcmaint-broken 0.3.0)" in done.stderr


@pytest.mark.parametrize(("args", "env"), [(["--strict"], {}), ([], {"DCMAINT_STRICT_PLUGINS": "yes"})])
def test_strict_loading_fails_on_one_line(site: Path, tmp_path: Path, args: list[str], env: dict[str, str]) -> None:
    done = dcmaint(site, tmp_path, "plugin", "list", "--format", "json", *args, **env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("dcmaint: error: plugin ")
    assert "strict" in done.stderr


def test_no_strict_overrides_the_environment(site: Path, tmp_path: Path) -> None:
    done = dcmaint(
        site,
        tmp_path,
        "plugin",
        "list",
        "-f",
        "csv",
        "--no-strict",
        DCMAINT_STRICT_PLUGINS="1",
        DCMAINT_LOAD_PLUGINS="acme,broken",
    )
    assert done.returncode == 0
    assert done.stdout.splitlines()[1] == "acme-ups,2.0.1,ups,poll,acme,dcmaint-acme,1.2.0,acme_dcmaint.AcmeUps,acme,"


def test_disabled_plugins_are_not_even_imported(site: Path, tmp_path: Path) -> None:
    done = dcmaint(site, tmp_path, "plugin", "list", "-f", "json", DCMAINT_DISABLE_PLUGINS="broken,badhook,sleepy")
    assert done.returncode == 0 and "sleepy" not in done.stderr and "broken" not in done.stderr
    assert [failure["stage"] for failure in json.loads(done.stdout)["failures"]] == ["duplicate"]


def test_a_bad_load_timeout_is_a_config_error(site: Path, tmp_path: Path) -> None:
    done = dcmaint(site, tmp_path, "plugin", "list", DCMAINT_PLUGIN_TIMEOUT="soon")
    assert done.returncode == 2 and "DCMAINT_PLUGIN_TIMEOUT" in done.stderr


def test_help_does_not_load_the_plugin_machinery() -> None:
    code = (
        "import sys; from dcmaint.cli.main import run; run(['--help']); run(['plugin', '--help']); "
        "print(sorted(m for m in ('pluggy', 'importlib.metadata', 'dcmaint.drivers') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
