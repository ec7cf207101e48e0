"""Option values checked while the command line is read, before a command (and its transaction) runs.

``typer.Option(..., click_type=Checked(parse.timeout, "SECONDS"))`` runs one
of :mod:`dcmaint.domain.parse`'s parsers on the text as typed, with the
option's own name for the message: a negative ``--timeout`` is refused
before anything is written, in the one-line form every usage error has.
Tests find the options that take a checked value by this type
(tests/test_bad_values.py walks the whole command tree).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from typer._click.core import Context, Parameter
from typer._click.types import ParamType


class Checked(ParamType):
    """A click type that hands the typed text to a parser ``(text, what) -> value``."""

    def __init__(self, parser: Callable[[str, str], Any], metavar: str) -> None:
        self.parser = parser
        self.name = metavar

    def convert(self, value: Any, param: Parameter | None, ctx: Context | None) -> Any:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            return value  # already parsed
        what = param.opts[0] if param is not None and param.opts else self.name
        return self.parser(str(value), what)

    def get_metavar(self, param: Parameter, ctx: Context) -> str:
        return self.name


#: Options and arguments that take free text (kept, control characters escaped); every other plain text value
#: is an identifier (refused with a control character). docs/cli.md, "Hostile text and numbers".
FREE_TEXT = frozenset(
    {
        *("--description", "--note", "--notes", "--reason", "--late-reason", "--actions", "--comment", "--address"),
        *("--evaluation", "--rollback-plan", "--scenario", "--restored", "--complaint", "--resolution", "text"),
    }
)
#: Command groups whose text is not checked so: `sim` serves simulated devices and stores nothing.
UNGUARDED = frozenset({"sim"})


class CheckedText(Checked):
    """A plain text value checked by :mod:`dcmaint.domain.text`; help shows it as the plain text type did."""

    def __init__(self, parser: Callable[[str, str], Any], plain: ParamType) -> None:
        super().__init__(parser, plain.name)
        self.plain = plain

    def get_metavar(self, param: Parameter, ctx: Context) -> str | None:  # type: ignore[override]
        return self.plain.get_metavar(param, ctx)


def guard_text(command: Any, path: tuple[str, ...] = ()) -> Any:
    """Give every plain text option and argument of ``command``'s tree a :class:`CheckedText` type.

    The one place text typed on the command line enters: a control character in a name, serial or
    reference is refused naming the option, free text (:data:`FREE_TEXT`) is kept escaped, and an empty
    value is an error rather than "no filter". Options read by a parser of their own keep it. Returns
    ``command``, changed in place.
    """
    from typer._click.types import StringParamType

    from dcmaint.domain import text

    if path[:1] and path[0] in UNGUARDED:
        return command
    for param in getattr(command, "params", ()):
        if type(param.type) is StringParamType:
            name = param.opts[0] if param.opts else param.name
            parser = text.free_text if name in FREE_TEXT or param.name in FREE_TEXT else text.identifier
            param.type = CheckedText(parser, param.type)
    for name, sub in (getattr(command, "commands", None) or {}).items():
        guard_text(sub, (*path, name))
    return command
