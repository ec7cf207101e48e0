"""Compile the gettext catalogues (.po -> .mo) whenever dcmaint is built or installed.

The .po files are the source of truth and live in git; the binary .mo files are
build products, written next to them so that editable installs find them too.
"""

from __future__ import annotations

from pathlib import Path

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script (`make catalogues`) outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


def compile_catalogues(root: Path) -> list[Path]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted((root / "src" / "dcmaint" / "locale").glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        compile_catalogues(Path(self.root))


if __name__ == "__main__":
    for path in compile_catalogues(Path(__file__).parent):
        print(f"compiled {path.relative_to(Path(__file__).parent)}")
