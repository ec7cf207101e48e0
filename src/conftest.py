"""Collecting the core's modules for their docstring examples (testpaths "src").

Collection imports every module before any test runs. Two things follow:

- Alembic's ``env.py`` reads ``alembic.context.config``, which exists only
  while Alembic runs a migration: it cannot be imported on its own, and is
  left out (the migrations run in tests/test_migrations.py).
- The CLI's command modules translate their help texts when imported, in the
  language of the environment at that moment (``dcmaint.i18n`` binds it
  once). The in-process CLI tests run without ``DCMAINT_LANG`` (the ``home``
  fixture removes it), so it is removed here too, before those modules are
  imported: a developer's ``DCMAINT_LANG`` must not freeze them in another
  language. Tests of other languages set it themselves.
"""

from __future__ import annotations

import os

collect_ignore = ["dcmaint/store/migrations/env.py"]

os.environ.pop("DCMAINT_LANG", None)
