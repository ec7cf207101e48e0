"""Plugin loading: in-process registration, allow/deny lists, duplicates, broken and hanging plugins, strict mode."""

from __future__ import annotations

import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from example_drivers import (
    BatchReplayDriver,
    CrashingDriver,
    NamelessDriver,
    NotADriver,
    QuietUpsDriver,
    ReplayPlugin,
    ReplayServerDriver,
    ReplaySyncDriver,
)

from dcmaint.config import PluginSettings
from dcmaint.drivers import DeviceKind, hookimpl
from dcmaint.drivers.declaration import declaration_problem
from dcmaint.drivers.errors import PluginLoadError, UnknownDriver, UnknownScheme
from dcmaint.drivers.manager import DriverManager
from dcmaint.errors import UsageError
from dcmaint.testing import finishes


def test_a_plugin_object_registers_its_drivers(driver_manager: DriverManager) -> None:
    driver_manager.register_plugin(ReplayPlugin(), name="replay")
    assert [info.name for info in driver_manager.drivers()] == ["quiet-ups", "replay-server"]
    info = driver_manager.get("replay-server")
    assert info.kinds == (DeviceKind.SERVER,) and info.version == "1.0.0"
    assert info.origin.package == "in-process" and info.origin.plugin == "replay"
    assert info.capabilities == ("poll",)
    assert isinstance(info.create(), ReplayServerDriver)
    assert [info.name for info in driver_manager.for_kind("ups")] == ["quiet-ups"]
    assert driver_manager.failures() == ()


def test_a_driver_class_registers_directly(driver_manager: DriverManager) -> None:
    driver_manager.register_driver(ReplaySyncDriver)
    assert driver_manager.get("replay-sync").capabilities == ("probe", "poll")
    assert driver_manager.get("replay-sync").as_json()["class"] == "example_drivers.ReplaySyncDriver"


def test_an_unknown_driver_names_the_known_ones(driver_manager: DriverManager) -> None:
    driver_manager.register_driver(QuietUpsDriver)
    with pytest.raises(UnknownDriver, match=r"'redfish'.*quiet-ups"):
        driver_manager.get("redfish")


def test_the_testing_fixture_never_discovers_installed_plugins(driver_manager: DriverManager) -> None:
    assert driver_manager.drivers() == () and driver_manager.failures() == ()


def test_a_duplicate_driver_name_is_refused_naming_both_packages() -> None:
    warnings: list[str] = []
    manager = DriverManager(entry_points=False, warn=warnings.append)
    manager.register_plugin(ReplayPlugin(), name="first")

    class Copy:
        @hookimpl
        def dcmaint_register_drivers(self, register):
            register(CrashingDriver)
            register(ReplayServerDriver)

    manager.register_plugin(Copy(), name="second")
    assert manager.get("replay-server").origin.plugin == "first"
    assert manager.get("crashes")  # the plugin's other driver still loads
    [failure] = manager.failures()
    assert failure.stage == "duplicate" and failure.origin.plugin == "second"
    assert len(warnings) == 1 and "'second'" in warnings[0] and "replay-server" in warnings[0]
    assert "in-process" in warnings[0]


def test_a_raising_hook_costs_only_its_plugin() -> None:
    warnings: list[str] = []
    manager = DriverManager(entry_points=False, warn=warnings.append)

    class Broken:
        @hookimpl
        def dcmaint_register_drivers(self, register):
            register(CrashingDriver)
            raise RuntimeError("vendor SDK licence file missing")

    manager.register_plugin(Broken(), name="broken")
    manager.register_plugin(ReplayPlugin(), name="replay")
    assert [info.name for info in manager.drivers()] == ["quiet-ups", "replay-server"]
    [failure] = manager.failures()
    assert (failure.stage, failure.error) == ("hook", "RuntimeError: vendor SDK licence file missing")
    assert "'broken'" in warnings[0]


