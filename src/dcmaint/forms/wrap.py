"""Line breaking for Chinese mixed with Latin words, for the PDF form.

fpdf2 breaks lines only at spaces (and mid-word when a word is longer than
the line). Chinese has no spaces, so "IBM P750 小型机 电源模块故障，告警灯常亮……"
would leave a half-empty line before each long Chinese run, and CHAR mode
would cut serial numbers in half. Here a line may break at a space or on
either side of a wide (CJK) character, except before closing punctuation
(，。）…) or after opening punctuation (（“), the basic 禁则 of Chinese
typesetting. Latin words and serials stay whole unless longer than a line.

>>> wrap("电源模块故障，更换 PSU-2", 6.0, len)
['电源模块故', '障，更换', 'PSU-2']
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

NO_BREAK_BEFORE = frozenset("，。、；：！？）」』】》〉”’…—·%,.;:!?)]}")
NO_BREAK_AFTER = frozenset("（「『【《〈“‘([{")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _atoms(paragraph: str) -> list[tuple[str, bool]]:
    """Unbreakable pieces and whether a space stood before each."""
    atoms: list[tuple[str, bool]] = []
    space = False
    for char in paragraph:
        if char.isspace():
            space = True
            continue
        if atoms and not space:
            previous = atoms[-1][0]
            joined = (
                char in NO_BREAK_BEFORE or previous[-1] in NO_BREAK_AFTER or not (_wide(char) or _wide(previous[-1]))
            )
            if joined:
                atoms[-1] = (previous + char, atoms[-1][1])
                continue
        atoms.append((char, space))
        space = False
    return atoms


def _split_long(piece: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Cut a piece wider than the line (a long serial, a URL) into lines, at least a character each."""
    lines = []
    while measure(piece) > width and len(piece) > 1:
        cut = len(piece) - 1
        while cut > 1 and measure(piece[:cut]) > width:
            cut -= 1
        lines.append(piece[:cut])
        piece = piece[cut:]
    return [*lines, piece]


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The lines of ``text`` no wider than ``width`` as ``measure`` counts; newlines are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece, space in _atoms(paragraph):
            candidate = f"{line} {piece}" if line and space else line + piece
            if measure(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            *full, line = _split_long(piece, width, measure)
            lines.extend(full)
        lines.append(line)
    return lines
