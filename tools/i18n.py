"""Keep the translation catalogues in step with the code.

    python tools/i18n.py update   # extract messages, merge them into every .po
    python tools/i18n.py check    # list messages without a translation (exit 1 if any)

Messages come from dcmaint's own sources (``_()`` and ``ngettext()``) and from
the CLI framework's vendored click, whose strings ("Usage:", "Invalid value
for ...") are looked up in dcmaint's catalogue at run time (see dcmaint.i18n).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as extract_file
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "dcmaint"
LOCALES = SOURCE / "locale"
KEYWORDS = {"_": None, "ngettext": (1, 2)}


def framework_files() -> list[Path]:
    """Typer's own modules that call gettext (its help headings and a few errors)."""
    import typer

    return [Path(typer.__file__).parent / "core.py"]


def extract() -> Catalog:
    catalog = Catalog(project="dcmaint", domain="dcmaint", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SOURCE), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        if not filename.startswith(("locale", "store/migrations")):
            catalog.add(message, None, [(f"src/dcmaint/{filename}", lineno)], auto_comments=comments, context=context)
    for path in framework_files():
        with path.open("rb") as handle:
            for lineno, message, _comments, context in extract_file("python", handle, keywords=KEYWORDS):
                catalog.add(message, None, [(f"typer/{path.name}", lineno)], context=context)
    return catalog


def po_files() -> list[Path]:
    return sorted(LOCALES.glob("*/LC_MESSAGES/dcmaint.po"))


def update() -> None:
    template = extract()
    with (LOCALES / "dcmaint.pot").open("wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True, width=100)
    for po_path in po_files():
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, width=100, ignore_obsolete=True)
        print(f"updated {po_path.relative_to(ROOT)}: {len(catalog)} messages")


def untranslated(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def check() -> int:
    status = 0
    for po_path in po_files():
        missing = untranslated(po_path)
        for message_id in missing:
            print(f"{po_path.relative_to(ROOT)}: untranslated: {message_id!r}")
        status |= bool(missing)
    return status


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(f"usage: {sys.argv[0]} update|check")
