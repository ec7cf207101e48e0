"""The tutorial in docs/plugins.md works: its code, installed as a distribution, lists and passes the kit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[2] / "docs" / "plugins.md"

# The tutorial's network code imports httpx; the replaying tests never call it, so a stand-in satisfies the import.
HTTPX_STAND_IN = (
    "class AsyncClient: ...\nclass TimeoutException(Exception): ...\nclass TransportError(Exception): ...\n"
)

RECORDINGS = {
    "healthy.json": {
        "model": "Acme 10k",
        "serial": "AU1234",
        "firmware": "3.1",
        "load": 41.0,
        "battery": {"charge": 100.0, "strings": [{"id": 1, "state": "normal"}, {"id": 2, "state": "normal"}]},
    },
    "on-battery.json": {
        "model": "Acme 10k",
        "serial": "AU1235",
        "firmware": "3.1",
        "load": 55.0,
        "alarms": ["On battery: input power failure"],
        "battery": {
            "charge": 64.0,
            "strings": [{"id": 1, "state": "normal"}, {"id": 2, "state": "fault", "detail": "cell 7 open"}],
        },
    },
}


def _block(language: str, marker: str) -> str:
    for found in re.finditer(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S):
        if marker in found.group(1):
            return found.group(1)
    raise AssertionError(f"docs/plugins.md has no {language} block containing {marker!r}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tutorial's package laid out as pip would install it: module, dist-info with the entry point."""
    root = tmp_path_factory.mktemp("tutorial")
    site = root / "site"
    project = tomllib.loads(_block("toml", 'name = "dcmaint-acme"'))["project"]
    package = site / "acme_dcmaint"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(_block("python", "register(AcmeUpsDriver)"), encoding="utf-8")
    (package / "driver.py").write_text(_block("python", "class AcmeUpsDriver(UpsDriver)"), encoding="utf-8")
    (site / "httpx.py").write_text(HTTPX_STAND_IN, encoding="utf-8")
    info = site / f"dcmaint_acme-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n", encoding="utf-8"
    )
    entries = "".join(f"{name} = {value}\n" for name, value in project["entry-points"]["dcmaint.drivers"].items())
    (info / "entry_points.txt").write_text(f"[dcmaint.drivers]\n{entries}", encoding="utf-8")
    tests = root / "tests"
    (tests / "recordings").mkdir(parents=True)
    (tests / "test_conformance.py").write_text(_block("python", "class TestAcmeConformance"), encoding="utf-8")
    for name, answer in RECORDINGS.items():
        (tests / "recordings" / name).write_text(json.dumps(answer), encoding="utf-8")
    return root


def _env(root: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DCMAINT_")}
    env.update(PYTHONPATH=str(root / "site"), DCMAINT_HOME=str(root / "home"), DCMAINT_LOAD_PLUGINS="acme")
    return env


def test_the_tutorial_driver_is_listed(installed: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dcmaint", "plugin", "list", "--format", "json"],
        capture_output=True,
        text=True,
        env=_env(installed),
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    [driver] = json.loads(done.stdout)["drivers"]
    assert (driver["name"], driver["package"], driver["package_version"]) == ("acme-ups", "dcmaint-acme", "1.0.0")
    assert driver["schemes"] == ["acme"]


def test_a_target_with_the_tutorial_scheme_reaches_the_tutorial_driver(installed: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dcmaint", "health", "--target", "acme://192.0.2.1", "--format", "json"],
        capture_output=True,
        text=True,
        env=_env(installed),
        timeout=60,
    )
    [polled] = json.loads(done.stdout)["devices"]
    # the driver's only kind (ups) was taken; the stand-in httpx has no client, so the poll itself crashes
    assert (polled["name"], polled["site"], polled["driver"], polled["error_kind"]) == (
        "192.0.2.1",
        None,
        "acme-ups",
        "crashed",
    )
    assert done.returncode == 3


def test_the_tutorial_conformance_tests_pass(installed: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=installed,
        capture_output=True,
        text=True,
        env=_env(installed),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # 5 class checks (the batch check among them) + 6 checks x 3 cases + the sensor rule the healthy case states;
    # the other expectation rules are skipped where the cases state nothing they read. The tutorial driver has
    # neither probe nor poll_batch, so those checks prove that both raise NotImplementedError.
    assert "24 passed, 14 skipped in" in done.stdout, done.stdout
