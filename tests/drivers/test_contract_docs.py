"""Meta-tests: every hook is documented and wrapped, every public name exists, the docs cover the vocabulary."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import dcmaint.drivers
from dcmaint.drivers import ComponentKind, Health, hookspecs
from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.manager import DriverManager

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs" / "plugins.md"
HOOKS = [function for name, function in vars(hookspecs).items()
         if name.startswith("dcmaint_") and hasattr(function, f"{hookspecs.PROJECT}_spec")]


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
    for name in dcmaint.drivers.__all__:
        assert getattr(dcmaint.drivers, name) is not None


@pytest.mark.parametrize("values", [ErrorKind, Health, ComponentKind], ids=lambda enum: enum.__name__)
def test_docs_cover_the_vocabularies(values) -> None:
    docs = _docs()
    for value in values:
        assert f"`{value.value}`" in docs, f"docs/plugins.md does not mention {value.value!r}"


def test_docs_cover_loading_controls_and_plugin_list_keys() -> None:
    docs = _docs()
    for name in ("DCMAINT_LOAD_PLUGINS", "DCMAINT_DISABLE_PLUGINS", "DCMAINT_STRICT_PLUGINS", "DCMAINT_PLUGIN_TIMEOUT",
                 "plugins.load", "plugins.disable", "plugins.strict", '[project.entry-points."dcmaint.drivers"]'):
        assert name in docs, name
    for key in ("drivers", "failures", "name", "version", "kinds", "capabilities", "plugin", "package",
                "package_version", "class", "stage", "error"):
        assert f"`{key}`" in docs, key
    for stage in ("import", "timeout", "register", "hook", "driver", "duplicate"):
        assert f"`{stage}`" in docs, stage


def test_modules_stay_small() -> None:
    for package in ("drivers", "testing"):
        for module in (ROOT / "src" / "dcmaint" / package).glob("*.py"):
            lines = module.read_text(encoding="utf-8").count("\n")
            assert lines < 300, f"{module.name} has {lines} lines"
