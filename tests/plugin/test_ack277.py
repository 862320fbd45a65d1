"""The 277CA for a rejected claim: valid X214, TRN02 = CLM01, A7/A8 statuses, a 2220D loop per rejected line."""

from __future__ import annotations

import datetime as dt

import pytest
import x12gen
from pyx12_check import pyx12_accepts

from claimedit.results import ClaimResult
from claimedit.x12.ack277 import ack277_frame, write_277ca
from claimedit.x12.parsed import ClaimSegments
from claimedit.x12.reader import read_claims
from claimedit_edits.model import Claim, Finding

PROCESSED = dt.datetime(2026, 1, 11, 9, 30, tzinfo=dt.UTC)
BALANCING = Finding(code="BAL001", category="balancing", severity="error", message="CLM02 is not the sum of SV102")
LINE_UNITS = Finding(code="LES001", category="lesion-units", severity="error", line=1, message="17000 over 1 unit")
WARNING = Finding(code="SIZ001", category="size-tier", severity="warning", line=1, message="no size")


@pytest.fixture(scope="module")
def claim() -> Claim:
    return read_claims(x12gen.interchange(x12gen.synthetic_claims(3)), "t.x12")[2]


def _segments(text: str) -> list[str]:
    return [segment for segment in text.split("~") if segment]


def test_277ca_with_claim_and_line_rejections_is_valid_per_pyx12(claim: Claim) -> None:
    text = write_277ca(ClaimResult(claim, (BALANCING, LINE_UNITS)), control_number=5, processed=PROCESSED)

    valid, ack = pyx12_accepts(text)

    assert (valid, "IK5*A~" in ack) == (True, True)


def test_277ca_traces_the_claim_by_clm01_with_claim_status(claim: Claim) -> None:
    segments = _segments(write_277ca(ClaimResult(claim, (BALANCING,)), control_number=5, processed=PROCESSED))

    assert f"TRN*2*{claim.claim_id}" in segments
    assert "STC*A8:400*20260111*U*150" in segments
    assert not any(segment.startswith("SVC*") for segment in segments)


def test_line_rejection_adds_svc_stc_and_line_item_control_number(claim: Claim) -> None:
    segments = _segments(write_277ca(ClaimResult(claim, (LINE_UNITS, WARNING)), control_number=5, processed=PROCESSED))
    start = segments.index("SVC*HC:17000*150*****1")

    assert segments[start + 1 : start + 4] == ["STC*A8:454*20260111*U", "REF*FJ*L0000002", "DTP*472*D8*20260105"]


def test_several_statuses_fill_stc10_and_stc11(claim: Claim) -> None:
    code_set = Finding(code="COD001", category="code-set", severity="error", message="invalid ICD-10-CM")
    modifier = Finding(code="MOD001", category="modifier", severity="error", message="59 missing")

    segments = _segments(
        write_277ca(ClaimResult(claim, (BALANCING, code_set, modifier)), control_number=5, processed=PROCESSED)
    )

    assert "STC*A8:400*20260111*U*150******A7:255*A8:453" in segments


def test_claim_without_errors_gets_no_277ca(claim: Claim) -> None:
    with pytest.raises(ValueError, match="no error finding"):
        write_277ca(ClaimResult(claim, (WARNING,)), control_number=5, processed=PROCESSED)


def test_277ca_is_written_with_the_delimiters_read_beside_the_claim(claim: Claim) -> None:
    segments = ClaimSegments(element_separator="|", component_separator="^", segment_terminator="\n")

    text = write_277ca(ClaimResult(claim, (BALANCING,), segments), control_number=5, processed=PROCESSED)

    assert f"TRN|2|{claim.claim_id}" in text.split("\n")
    assert "STC|A8^400|20260111|U|150" in text.split("\n")


def test_a_frame_of_the_claims_transaction_gives_the_277ca_written_without_one(claim: Claim) -> None:
    result = ClaimResult(claim, (BALANCING, LINE_UNITS))
    frame = ack277_frame(claim.envelope, result.segments, PROCESSED)

    framed = write_277ca(result, control_number=5, processed=PROCESSED, frame=frame)

    assert framed == write_277ca(result, control_number=5, processed=PROCESSED)


def test_a_frame_of_another_moment_envelope_or_delimiters_is_not_used(claim: Claim) -> None:
    other = read_claims(x12gen.interchange(x12gen.synthetic_claims(1), control=9, submitter="OTHERSUB"), "o.x12")[0]
    result = ClaimResult(claim, (BALANCING,))
    frames = [
        ack277_frame(claim.envelope, result.segments, PROCESSED + dt.timedelta(days=1)),
        ack277_frame(claim.envelope, ClaimSegments(element_separator="|"), PROCESSED),
        ack277_frame(claim.envelope, ClaimSegments(repetition_separator="!"), PROCESSED),
        ack277_frame(other.envelope, result.segments, PROCESSED),
    ]

    texts = [write_277ca(result, control_number=5, processed=PROCESSED, frame=frame) for frame in frames]

    assert texts == [write_277ca(result, control_number=5, processed=PROCESSED)] * len(frames)
