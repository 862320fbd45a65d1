"""pyx12 errors land on the claim whose segment they concern, even after an empty segment the validator never sees."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claimedit.pipeline import Pipeline

from .claim_strategies import inputs
from .profile import deterministic
from .x12_writer import InputSpec, Piece, prefix, render_pieces


@deterministic(max_examples=12)
@given(spec=inputs(max_transactions=2), data=st.data())
def test_a_syntax_error_in_one_claim_stays_on_that_claim_after_an_empty_segment(
    validating_pipeline: Pipeline, spec: InputSpec, data: st.DataObject
) -> None:
    pieces = render_pieces(spec)
    clm_indexes = [index for index, piece in enumerate(pieces) if piece.tag == "CLM"]
    broken = data.draw(st.sampled_from(clm_indexes), label="claim with a bad CLM06")
    inside = [index for index, piece in enumerate(pieces) if piece.in_transaction and piece.tag != "SE"]
    empty_after = data.draw(st.sampled_from(inside), label="empty segment after piece")
    texts = [piece.text for piece in pieces]
    texts[broken] = _with_bad_signature_indicator(pieces[broken])
    texts.insert(empty_after + 1, _empty_segment_like(pieces[empty_after]))

    result = validating_pipeline.process(prefix(spec.layout) + "".join(texts))

    expected = [clm_indexes.index(broken)]
    assert expected == [
        number
        for number, item in enumerate(result.claims)
        if any(finding.code == "SYN001" for finding in item.findings)
    ]


def _with_bad_signature_indicator(piece: Piece) -> str:
    """The CLM with CLM06 (provider signature on file, Y or N) set to Q: one element error on that claim."""
    d = piece.delimiters
    elements = list(piece.elements)
    elements[6] = "Q"
    return piece.text.replace(d.element.join(piece.elements), d.element.join(elements), 1)


def _empty_segment_like(piece: Piece) -> str:
    line_break = piece.text[piece.text.rindex(piece.delimiters.segment) + 1 :]
    return f"{piece.delimiters.segment}{line_break}"
