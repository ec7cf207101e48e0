"""``dcmaint init`` and ``dcmaint config set``: the configuration file, and the store it names.

These are the two workflows that take no :class:`~dcmaint.services.context.Context`:
a context is built from the configuration, and these write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dcmaint import config, private
from dcmaint.errors import ConfigError, UsageError
from dcmaint.i18n import _
from dcmaint.store.urls import DatabaseUrl


@dataclass(frozen=True)
class Initialised:
    """What ``dcmaint init`` set up: the configuration file and the store, created and at the current schema."""

    config_file: Path
    database: DatabaseUrl


def initialise(path: Path, force: bool = False) -> Initialised:
    """Write the commented starter configuration at ``path`` (over an existing one only with ``force``), then
    create the store the new configuration (and the environment) names."""
    import tomllib

    from dcmaint.store import unit, urls

    if path.exists() and not force:
        raise UsageError(_("{path} already exists (use --force to overwrite)").format(path=path))
    config.parse_values(tomllib.loads(config.STARTER), "starter")  # the starter must stay valid
    private.write_text(path, config.STARTER)
    url = urls.resolve(config.load(path).database_url)  # what was just written, under the environment's overrides
    unit.ensure_schema(url)
    return Initialised(path, url)


def set_value(path: Path, key: str, value: str) -> None:
    """Set a dotted ``key`` in the configuration file at ``path``; a value that would not load is refused and the
    file is left as it was."""
    import tomllib

    import tomli_w

    if key not in config.KEYS:
        raise ConfigError(_("unknown key {key!r} (known keys: {known})").format(key=key, known=", ".join(config.KEYS)))
    document = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    section, _dot, leaf = key.rpartition(".")
    document.setdefault(section, {})[leaf] = config.coerce_text(key, value)
    config.parse_values(document, str(path))  # refuse to write what would not load
    private.write_text(path, tomli_w.dumps(document))  # owner-only: it may now hold a database password
