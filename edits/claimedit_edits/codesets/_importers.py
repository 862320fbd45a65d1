"""``claimedit tables import-icd10cm / import-hcpcs / import-nucc``: official files compiled into a tables directory."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

from claimedit_edits.codesets._compile import (
    CodeSetImportError,
    CompiledEdition,
    icd10cm_from_cms,
    modifiers_from_hcpcs,
    taxonomy_from_nucc,
    write_edition,
)
from claimedit_edits.codesets._store import CodeEntry

__all__ = ["IMPORTERS", "import_codeset"]

IMPORTERS: dict[str, tuple[str, Callable[[str], list[CodeEntry]]]] = {
    "icd10cm": ("CMS ICD-10-CM code file", icd10cm_from_cms),
    "modifiers": ("CMS HCPCS file, modifier records", modifiers_from_hcpcs),
    "taxonomy": ("NUCC Health Care Provider Taxonomy code set", taxonomy_from_nucc),
}


def import_codeset(
    kind: str,
    path: Path,
    *,
    out_dir: Path,
    edition: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
) -> CompiledEdition:
    """Compile ``path`` into ``out_dir/codesets.sqlite`` as an edition of ``kind``; the source names the file.

    ``out_dir`` gets an empty ``manifest.toml`` when it has none, so that it can be listed in the configuration's
    ``tables`` beside (or without) CMS NCCI tables.
    """
    if kind not in IMPORTERS:
        raise CodeSetImportError(f"no importer for {kind!r}; known: {', '.join(IMPORTERS)}")
    label, parse = IMPORTERS[kind]
    data = path.read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    try:
        entries = parse(text)
    except CodeSetImportError as exc:
        raise CodeSetImportError(f"{path}: {exc}") from exc
    compiled = write_edition(
        out_dir,
        kind=kind,
        edition=edition,
        source=f"{label} ({path.name})",
        effective_from=effective_from,
        effective_to=effective_to,
        source_sha256=hashlib.sha256(data).hexdigest(),
        entries=entries,
    )
    manifest = out_dir / "manifest.toml"
    if not manifest.exists():
        manifest.write_text(
            "# Reference tables of this directory: CMS NCCI tables are added by `claimedit tables import-ncci`.\n"
            "# Code sets imported here live in codesets.sqlite (its edition table is their manifest).\n",
            encoding="utf-8",
        )
    return compiled