def test_invalid_driver_declarations_are_refused() -> None:
    manager = DriverManager(entry_points=False, warn=lambda line: None)
    manager.register_driver(NotADriver)  # type: ignore[arg-type]
    manager.register_driver(NamelessDriver)
    assert manager.drivers() == ()
    assert [failure.stage for failure in manager.failures()] == ["driver", "driver"]
    assert "not a Driver subclass" in manager.failures()[0].error
    assert "no valid name" in manager.failures()[1].error


@pytest.mark.parametrize(
    ("schemes", "problem"),
    [
        ("acme", "must declare its URL schemes as a tuple of strings, not 'acme'"),
        (("Acme",), "invalid URL scheme 'Acme'"),
        (("acme ups",), "invalid URL scheme 'acme ups'"),
        (("1acme",), "invalid URL scheme '1acme'"),
        ((None,), "invalid URL scheme None"),
        (("acme", "acme"), "declares a URL scheme twice"),
    ],
)
def test_bad_scheme_declarations_are_refused(schemes: object, problem: str) -> None:
    class Declared(QuietUpsDriver):
        name = "declared"

    Declared.schemes = schemes  # type: ignore[assignment]
    found = declaration_problem(Declared)
    assert found is not None and problem in found and "'declared'" in found


@pytest.mark.parametrize("schemes", [(), ("snmp",), ("acme+http", "acme.v2", "x-acme")])
def test_good_scheme_declarations_are_accepted(schemes: tuple[str, ...]) -> None:
    class Declared(QuietUpsDriver):
        name = "declared"

    Declared.schemes = schemes
    assert declaration_problem(Declared) is None


def test_a_driver_is_found_by_its_url_scheme(driver_manager: DriverManager) -> None:
    driver_manager.register_driver(BatchReplayDriver)
    driver_manager.register_driver(QuietUpsDriver)
    info = driver_manager.for_scheme("ARRAY")
    assert (info.name, info.schemes, info.capabilities) == ("batch-replay", ("array",), ("poll_batch",))
    assert info.as_json()["schemes"] == ["array"] and driver_manager.get("quiet-ups").schemes == ()
    with pytest.raises(UnknownScheme, match=r"^no installed driver serves URL scheme 'snmp' \(known schemes: array\)$"):
        driver_manager.for_scheme("snmp")
    assert issubclass(UnknownScheme, UsageError)


def test_a_scheme_declared_twice_is_refused_for_the_second_driver_naming_both() -> None:
    warnings: list[str] = []
    manager = DriverManager(entry_points=False, warn=warnings.append)

    class ArrayToo(ReplayServerDriver):
        name, schemes = "array-too", ("array", "array+http")

    class First:
        @hookimpl
        def dcmaint_register_drivers(self, register):
            register(BatchReplayDriver)

    class Second:
        @hookimpl
        def dcmaint_register_drivers(self, register):
            register(ArrayToo)

    manager.register_plugin(First(), name="first")
    manager.register_plugin(Second(), name="second")
    assert manager.for_scheme("array").name == "batch-replay"
    assert manager.for_scheme("array+http").name == "array-too"  # its other scheme is kept, and so is the driver
    assert manager.get("array-too").schemes == ("array+http",)
    [failure] = manager.failures()
    assert failure.stage == "scheme" and failure.origin.plugin == "second"
    assert warnings == [
        (
            "plugin 'second' (in-process): driver 'array-too' refused URL scheme 'array': "
            "driver 'batch-replay' (in-process) already serves it"
        )
    ]


def test_a_scheme_clash_is_an_error_under_strict_loading() -> None:
    class ArrayToo(ReplayServerDriver):
        name, schemes = "array-too", ("array",)

    manager = DriverManager(PluginSettings(strict=True), entry_points=False)
    manager.register_driver(BatchReplayDriver)
    with pytest.raises(PluginLoadError, match=r"'array-too' refused URL scheme 'array'.*strict"):
        manager.register_driver(ArrayToo)


def test_a_misspelt_hook_is_refused_at_registration() -> None:
    manager = DriverManager(entry_points=False, warn=lambda line: None)

    class Typo:
        @hookimpl
        def dcmaint_register_driver(self, register):  # missing "s"
            register(QuietUpsDriver)

    manager.register_plugin(Typo(), name="typo")
    assert manager.drivers() == ()
    assert manager.failures()[0].stage == "register"
    assert "dcmaint_register_driver" in manager.failures()[0].error


