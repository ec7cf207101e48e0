"""Meta-tests: every hook is documented and wrapped, every public name exists, the docs cover the vocabulary."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from pathlib import Path

import pytest

import dcmaint.drivers
from dcmaint.drivers import ComponentKind, Driver, Health, SyncDriver, hookspecs
from dcmaint.drivers.base import CAPABILITIES, BatchAnswer
from dcmaint.drivers.catalog import IN_PROCESS, DriverInfo, Origin, PluginFailure
from dcmaint.drivers.errors import DriverError, ErrorKind
from dcmaint.drivers.manager import DriverManager
from dcmaint.drivers.report import DeviceReport
from dcmaint.drivers.sim_demo import DemoDevice, DemoFleet, DemoPart, DemoRepair
from dcmaint.drivers.simulators import Simulator

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs" / "plugins.md"
HOOKS = [
    function
    for name, function in vars(hookspecs).items()
    if name.startswith("dcmaint_") and hasattr(function, f"{hookspecs.PROJECT}_spec")
]


def _docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def test_there_are_hooks() -> None:
    assert [hook.__name__ for hook in HOOKS] == ["dcmaint_register_drivers", "dcmaint_register_simulators"]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: hook.__name__)
def test_each_hook_is_documented_and_wrapped(hook) -> None:
    doc = inspect.getdoc(hook) or ""
    for parameter in inspect.signature(hook).parameters:
        assert f":param {parameter}:" in doc, f"{hook.__name__} does not document {parameter}"
    assert ".. versionadded::" in doc and "Called" in doc
    wrapper = "call_" + hook.__name__.removeprefix("dcmaint_")
    assert callable(getattr(DriverManager, wrapper, None)), f"DriverManager lacks {wrapper}()"
    assert hook.__name__ in _docs()


def test_every_public_name_resolves() -> None:
    assert set(dcmaint.drivers._LAZY) <= set(dcmaint.drivers.__all__), "a lazily imported name is missing from __all__"
    for name in dcmaint.drivers.__all__:
        assert getattr(dcmaint.drivers, name) is not None


@pytest.mark.parametrize("values", [ErrorKind, Health, ComponentKind], ids=lambda enum: enum.__name__)
def test_docs_cover_the_vocabularies(values) -> None:
    docs = _docs()
    for value in values:
        assert f"`{value.value}`" in docs, f"docs/plugins.md does not mention {value.value!r}"


def test_docs_cover_loading_controls_and_plugin_list_keys() -> None:
    docs = _docs()
    for name in (
        "DCMAINT_LOAD_PLUGINS",
        "DCMAINT_DISABLE_PLUGINS",
        "DCMAINT_STRICT_PLUGINS",
        "DCMAINT_PLUGIN_TIMEOUT",
        "plugins.load",
        "plugins.disable",
        "plugins.strict",
        '[project.entry-points."dcmaint.drivers"]',
    ):
        assert name in docs, name
    info = DriverInfo("acme-ups", "1.0", (), (), Origin("acme", IN_PROCESS, None), Driver)
    failure = PluginFailure(Origin("acme", IN_PROCESS, None), "import", "ImportError: x")
    for key in ("drivers", "failures", *info.as_json(), *failure.as_json()):
        assert f"`{key}`" in docs, key
    for stage in ("import", "timeout", "register", "hook", "driver", "duplicate", "scheme", "simulator"):
        assert f"`{stage}`" in docs, stage
    for capability in CAPABILITIES:
        assert f"`{capability}`" in docs, capability


@pytest.mark.parametrize("base", [Driver, SyncDriver, Simulator], ids=lambda cls: cls.__name__)
def test_every_declaration_and_method_of_the_contract_is_documented(base: type) -> None:
    """What a vendor sets or overrides on a base class appears in docs/plugins.md, and has a docstring."""
    docs = _docs()
    public = [name for name, value in vars(base).items() if not name.startswith("_")]
    assert public
    for name in public:
        assert f"`{name}" in docs, f"docs/plugins.md does not document {base.__name__}.{name}"
        value = getattr(base, name)
        if callable(value) and not isinstance(value, type):
            assert inspect.getdoc(value), f"{base.__name__}.{name} has no docstring"


@pytest.mark.parametrize("record", [DemoFleet, DemoDevice, DemoRepair, DemoPart], ids=lambda cls: cls.__name__)
def test_the_demo_contract_is_documented(record: type) -> None:
    docs = _docs()
    assert f"`{record.__name__}`" in docs
    for field in dataclasses.fields(record):
        assert f"`{field.name}`" in docs, f"docs/plugins.md does not document {record.__name__}.{field.name}"


def test_the_batch_guarantees_are_documented() -> None:
    docs = _docs()
    assert "async def poll_batch(self, targets: Sequence[Target]) -> Mapping[str, DeviceReport | DriverError]:" in docs
    assert list(inspect.signature(Driver.poll_batch).parameters) == ["self", "targets"]
    assert BatchAnswer == Mapping[str, DeviceReport | DriverError]  # what the signature in the code returns
    for promise in (
        "invalid_report",
        "timed_out",
        "one deadline",
        "runner.concurrency",
        "batch_key",
        "poll_batch_sync",
        "stays whole in one",
    ):
        assert promise in docs, promise


def test_the_kit_and_the_feature_vocabulary_are_documented() -> None:
    """Every check of the conformance kit, every Expectation field and every Feature is in docs/plugins.md."""
    from dcmaint.drivers.features import Feature
    from dcmaint.testing.conformance import KIT_CHECKS
    from dcmaint.testing.expect import RULE_FIELDS, Expectation, PartExpect

    docs = _docs()
    for check in sorted(KIT_CHECKS):
        assert f"`{check}" in docs, f"docs/plugins.md does not list the kit check {check}"
    for record in (Expectation, PartExpect):
        for field in dataclasses.fields(record):
            assert f"`{field.name}`" in docs or f"{field.name}=" in docs, f"{record.__name__}.{field.name}"
    assert {name for fields in RULE_FIELDS.values() for name in fields} | {"error"} == {
        field.name for field in dataclasses.fields(Expectation)
    }, "an Expectation field no rule reads"
    for feature in Feature:
        assert f"| `{feature.value}` |" in docs, f"docs/plugins.md does not define the feature {feature.value!r}"


def test_modules_stay_small() -> None:
    """The contract is read by vendors: each module in one sitting (counted as ruff formats it)."""
    for package in ("drivers", "testing"):
        for module in (ROOT / "src" / "dcmaint" / package).glob("*.py"):
            lines = module.read_text(encoding="utf-8").count("\n")
            assert lines < 350, f"{module.name} has {lines} lines"
