"""The fast reader yields the same claims as pyx12's own reader on every file pyx12 can read."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
import pyx12.error_handler
import pyx12.errors
import pyx12.params
import pyx12.x12context

from claimedit.pipeline import Pipeline
from claimedit.x12.interchanges import count_clm_segments
from claimedit.x12.reader import read_claims
from claimedit.x12.tokens import decode

from .conftest import fixture_files, sample_files


def _pyx12_claims(text: str) -> list[dict[str, Any]] | None:
    """Claims as pyx12's X12ContextReader sees them, or None when pyx12 cannot read the file."""
    logging.getLogger("pyx12").setLevel(logging.CRITICAL + 1)
    try:
        reader = pyx12.x12context.X12ContextReader(
            pyx12.params.params(), pyx12.error_handler.err_handler(), io.StringIO(text)
        )
        claims: list[dict[str, Any]] = []
        for node in reader.iter_segments("2000B"):
            if node.id != "2000B":
                continue
            payer = node.first("2010BB")
            claims.extend(
                {
                    "claim_id": claim.get_value("CLM01"),
                    "total": claim.get_value("CLM02"),
                    "pos": claim.get_value("CLM05-1"),
                    "payer_id": payer.get_value("NM109") if payer else None,
                    "filing": node.get_value("SBR09") or "",
                    "lines": [
                        (
                            int(line.get_value("LX01")),
                            line.get_value("SV101-2"),
                            tuple(m for m in (line.get_value(f"SV101-{i}") for i in range(3, 7)) if m),
                            line.get_value("SV102"),
                            line.get_value("SV104"),
                            tuple(int(p) for p in (line.get_value(f"SV107-{i}") for i in range(1, 5)) if p),
                            line.get_value("DTP[472]03"),
                            line.get_value("REF[6R]02") or "",
                        )
                        for line in claim.select("2400")
                    ],
                }
                for claim in [*node.select("2300"), *node.select("2000C/2300")]
            )
        return claims
    except (pyx12.errors.X12Error, pyx12.errors.EngineError, IndexError):  # IndexError: more components than the map
        return None


def _ours(text: str) -> list[dict[str, Any]]:
    return [
        {
            "claim_id": claim.claim_id,
            "total": _plain(claim.total_charge),
            "pos": claim.place_of_service,
            "payer_id": claim.payer.payer_id,
            "filing": claim.payer.filing_indicator,
            "lines": [
                (
                    line.number,
                    line.procedure_code,
                    line.modifiers,
                    _plain(line.charge),
                    _plain(line.units),
                    line.diagnosis_pointers,
                    _raw_date(line),
                    line.control_number,
                )
                for line in claim.service_lines
            ],
        }
        for claim in read_claims(text)
    ]


def _plain(value: object) -> str:
    return str(value)


def _raw_date(line: Any) -> str | None:
    if line.date_of_service is None:
        return None
    start = line.date_of_service.strftime("%Y%m%d")
    if line.date_of_service_end is not None:
        return f"{start}-{line.date_of_service_end.strftime('%Y%m%d')}"
    return start


FILES = [*fixture_files(), *sample_files()]


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_fast_reader_reads_the_same_claims_as_pyx12(path: Path) -> None:
    """Where pyx12 reads claims, ours are the same; where it cannot, ours still account for every CLM."""
    text = decode(path.read_bytes())
    ours = _ours(text)
    if "005010X222" not in text:
        # Not an 837P 5010 file (4010, 837I, 999, not X12): claimedit reads no claim from it at all.
        assert [] == ours
        return
    # pyx12 has no map for the errata strings; claimedit reads them as A1, so pyx12 is shown A1 too.
    expected = _pyx12_claims(re.sub(r"005010X222(?:A2)?(?!A)", "005010X222A1", text))
    if not expected:
        # pyx12 reads nothing (bad ISA, or it stops at an empty segment): every CLM is still accounted for,
        # as a claim or inside a reported unreadable interchange.
        assert _clm_count(text) == Pipeline(None, None).process(text).claims_accounted
    elif len(expected) == _clm_count(text):
        assert expected == ours
    else:  # pyx12 stopped early (truncated interchange): what it did read must match ours
        assert expected == [claim for claim in ours if claim["claim_id"] in {c["claim_id"] for c in expected}]


def _clm_count(text: str) -> int:
    return count_clm_segments(text)
