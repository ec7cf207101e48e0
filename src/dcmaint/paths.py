"""Where dcmaint keeps its files: one home directory per user (``DCMAINT_HOME``)."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    override = os.environ.get("DCMAINT_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dcmaint", appauthor=False))


def config_path() -> Path:
    override = os.environ.get("DCMAINT_CONFIG")
    return Path(override).expanduser() if override else home() / "config.toml"


def default_database_url() -> str:
    return f"sqlite:///{home() / 'dcmaint.db'}"
