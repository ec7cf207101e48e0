"""Fixtures of the vSphere driver's tests.

The helper modules beside this file are prefixed ``vs_`` and put on
``sys.path`` here, because the suite runs with ``--import-mode=importlib``
(no rootdir on the path) next to other plugins' tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
