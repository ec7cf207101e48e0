"""The checklists in force for a site: those shipped with dcmaint, replaced file by file by the user's own.

Shipped checklists are package data (``src/dcmaint/data/checklists/*.toml``).
A file of the same name in ``checklists/`` beside the configuration file
replaces the shipped one for every site, and one in ``checklists/SITE/``
replaces it for that site only; a new name adds a checklist
(docs/inspections.md, "Checklists"). Every file is validated whole when read.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from dcmaint import paths
from dcmaint.domain.checklists import Checklists, parse_checklist
from dcmaint.errors import UsageError
from dcmaint.i18n import _


def override_folder(config_file: Path | None = None) -> Path:
    """Where the user's checklists live: ``checklists/`` beside the configuration file."""
    return (config_file or paths.config_path()).expanduser().parent / "checklists"


def _files(folder: Path) -> dict[str, Path]:
    return {path.name: path for path in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}


def _read(path: Path, shown: str) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(_("cannot read {file}: {reason}").format(file=shown, reason=error.strerror)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(_("{file}: not valid TOML: {reason}").format(file=shown, reason=error)) from None


def load(site: str | None = None, config_file: Path | None = None) -> Checklists:
    """The shipped checklists with the user's overrides (for every site, then for ``site``) in their place."""
    chosen = _files(paths.bundled("checklists"))
    shipped = set(chosen)
    folder = override_folder(config_file)
    chosen |= _files(folder)
    if site is not None:
        chosen |= _files(folder / site)
    lists = []
    for name, path in sorted(chosen.items()):
        shown = name if name in shipped and path.parent == paths.bundled("checklists") else str(path)
        lists.append(parse_checklist(_read(path, shown), shown))
    return Checklists(tuple(lists))
