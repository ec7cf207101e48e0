"""Files only their owner may read: the dcmaint home, the store, the configuration, logs and backups.

The store holds the customer's registers and the audit log, the configuration
may hold a database password, a log names devices and users. They are created
owner-only (directories 0700, files 0600) whatever the umask, the way
``tempfile.mkstemp`` has always created backups: the mode is given when the
file is created and set again with ``chmod``, because the umask only ever takes
permissions away and a umask such as 0277 would take the owner's too.

Only what dcmaint creates is set: a directory or file that already exists keeps
its mode (it may be shared on purpose), and ``dcmaint db check`` warns about
one that others can read (:func:`loose_modes`). The one exception is the
configuration file, which :func:`write_text` makes owner-only each time it
writes it, since ``dcmaint config set`` may just have put a password in it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def make_dir(path: Path) -> Path:
    """``path`` as a directory; each one created here (parents included) is owner-only."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIRECTORY_MODE)
        except FileExistsError:
            continue  # another process made it first: its mode is that process's business
        folder.chmod(DIRECTORY_MODE)
    return path


def create_file(path: Path, *, folder: bool = True) -> Path:
    """Create ``path`` empty and owner-only unless it exists; an existing file is left as it is.

    ``folder`` creates its missing folders too (owner-only): the store's, not a log file's, whose folder
    is the user's to name. SQLite creates its ``-wal`` and ``-shm`` files with the mode of the database
    file, so a store created here keeps its companions owner-only too.
    """
    if folder:
        make_dir(path.parent)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return path
    os.close(handle)
    path.chmod(FILE_MODE)
    return path


def write_text(path: Path, text: str) -> None:
    """Write ``path`` (UTF-8) and make it owner-only, whether it is new or not."""
    make_dir(path.parent)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        path.chmod(FILE_MODE)
        stream.write(text)


@contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A private (0600) temporary file in the target's folder, so the final rename is atomic; removed on failure."""
    make_dir(target.parent)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class LooseMode:
    """A file or directory of dcmaint's that others may read or enter."""

    path: Path
    mode: int
    directory: bool

    @property
    def mode_text(self) -> str:
        return f"{self.mode:04o}"

    @property
    def wanted(self) -> str:
        return f"{DIRECTORY_MODE if self.directory else FILE_MODE:o}"


def loose_modes(paths: Iterable[Path]) -> list[LooseMode]:
    """Each existing path among ``paths`` that its group or others can use at all (missing ones are skipped).

    Windows keeps access in ACLs, not in these bits: nothing is reported there.
    """
    if os.name == "nt":
        return []
    found = []
    for path in dict.fromkeys(paths):
        try:
            status = path.stat()
        except OSError:
            continue
        mode = stat.S_IMODE(status.st_mode)
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            found.append(LooseMode(path, mode, stat.S_ISDIR(status.st_mode)))
    return found
