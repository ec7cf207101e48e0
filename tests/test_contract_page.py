"""docs/contract.md maps every clause of the contract to its commands: each command it names must exist, with
the options it names, so the page cannot promise a command that was renamed or never built."""

from __future__ import annotations

import re

import typer

from tests.docs_session import ROOT

PAGE = ROOT / "docs" / "contract.md"
NAMED = re.compile(r"`dcmaint ([^`]+)`")


def _resolve(words: list[str]) -> tuple[object, list[str]]:
    """The command the words name and the words left over (options), the way click would read them."""
    from dcmaint.cli.main import full_app

    command: object = typer.main.get_command(full_app())
    rest = list(words)
    while rest and rest[0] in getattr(command, "commands", {}):  # typer ships its own copy of click's classes
        command = command.commands[rest.pop(0)]  # type: ignore[attr-defined]
    return command, rest


def _named() -> list[str]:
    return NAMED.findall(PAGE.read_text(encoding="utf-8"))


def test_the_page_names_every_clause_of_the_contract():
    rows = [line for line in PAGE.read_text(encoding="utf-8").splitlines() if re.match(r"\| \d+ \|", line)]
    assert [int(line.split("|")[1]) for line in rows] == list(range(1, 14))
    assert all("`dcmaint " in line for line in rows)


def test_every_command_named_is_a_command_with_those_options():
    unknown = []
    for text in _named():
        command, rest = _resolve(text.split())
        params = getattr(command, "params", [])
        options = {name for param in params for name in (*param.opts, *param.secondary_opts)}
        if (
            hasattr(command, "commands")
            or any(word not in options for word in rest if word.startswith("-"))
            or any(not word.startswith("-") for word in rest)
        ):
            unknown.append(text)
    assert len(_named()) > 40
    assert unknown == []
