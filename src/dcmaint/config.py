"""The configuration file: TOML read with tomllib, validated key by key.

A bad file is reported as ``FILE: key 'a.b': reason (got VALUE)`` so that a
user can find the line without reading a traceback. Environment variables
override the file; command-line options override both.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dcmaint import paths
from dcmaint.errors import ConfigError, UsageError
from dcmaint.i18n import _


@dataclass(frozen=True)
class PluginSettings:
    """Which driver plugins load. ``load`` None means every installed one."""

    load: tuple[str, ...] | None = None
    disable: tuple[str, ...] = ()
    strict: bool = False
    load_timeout: float = 10.0  # seconds one plugin's import, or its hook, may take


@dataclass(frozen=True)
class RunnerSettings:
    """Bounds of a polling run: devices polled at once and seconds per device."""

    concurrency: int = 64
    timeout: float = 60.0
    workers: int = 0  # processes sharing a run; 0 = every core for large runs


@dataclass(frozen=True)
class FormSettings:
    """How forms are printed. ``cjk_font`` None means the font shipped with dcmaint (docs/forms.md)."""

    cjk_font: Path | None = None


@dataclass(frozen=True)
class Config:
    actor: str | None = None
    database_url: str | None = None
    plugins: PluginSettings = field(default_factory=PluginSettings)
    runner: RunnerSettings = field(default_factory=RunnerSettings)
    forms: FormSettings = field(default_factory=FormSettings)
    source: Path | None = None


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("must be a non-empty string"))
    return value


def _string_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(_("must be a list of names"))
    return tuple(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("must be true or false"))
    return value


def _whole_number(value: Any, least: int, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise ValueError(_("must be a whole number from {least} to {most}").format(least=least, most=most))
    return value


def _concurrency(value: Any) -> int:
    """Devices polled at once: the range ``health --concurrency`` takes (``parse.MAX_CONCURRENCY``)."""
    from dcmaint.domain import parse

    return _whole_number(value, 1, parse.MAX_CONCURRENCY)


def _workers(value: Any) -> int:
    """Worker processes: the range ``health --workers`` takes (``parse.MAX_WORKERS``)."""
    from dcmaint.domain import parse

    return _whole_number(value, 0, parse.MAX_WORKERS)


def _seconds(value: Any) -> float:
    """Seconds, checked by the one parser every seconds value goes through (``parse.seconds_in_range``)."""
    from dcmaint.domain import parse

    if not isinstance(value, bool) and isinstance(value, int | float):
        with contextlib.suppress(UsageError):
            return parse.seconds_in_range(value, "seconds")
    raise ValueError(_("must be a number of seconds, more than 0 and at most {most:g}").format(most=parse.MAX_TIMEOUT))


# Every key the file may hold, with its parser. Documented in docs/configuration.md.
KEYS: dict[str, Callable[[Any], Any]] = {
    "user.actor": _string,
    "database.url": _string,
    "plugins.load": _string_list,
    "plugins.disable": _string_list,
    "plugins.strict": _boolean,
    "plugins.load_timeout": _seconds,
    "runner.concurrency": _concurrency,
    "runner.timeout": _seconds,
    "runner.workers": _workers,
    "forms.cjk_font": _string,
}


def coerce_text(key: str, text: str) -> Any:
    """Turn a value typed on the command line into the TOML type ``key`` expects."""
    parser = KEYS[key]
    if parser is _string_list:
        return [part.strip() for part in text.split(",") if part.strip()]
    if parser is _boolean:
        lowered = text.strip().lower()
        return (
            True if lowered in {"1", "true", "yes", "on"} else False if lowered in {"0", "false", "no", "off"} else text
        )
    if parser in (_concurrency, _workers, _seconds):
        try:
            return float(text) if parser is _seconds else int(text)
        except ValueError:
            return text
    return text


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def parse_values(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """Validate a parsed TOML table; return dotted keys mapped to clean values."""
    values: dict[str, Any] = {}
    for key, value in _flatten(raw).items():
        parser = KEYS.get(key)
        if parser is None:
            raise ConfigError(
                _("{where}: unknown key '{key}' (known keys: {known})").format(
                    where=where, key=key, known=", ".join(KEYS)
                )
            )
        try:
            values[key] = parser(value)
        except ValueError as exc:
            raise ConfigError(
                _("{where}: key '{key}' {reason} (got {value!r})").format(where=where, key=key, reason=exc, value=value)
            ) from None
    return values


def _env_list(name: str) -> tuple[str, ...] | None:
    text = os.environ.get(name)
    if text is None:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _env_bool(name: str) -> bool | None:
    text = os.environ.get(name)
    if text is None or text == "":
        return None
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(
        _("environment variable {name}: expected true or false (got {value!r})").format(name=name, value=text)
    )


def _env_seconds(name: str) -> float | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    from dcmaint.domain import parse

    try:
        return parse.seconds_in_range(text, _("environment variable {name}").format(name=name))
    except UsageError as error:
        raise ConfigError(str(error)) from None


def read_file(path: Path) -> dict[str, Any]:
    """The validated dotted values of one config file ({} when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(_("{where}: cannot read: {reason}").format(where=path, reason=exc.strerror)) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("{where}: not valid TOML: {reason}").format(where=path, reason=exc)) from None
    return parse_values(raw, str(path))


