"""Edits read the code-set edition of each date of service: an imported HCPCS edition with a terminated modifier,
an ICD-10-CM fiscal-year edition beside the packaged one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from claimedit_edits.codesets import open_codesets
from claimedit_edits.codesets._importers import import_codeset
from claimedit_edits.engine import Engine

cases = sys.modules["claimedit_tests_edits_cases"]
OFFICIAL = Path(__file__).parents[1] / "codesets" / "official"


def _findings(harness: Any, tmp_path: Path, block: str, code: str) -> list[str]:
    reference = dataclasses.replace(harness.reference, codesets=open_codesets(tmp_path))
    engine = Engine(harness.registry, reference, harness.default_policy)
    claim = cases.EditHarness.read(harness, cases.Case(edit=code, name="x", claim=block, expect=[]))
    return [finding.message for finding in engine.check(claim) if finding.code == code]


def _claim(modifier: str, day: str) -> str:
    return (
        f"CLM*CE-{day}*100***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000:{modifier}*100*UN*1***1\n"
        f"DTP*472*D8*{day}\n"
    )


def test_a_modifier_terminated_in_the_imported_hcpcs_edition_is_warned_after_its_term_date(
    harness: Any, tmp_path: Path
) -> None:
    import_codeset(
        "modifiers",
        OFFICIAL / "HCPC2025_JAN_ANWEB_excerpt.csv",
        out_dir=tmp_path,
        edition="2025-01",
        effective_from=dt.date(2015, 1, 1),
    )
    before = _findings(harness, tmp_path, _claim("ZB", "20170301"), "MOD008")
    after = _findings(harness, tmp_path, _claim("ZB", "20190301"), "MOD008")
    expected = (0, 1, True)
    assert expected == (len(before), len(after), "2025-01" in after[0])


def test_a_code_missing_from_the_fiscal_year_edition_is_flagged_only_in_that_year(harness: Any, tmp_path: Path) -> None:
    import_codeset(
        "icd10cm",
        OFFICIAL / "icd10cm_order_2025_excerpt.txt",
        out_dir=tmp_path,
        edition="FY2025 excerpt",
        effective_from=dt.date(2024, 10, 1),
        effective_to=dt.date(2025, 9, 30),
    )
    block = "CLM*CE-D485*100***11:B:1*Y*A*Y*Y\nHI*ABK:D485\nLX*1\nSV1*HC:11400*100*UN*1***1\nDTP*472*D8*{}\n"
    in_fy2025 = _findings(harness, tmp_path, block.format("20250301"), "CSET001")
    in_fy2026 = _findings(harness, tmp_path, block.format("20260501"), "CSET001")
    expected = (1, 0)
    assert expected == (len(in_fy2025), len(in_fy2026))
