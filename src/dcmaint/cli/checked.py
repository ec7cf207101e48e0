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
