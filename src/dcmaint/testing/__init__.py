"""Test helpers for driver authors: the conformance kit and report checks.

Install with ``pip install 'dcmaint[testing]'``. The pytest fixtures in
:mod:`dcmaint.testing.plugin` load automatically; the kit is imported from
here::

    from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation, PartExpect

and ``finishes``, a guard that fails a test whose step hangs (for tests of
deadlines and shutdowns that assert what happened, never how long it took).
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "BaseDriverConformance": "dcmaint.testing.conformance",
    "ConformanceCase": "dcmaint.testing.conformance",
    "Expectation": "dcmaint.testing.conformance",
    "Outcome": "dcmaint.testing.conformance",
    "PartExpect": "dcmaint.testing.conformance",
    "report_problems": "dcmaint.testing.checks",
    "finishes": "dcmaint.testing.guards",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that pytest loading dcmaint.testing.plugin in every session stays cheap.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dcmaint.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = list(_LAZY)
