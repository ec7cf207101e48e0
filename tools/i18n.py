"""Keep the translation catalogues in step with the code.

    python tools/i18n.py update             # extract messages, merge them into every .po
    python tools/i18n.py check              # list what the code shows without a translation (exit 1 if any)
    python tools/i18n.py fold FILE.po ...   # take the translations of FILE.po into every .po (after update)

Messages come from dcmaint's own sources (``_()``, ``ngettext()`` and
``pgettext()``, whose first argument is the message context), from the CLI
framework's vendored click, whose strings ("Usage:", "Invalid value for
...") are looked up in dcmaint's catalogue at run time (see dcmaint.i18n),
and from the package's enums: every value of every enum defined in dcmaint
is a message in the enum's own context (``dcmaint.i18n.value_label`` shows
them), unless the enum derives from ``dcmaint.i18n.Untranslated``. The enums
are found by importing every module of the package, so a new vocabulary
needs no list kept here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as extract_file
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "dcmaint"
LOCALES = SOURCE / "locale"
KEYWORDS = {"_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
# Modules that do something when imported rather than define things: the Alembic environment runs
# migrations, ``python -m dcmaint`` runs the CLI.
NOT_IMPORTED = ("dcmaint.store.migrations", "dcmaint.__main__")


def framework_files() -> list[Path]:
    """Typer's own modules that call gettext (its help headings and a few errors)."""
    import typer

    return [Path(typer.__file__).parent / "core.py"]


def package_modules() -> Iterator[object]:
    """Every module of dcmaint, imported."""
    sys.path.insert(0, str(SOURCE.parent))
    import dcmaint

    yield dcmaint
    for info in pkgutil.walk_packages(dcmaint.__path__, "dcmaint."):
        if not info.name.startswith(NOT_IMPORTED):
            yield importlib.import_module(info.name)


def vocabularies() -> list[type[Enum]]:
    """The enums whose values people read: every enum defined in dcmaint with values, but the untranslated ones."""
    from dcmaint.i18n import Untranslated

    found: dict[str, type[Enum]] = {}
    for module in package_modules():
        for _name, member in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(member, Enum)
                and member.__module__ == module.__name__  # type: ignore[attr-defined]
                and len(member) > 0
                and not issubclass(member, Untranslated)
            ):
                found[f"{member.__module__}.{member.__qualname__}"] = member
    return [found[key] for key in sorted(found)]


def enum_messages() -> Iterator[tuple[str, str, str, int, str]]:
    """(context, value, file, line, comment) of every value of every vocabulary.

    Two enums whose names give the same context would make one message of two meanings: refused.
    """
    from dcmaint.i18n import vocabulary_context

    owners: dict[str, str] = {}
    for vocabulary in vocabularies():
        context = vocabulary_context(vocabulary)
        owner = f"{vocabulary.__module__}.{vocabulary.__qualname__}"
        if owners.setdefault(context, owner) != owner:
            raise SystemExit(f"{owner} and {owners[context]} both have the message context {context!r}: rename one")
        file = Path(inspect.getsourcefile(vocabulary) or "").resolve().relative_to(ROOT)
        line = inspect.getsourcelines(vocabulary)[1]
        for member in vocabulary:
            if not isinstance(member.value, str):
                raise SystemExit(f"{owner}.{member.name}: a vocabulary's values are text")
            yield context, member.value, str(file), line, f"{vocabulary.__qualname__}.{member.name}"


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
    for context, value, file, line, comment in enum_messages():
        catalog.add(value, None, [(file, line)], auto_comments=[f"value {comment}"], context=context)
    return catalog


def po_files() -> list[Path]:
    return sorted(LOCALES.glob("*/LC_MESSAGES/dcmaint.po"))


def read(po_path: Path) -> Catalog:
    with po_path.open("rb") as handle:
        return read_po(handle)


def write(po_path: Path, catalog: Catalog) -> None:
    with po_path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100, ignore_obsolete=True)


def update() -> None:
    template = extract()
    with (LOCALES / "dcmaint.pot").open("wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True, width=100)
    for po_path in po_files():
        catalog = read(po_path)
        catalog.update(template, no_fuzzy_matching=True)
        write(po_path, catalog)
        print(f"updated {po_path.relative_to(ROOT)}: {len(catalog)} messages")


def _label(message_id: object, context: str | None) -> str:
    text = message_id if isinstance(message_id, str) else message_id[0]  # type: ignore[index]
    return f"{text!r} (context {context!r})" if context else repr(text)


def untranslated(po_path: Path, template: Catalog | None = None) -> list[str]:
    """What ``po_path`` leaves untranslated: its empty or fuzzy entries and, given the code's ``template``,
    every message of the code it lacks (an enum value added since the last update, say)."""
    catalog = read(po_path)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(_label(message.id, message.context))
    for message in template or ():
        if message.id and catalog.get(message.id, context=message.context) is None:
            missing.append(_label(message.id, message.context))
    return missing


def check() -> int:
    template = extract()
    status = 0
    for po_path in po_files():
        missing = untranslated(po_path, template)
        for label in missing:
            print(f"{po_path.relative_to(ROOT)}: untranslated: {label}")
        status |= bool(missing)
    return status


def fold(sources: list[Path]) -> int:
    """Take the translations of branch files (``i18n/*.po``) into every catalogue, matched by message and
    context; a message the catalogue does not have (not in the code, or ``update`` not run) is reported."""
    status = 0
    for po_path in po_files():
        catalog = read(po_path)
        for source in sources:
            for message in read(source):
                if not message.id or not message.string:
                    continue
                target = catalog.get(message.id, context=message.context)
                if target is None:
                    print(f"{source}: not in {po_path.relative_to(ROOT)}: {_label(message.id, message.context)}")
                    status = 1
                    continue
                target.string = message.string
                target.flags.discard("fuzzy")
        write(po_path, catalog)
    return status


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    elif command == "fold" and len(sys.argv) > 2:
        sys.exit(fold([Path(arg) for arg in sys.argv[2:]]))
    else:
        sys.exit(f"usage: {sys.argv[0]} update | check | fold FILE.po...")