def test_strict_mode_turns_a_failure_into_one_error() -> None:
    manager = DriverManager(PluginSettings(strict=True), entry_points=False)

    class Broken:
        @hookimpl
        def dcmaint_register_drivers(self, register):
            raise ImportError("no module named 'vendor_sdk'\nsecond line")

    with pytest.raises(PluginLoadError) as caught:
        manager.register_plugin(Broken(), name="broken")
    assert "\n" not in str(caught.value)
    assert "'broken'" in str(caught.value) and "vendor_sdk" in str(caught.value) and "strict" in str(caught.value)


# -- entry points, loaded from modules written to a temporary directory ------


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    modules = {
        "ep_good": """
            from dcmaint.drivers import hookimpl
            from example_drivers import QuietUpsDriver

            @hookimpl
            def dcmaint_register_drivers(register):
                register(QuietUpsDriver)
        """,
        "ep_other": """
            from dcmaint.drivers import hookimpl
            from example_drivers import ReplayServerDriver

            @hookimpl
            def dcmaint_register_drivers(register):
                register(ReplayServerDriver)
        """,
        "ep_broken": "import vendor_sdk_that_is_not_installed\n",
        "ep_exits": "import sys\nsys.exit('plugin gave up')\n",
        "ep_gate": "import threading\nentered, released = threading.Event(), threading.Event()\n",
        "ep_slow": "import ep_gate\nep_gate.entered.set()\nep_gate.released.wait(120)\n",  # hangs until released
    }
    for name, source in modules.items():
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _eps(*names: str) -> list[EntryPoint]:
    return [EntryPoint(name, f"ep_{name}", "dcmaint.drivers") for name in names]


def test_entry_points_load_and_failures_are_skipped(plugin_dir: Path) -> None:
    warnings: list[str] = []
    manager = DriverManager(entry_points=_eps("good", "broken", "exits", "other"), warn=warnings.append)
    assert [info.name for info in manager.drivers()] == ["quiet-ups", "replay-server"]
    assert {(f.origin.plugin, f.stage) for f in manager.failures()} == {("broken", "import"), ("exits", "import")}
    assert any("'broken'" in line and "ModuleNotFoundError" in line for line in warnings)


def test_a_hanging_import_is_abandoned_after_the_timeout(plugin_dir: Path) -> None:
    import ep_gate

    manager = DriverManager(entry_points=_eps("slow", "good"), load_timeout=0.3, warn=lambda line: None)
    try:
        drivers = finishes(manager.drivers, what="loading with a hanging plugin")
        assert ep_gate.entered.is_set() and not ep_gate.released.is_set()  # loading ended while the import hung
    finally:
        ep_gate.released.set()
    assert [info.name for info in drivers] == ["quiet-ups"]
    [failure] = manager.failures()
    assert failure.stage == "timeout" and "0.3 s" in failure.error


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (PluginSettings(), ["quiet-ups", "replay-server"]),
        (PluginSettings(load=("good",)), ["quiet-ups"]),
        (PluginSettings(load=()), []),
        (PluginSettings(disable=("other",)), ["quiet-ups"]),
        (PluginSettings(load=("good", "other"), disable=("good",)), ["replay-server"]),
        (PluginSettings(load=("ep_other",)), ["replay-server"]),  # the package name works too
    ],
)
def test_allow_and_deny_lists(plugin_dir: Path, settings: PluginSettings, expected: list[str]) -> None:
    manager = DriverManager(settings, entry_points=_eps("good", "other", "broken"), warn=lambda line: None)
    assert [info.name for info in manager.drivers()] == expected
    broken_loaded = settings.load is None and "broken" not in settings.disable
    assert bool(manager.failures()) == broken_loaded


def test_loading_happens_once(plugin_dir: Path) -> None:
    warnings: list[str] = []
    manager = DriverManager(entry_points=_eps("broken"), warn=warnings.append)
    manager.load()
    manager.load()
    manager.drivers()
    assert len(warnings) == 1
