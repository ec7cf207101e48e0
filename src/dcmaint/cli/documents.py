"""Writing a document a command made (a maintenance form, a report, a device file): one way for all of them.

``--output -`` writes the document itself to standard output and nothing else, so that it can be piped;
without ``--output`` it goes to a default file name in the current directory. The caller checks the
``--output`` path (``state(ctx).output``, which refuses the live store, the configuration file and the
backups folder) before any work, and passes what it returned here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dcmaint.errors import UsageError
from dcmaint.i18n import _


def write_document(content: bytes, output: Path | None, checked: Path | None, default: Path) -> Path | None:
    """Write ``content`` where the user asked; the file written, or None when it went to standard output.

    ``output`` is the ``--output`` value as given, ``checked`` what ``state(ctx).output`` made of it (None for
    ``-``), ``default`` the file name used without ``--output``.
    """
    if output is not None and checked is None:  # --output -: the document itself on stdout, nothing else
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return None
    target = checked or default
    try:
        target.write_bytes(content)
    except OSError as error:
        raise UsageError(_("cannot write {file}: {reason}").format(file=target, reason=error.strerror)) from None
    return target
