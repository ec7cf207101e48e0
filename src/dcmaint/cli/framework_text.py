"""Translation of the CLI framework's own English.

Typer's help headings go through gettext and so through our catalogue, but
its vendored click writes some text as plain English: the "Usage:" prefix,
the --help option's text and its error messages. This module routes those
through ``_()`` as well, so a user reading Chinese sees no English scaffolding.
Error messages are recognised by their shape; anything unrecognised passes
through unchanged rather than being mistranslated.
"""

from __future__ import annotations

import re

from typer._click.formatting import HelpFormatter

from dcmaint.i18n import _

_FIXED = {
    "Show this message and exit.": lambda: _("Show this message and exit."),
}


class TranslatedHelpFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=_("Usage: ") if prefix is None else prefix)

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:  # type: ignore[no-untyped-def]
        rows = [(term, _FIXED[text]() if text in _FIXED else text) for term, text in rows]
        super().write_dl(rows, col_max=col_max, col_spacing=col_spacing)


def install() -> None:
    """Make every click context format help with the translating formatter."""
    from typer._click.core import Context

    Context.formatter_class = TranslatedHelpFormatter


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    # Evaluated per call: ``_()`` must see the language chosen at run time.
    return [
        (re.compile(r"^Invalid value for (?P<param>.+?): (?P<reason>.+)$"), _("invalid value for {param}: {reason}")),
        (re.compile(r"^Invalid value: (?P<reason>.+)$"), _("invalid value: {reason}")),
        (re.compile(r"^(?P<value>'.*') is not a valid (?P<type>\w+)\.$"), _("{value} is not a valid {type}")),
        (re.compile(r"^(?P<value>'.*') is not one of (?P<choices>.+)\.$"), _("{value} is not one of {choices}")),
        (re.compile(r"^(?P<value>\S+) is not in the range (?P<range>.+)\.$"), _("{value} is not in the range {range}")),
        (re.compile(r"^Missing option (?P<param>.+?)\.(?P<rest>.*)$"), _("missing option {param}")),
        (re.compile(r"^Missing argument (?P<param>.+?)\.(?P<rest>.*)$"), _("missing argument {param}")),
        (re.compile(r"^Missing parameter (?P<param>.+?)\.(?P<rest>.*)$"), _("missing parameter {param}")),
        (
            re.compile(r"^No such option: (?P<option>\S+)(?: \(Possible options: (?P<choices>.+)\))?$"),
            _("no such option: {option}"),
        ),
        (
            re.compile(r"^Option '(?P<option>[^']+)' requires (?:an argument|\d+ arguments)\.$"),
            _("option {option} requires a value"),
        ),
        (
            re.compile(r"^Option '(?P<option>[^']+)' does not take a value\.$"),
            _("option {option} does not take a value"),
        ),
        (re.compile(r"^Got unexpected extra arguments? \((?P<args>.+)\)$"), _("unexpected extra arguments: {args}")),
        (re.compile(r"^(?:File|Directory|Path) (?P<path>'.+') does not exist\.$"), _("{path} does not exist")),
        (re.compile(r"^(?:File|Path) (?P<path>'.+') is a directory\.$"), _("{path} is a directory")),
    ]


def _type_names() -> dict[str, str]:
    """click's parameter type names, as they appear in "is not a valid int"."""
    return {
        "int": _("whole number"),
        "integer": _("whole number"),
        "float": _("number"),
        "boolean": _("yes/no value"),
        "path": _("path"),
        "file": _("file"),
    }


def translate_error(message: str) -> str:
    """A click error message in the user's language; nested reasons are translated too."""
    for pattern, template in _patterns():
        found = pattern.match(message)
        if found:
            values = {key: value for key, value in found.groupdict().items() if value is not None}
            if "reason" in values:
                values["reason"] = translate_error(values["reason"])
            if "type" in values:
                values["type"] = _type_names().get(values["type"], values["type"])
            try:
                return template.format(**values)
            except (KeyError, IndexError):
                return message
    return message
