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


#: An output path given as this means standard output (``--output -``).
STDOUT = "-"
#: Files beside a SQLite store that are part of it (write-ahead log, shared memory, rollback journal).
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def backups() -> Path:
    """The folder `db backup` writes to by default."""
    return home() / "backups"


def _same(path: Path, other: Path) -> bool:
    try:
        if path.resolve() == other.resolve():
            return True
        return path.exists() and other.exists() and os.path.samefile(path, other)  # a hard link
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def owned(path: Path, database: Path | None, config: Path, *, backups_allowed: bool = False) -> str | None:
    """What of dcmaint's own files ``path`` would overwrite, in words, or None when it is none of them.

    The live store (a SQLite file ``database`` and its journal files), the configuration file ``config``, and,
    unless ``backups_allowed`` (`db backup` writes there), anything in the backups folder. Paths are compared
    after symbolic links are followed, and hard links are recognised, so no other spelling of a name gets
    through.
    """
    from dcmaint.i18n import _

    path = path.expanduser()
    if database is not None and any(_same(path, Path(f"{database}{end}")) for end in _COMPANIONS):
        return _("the live database")
    if _same(path, config.expanduser()):
        return _("the configuration file")
    if not backups_allowed and _inside(path, backups()):
        return _("a file in the backups folder")
    return None


def check_output(
    path: Path, database: Path | None, config: Path, what: str, *, backups_allowed: bool = False
) -> Path | None:
    """``path`` as an output of ``what`` (``--output``), None for ``-`` (standard output); UsageError naming the
    file when it is one of dcmaint's own (:func:`owned`). The one check every output path passes."""
    if str(path) == STDOUT:
        return None
    found = owned(path, database, config, backups_allowed=backups_allowed)
    if found is not None:
        from dcmaint.errors import UsageError
        from dcmaint.i18n import _

        raise UsageError(_("{what} {file} is {owned}: choose another file").format(what=what, file=path, owned=found))
    return path
