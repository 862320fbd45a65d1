"""Minimal examples of reader bugs the properties found, kept as regression tests.

Each test builds its input with the writer so the input is otherwise valid 005010X222A1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from claimedit.pipeline import Pipeline

from .x12_writer import (
    BillingSpec,
    ClaimSpec,
    Delimiters,
    GroupSpec,
    InputSpec,
    InterchangeSpec,
    LineSpec,
    SubscriberSpec,
    TransactionSpec,
    render,
    render_pieces,
)


def _claim(claim_id: str) -> ClaimSpec:
    line = LineSpec("17000", Decimal(125), 1, (1,), dt.date(2024, 8, 5))
    return ClaimSpec(claim_id, "11", "1", ("L570",), (line,))


def _interchange(control: str, delimiters: Delimiters, *claim_ids: str) -> InterchangeSpec:
    subscriber = SubscriberSpec("FICTIONAL MEDICARE", "99901", "MB", tuple(_claim(claim_id) for claim_id in claim_ids))
    billing = BillingSpec("1900000104", (subscriber,))
    return InterchangeSpec(control, delimiters, (GroupSpec("1", (TransactionSpec("0001", (billing,)),)),))


def test_claims_after_an_interchange_cut_short_are_counted_when_the_next_uses_other_delimiters(
    reading_pipeline: Pipeline,
) -> None:
    cut = InputSpec((_interchange("000000001", Delimiters("*", ":", "^", "~"), "CUT-1"),))
    complete = InputSpec((_interchange("000000002", Delimiters("|", ":", "^", "~"), "NEXT-1"),))
    cut_pieces = render_pieces(cut)
    st_index = next(index for index, piece in enumerate(cut_pieces) if piece.tag == "ST")
    text = "".join(piece.text for piece in cut_pieces[: st_index + 1]) + render(complete)

    result = reading_pipeline.process(text)

    expected = (1, 1, ["NEXT-1"])
    assert expected == (
        result.clm_segments_seen,
        result.claims_accounted,
        [item.claim.claim_id for item in result.claims],
    )
