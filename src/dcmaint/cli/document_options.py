"""The options every document command shares (a form, a report, a plan, a roster, a drill record).

One definition, so that ``--format`` and ``--lang`` read and parse the same wherever a document is
written; each command keeps its own ``--output``, whose default file name is its own.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dcmaint.i18n import _

DocumentFormatOpt = Annotated[str, typer.Option("--format", "-f", help=_("pdf, html or md."))]
DocumentLangOpt = Annotated[str, typer.Option("--lang", help=_("Language of the document: zh or en."))]
