"""Every command a user can call is shown in README.md or docs/ as `dcmaint <command>` (docs are part of a feature)."""

from __future__ import annotations

from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[1]


def _leaves(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if hasattr(command, "commands"):  # a group (typer ships its own copy of click's classes)
        return [leaf for name, sub in sorted(command.commands.items()) for leaf in _leaves(sub, (*path, name))]
    return [path]


def test_every_command_is_documented_with_an_example():
    from dcmaint.cli.main import full_app

    text = "\n".join(
        p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    )
    leaves = _leaves(typer.main.get_command(full_app()))
    assert len(leaves) > 40
    missing = [" ".join(leaf) for leaf in leaves if f"dcmaint {' '.join(leaf)}" not in text]
    assert missing == []
