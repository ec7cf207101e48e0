"""Test helpers for driver authors: the conformance kit and report checks.

Install with ``pip install 'dcmaint[testing]'``. The pytest fixtures in
:mod:`dcmaint.testing.plugin` load automatically; the kit is imported from
here::

    from dcmaint.testing import BaseDriverConformance, ConformanceCase, Expectation, PartExpect

the replay helpers for recordings written by ``dcmaint record`` (``Recording``,
``replaying``, ``replay_poll``, ``assert_replays_as_recorded``: docs/recording.md),
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
    "Recording": "dcmaint.testing.replay",
    "replaying": "dcmaint.testing.replay",
    "replay_poll": "dcmaint.testing.replay",
    "assert_replays_as_recorded": "dcmaint.testing.replay",
    "refresh_recordings": "dcmaint.testing.replay",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that pytest loading dcmaint.testing.plugin in every session stays cheap.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dcmaint.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = list(_LAZY)
