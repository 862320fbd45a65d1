"""``python -m claimedit_edits.codesets build``: recompile the packaged code-set store from its sources."""

from __future__ import annotations

import sys
from pathlib import Path

from claimedit_edits.codesets._packaged import build_packaged


def main(argv: list[str]) -> int:
    if argv != ["build"]:
        print("usage: python -m claimedit_edits.codesets build", file=sys.stderr)
        return 2
    for edition in build_packaged(Path(__file__).parent):
        print(f"{edition.kind}: {edition.rows} codes, edition {edition.edition} -> {edition.store}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
