"""Where dcmaint keeps its files: one home directory per user (``DCMAINT_HOME``), and the data it ships."""

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


def bundled(folder: str) -> Path:
    """One folder of the data shipped inside the package: ``bundled("calendars")``, ``bundled("parts")``.

    The files live in ``src/dcmaint/data/<folder>`` and nowhere else, so the
    checkout, an editable install and a wheel read the same bytes; a new
    folder there (checklists, say) ships with the next wheel and is reached
    the same way, with no new code. They are package data, found through
    ``importlib.resources`` rather than through a path into a source tree
    that a wheel does not have. pip installs a wheel as files, never as a
    zip, so the folder is a real directory that ``Path`` methods can list.

    >>> bundled("calendars").joinpath("cn.toml").is_file()
    True
    """
    from importlib.resources import files

    return Path(str(files("dcmaint").joinpath("data", folder)))
