"""Shell completion for bash, zsh and fish: ``dcmaint completion SHELL`` prints the script, the shell runs it.

The script calls ``dcmaint`` back on every TAB with ``_DCMAINT_COMPLETE`` set
(typer's protocol: ``complete_bash`` with ``COMP_WORDS``/``COMP_CWORD``,
``complete_zsh`` and ``complete_fish`` with ``_TYPER_COMPLETE_ARGS``).
:func:`complete` answers it. Like every run (see :mod:`dcmaint.cli.main`), an
answer mounts only the command being completed: ``dcmaint ti<TAB>`` needs
the names of the commands, which cost nothing, and ``dcmaint ticket <TAB>``
mounts the ticket commands and their options. Installing the script is the
user's shell's business (docs/cli.md, "Shell completion"), so nothing here
writes to a dotfile.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Annotated

import typer

from dcmaint.i18n import Untranslated, _

#: The variable the completion scripts set when they ask for completions (typer's ``_{PROG}_COMPLETE``).
COMPLETE_VAR = "_DCMAINT_COMPLETE"


class Shell(Untranslated):  # the shells' own names
    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"


def completion(
    shell: Annotated[Shell, typer.Argument(help=_("The shell: bash, zsh or fish."), case_sensitive=False)],
) -> None:
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name="dcmaint", complete_var=COMPLETE_VAR, shell=shell.value))


def completed_words() -> list[str]:
    """The words typed before the one being completed, without the program's name (bash, zsh and fish)."""
    from typer._click.shell_completion import split_arg_string

    if "COMP_WORDS" in os.environ:  # bash
        words = split_arg_string(os.environ["COMP_WORDS"])
        current = int(os.environ.get("COMP_CWORD", len(words)))
        return words[1:current]
    typed = os.environ.get("_TYPER_COMPLETE_ARGS", "")  # zsh and fish: the line up to the cursor
    words = split_arg_string(typed)[1:]
    return words if typed.endswith(" ") else words[:-1]


def complete(build: Callable[[], typer.Typer]) -> int:
    """Answer one completion request (the app ``build`` returns has the completed command mounted)."""
    from typer._completion_classes import completion_init

    completion_init()  # typer's bash, zsh and fish formats, which its scripts read
    try:
        build()(args=[], prog_name="dcmaint", complete_var=COMPLETE_VAR, standalone_mode=False)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    return 0
