"""The public samples and our fixtures against the dated reference data: no warning on a standard modifier, and no
code-set error for an ICD-9-CM claim dated before 2015-10-01."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from claimedit.pipeline import Pipeline
from claimedit_edits.codesets import open_codesets

from .conftest import fixture_files, sample_files

FILES = fixture_files() + sample_files()
DELIBERATELY_UNKNOWN = {"X9", "ZZ"}
"""Made-up modifiers our fixtures carry on purpose to draw MOD008."""


def _results(pipeline: Pipeline) -> list[tuple[Path, object]]:
    return [(path, claim) for path in FILES for claim in pipeline.process(path.read_bytes(), path.name).claims]


def test_no_modifier_of_the_cpt_and_hcpcs_lists_is_warned_as_unknown(pipeline: Pipeline) -> None:
    warned = {
        finding.fix.current
        for _, result in _results(pipeline)
        for finding in result.findings  # type: ignore[attr-defined]
        if finding.code == "MOD008" and finding.fix is not None
    }
    expected: set[str] = set()
    assert expected == warned - DELIBERATELY_UNKNOWN
    assert warned & DELIBERATELY_UNKNOWN, "the fixtures lost their deliberately unknown modifiers"


def test_standard_modifiers_of_the_issue_are_in_the_packaged_edition() -> None:
    modifiers = open_codesets().at("modifiers", dt.date(2025, 6, 1))
    expected: list[str] = []
    assert expected == [
        code for code in ("RR", "KH", "BR", "QK", "QS", "P1", "NU", "GP", "25", "59") if code not in modifiers
    ]


def test_no_claim_dated_before_icd10_is_told_to_use_icd10(pipeline: Pipeline) -> None:
    old_icd9 = []
    wrong = []
    for path, result in _results(pipeline):
        claim = result.claim  # type: ignore[attr-defined]
        days = [day for line in claim.service_lines if (day := claim.line_date(line))]
        if (
            not days
            or min(days) >= dt.date(2015, 10, 1)
            or not any(d.qualifier in ("BK", "BF") for d in claim.diagnoses)
        ):
            continue
        old_icd9.append(claim.claim_id)
        wrong += [
            (path.name, claim.claim_id, finding.message)
            for finding in result.findings  # type: ignore[attr-defined]
            if finding.code == "CSET001" and "calls for" in finding.message
        ]
    expected: list[tuple[str, str, str]] = []
    assert expected == wrong
    assert old_icd9, "no ICD-9-CM claim dated before 2015-10-01 among the fixtures"