def load(path: Path | None = None) -> Config:
    """The effective configuration: file, then environment overrides."""
    path = path or paths.config_path()
    values = read_file(path)
    load_list = _env_list("DCMAINT_LOAD_PLUGINS")
    disable_list = _env_list("DCMAINT_DISABLE_PLUGINS")
    strict = _env_bool("DCMAINT_STRICT_PLUGINS")
    load_timeout = _env_seconds("DCMAINT_PLUGIN_TIMEOUT")
    cjk_font = os.environ.get("DCMAINT_CJK_FONT") or values.get("forms.cjk_font")
    return Config(
        actor=values.get("user.actor"),
        database_url=os.environ.get("DCMAINT_DB_URL") or values.get("database.url"),
        plugins=PluginSettings(
            load=load_list if load_list is not None else values.get("plugins.load"),
            disable=disable_list if disable_list is not None else values.get("plugins.disable", ()),
            strict=strict if strict is not None else values.get("plugins.strict", False),
            load_timeout=load_timeout or values.get("plugins.load_timeout", PluginSettings.load_timeout),
        ),
        runner=RunnerSettings(
            concurrency=values.get("runner.concurrency", RunnerSettings.concurrency),
            timeout=values.get("runner.timeout", RunnerSettings.timeout),
            workers=values.get("runner.workers", RunnerSettings.workers),
        ),
        forms=FormSettings(cjk_font=Path(cjk_font).expanduser() if cjk_font else None),
        source=path if path.exists() else None,
    )


STARTER = """\
# dcmaint configuration. Every key is optional; delete what you do not need.
# Reference: docs/configuration.md. Environment variables override this file:
# DCMAINT_DB_URL, DCMAINT_LOAD_PLUGINS, DCMAINT_DISABLE_PLUGINS, DCMAINT_STRICT_PLUGINS,
# DCMAINT_PLUGIN_TIMEOUT, DCMAINT_CJK_FONT.

[user]
# Who the audit log names for changes made from this account
# (default: the operating-system user; `--as NAME` overrides per command).
# actor = "zhang.wei"

[database]
# Default: a SQLite file in the dcmaint home directory.
# A team shares one PostgreSQL store instead:
# url = "postgresql://dcmaint@db.example.internal:5432/dcmaint"

[plugins]
# Only these driver plugins load (default: every installed one).
# load = ["redfish", "vsphere"]
# Never load these.
# disable = []
# Treat a plugin that fails to load as an error instead of a warning.
strict = false
# Seconds one plugin's import, or its registration hook, may take before it is skipped.
load_timeout = 10.0

[runner]
# Devices polled at the same time, and the deadline per device in seconds.
concurrency = 64
timeout = 60.0
# Processes that share a large run (0: one per CPU core when 64 or more devices are polled).
workers = 0

[forms]
# The CJK font embedded in PDF forms (default: WenQuanYi Micro Hei, shipped with dcmaint):
# a font file with TrueType outlines and Chinese glyphs (.ttf, or the first face of a .ttc).
# cjk_font = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
"""
