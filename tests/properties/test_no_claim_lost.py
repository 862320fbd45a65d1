"""No claim is lost: whatever is cut or padded, every CLM segment of the text ends in a claim or an unreadable count."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claimedit.pipeline import Pipeline
from claimedit.results import InputResult

from .claim_strategies import inputs
from .claim_views import expected_views, read_view
from .profile import deterministic
from .x12_writer import InputSpec, Piece, prefix, render_pieces


def _clm_segments(pieces: list[Piece]) -> int:
    return sum(1 for piece in pieces if piece.tag == "CLM")


def _accounting(result: InputResult) -> tuple[int, int]:
    return result.claims_accounted, result.clm_segments_seen


def _empty_segment_after(piece: Piece, indent: str) -> Piece:
    """A bare terminator (two terminators in a row), laid out like its neighbours."""
    line_break = piece.text[piece.text.rindex(piece.delimiters.segment) + 1 :]
    return Piece(f"{indent}{piece.delimiters.segment}{line_break}", ("",), piece.delimiters, piece.in_transaction)


@deterministic(max_examples=60)
@given(spec=inputs(max_interchanges=2, max_transactions=2), data=st.data())
def test_an_empty_segment_inside_a_transaction_loses_no_claim(
    reading_pipeline: Pipeline, spec: InputSpec, data: st.DataObject
) -> None:
    pieces = render_pieces(spec)
    inside = [index for index, piece in enumerate(pieces) if piece.in_transaction and piece.tag != "SE"]
    at = data.draw(st.sampled_from(inside), label="empty segment after piece")
    padded = [*pieces[: at + 1], _empty_segment_after(pieces[at], spec.layout.indent), *pieces[at + 1 :]]

    result = reading_pipeline.process(prefix(spec.layout) + "".join(piece.text for piece in padded))

    written = _clm_segments(pieces)
    assert (written, written) == _accounting(result)
    assert expected_views(spec) == [read_view(item.claim) for item in result.claims]


@deterministic(max_examples=60)
@given(spec=inputs(max_interchanges=2, max_transactions=2), data=st.data())
def test_an_empty_segment_is_reported_on_every_claim_of_its_transaction(
    reading_pipeline: Pipeline, spec: InputSpec, data: st.DataObject
) -> None:
    pieces = render_pieces(spec)
    inside = [index for index, piece in enumerate(pieces) if piece.in_transaction and piece.tag != "SE"]
    at = data.draw(st.sampled_from(inside), label="empty segment after piece")
    padded = [*pieces[: at + 1], _empty_segment_after(pieces[at], spec.layout.indent), *pieces[at + 1 :]]
    st_index = max(index for index in range(at + 1) if pieces[index].tag == "ST")
    se_index = min(index for index in range(at, len(pieces)) if pieces[index].tag == "SE")
    in_that_transaction = _clm_segments(pieces[st_index:se_index])

    result = reading_pipeline.process(prefix(spec.layout) + "".join(piece.text for piece in padded))

    flagged = [item for item in result.claims if any(finding.code == "SYN004" for finding in item.findings)]
    assert in_that_transaction == len(flagged)


@deterministic(max_examples=80)
@given(spec=inputs(max_interchanges=2, max_transactions=2), data=st.data())
def test_input_cut_at_a_segment_boundary_loses_no_claim(
    reading_pipeline: Pipeline, spec: InputSpec, data: st.DataObject
) -> None:
    pieces = render_pieces(spec)
    keep = data.draw(st.integers(0, len(pieces)), label="segments kept")

    result = reading_pipeline.process(prefix(spec.layout) + "".join(piece.text for piece in pieces[:keep]))

    written = _clm_segments(pieces[:keep])
    assert (written, written) == _accounting(result)


@deterministic(max_examples=80)
@given(spec=inputs(max_interchanges=2, max_transactions=2), data=st.data())
def test_input_cut_at_any_character_loses_no_claim(
    reading_pipeline: Pipeline, spec: InputSpec, data: st.DataObject
) -> None:
    pieces = render_pieces(spec)
    text = prefix(spec.layout) + "".join(piece.text for piece in pieces)
    cut = data.draw(st.integers(0, len(text)), label="characters kept")

    result = reading_pipeline.process(text[:cut])

    written = _clm_segments_in_prefix(prefix(spec.layout), pieces, cut)
    assert (written, written) == _accounting(result)


def _clm_segments_in_prefix(before: str, pieces: list[Piece], cut: int) -> int:
    """CLM segments among the first ``cut`` characters, a cut one included once its id "CLM" is complete."""
    count = 0
    position = len(before)
    for piece in pieces:
        if position >= cut:
            break
        kept = piece.text[: cut - position]
        if kept.strip(" \t\r\n").split(piece.delimiters.element)[0] == "CLM":
            count += 1
        position += len(piece.text)
    return count


@deterministic(max_examples=60)
@given(spec=inputs(max_interchanges=3), data=st.data())
def test_an_interchange_cut_short_before_another_loses_no_claim(
    reading_pipeline: Pipeline, spec: InputSpec, data: st.DataObject
) -> None:
    """Files concatenated after a transmission broke off: the cut interchange is followed by complete ones."""
    pieces = render_pieces(spec)
    first_isa_after = next((i for i, piece in enumerate(pieces) if i > 0 and piece.tag == "ISA"), len(pieces))
    keep = data.draw(st.integers(1, first_isa_after), label="segments kept of the first interchange")
    joined = [*pieces[:keep], *pieces[first_isa_after:]]

    result = reading_pipeline.process(prefix(spec.layout) + "".join(piece.text for piece in joined))

    written = _clm_segments(joined)
    assert (written, written) == _accounting(result)


@deterministic(max_examples=3)
@given(spec=inputs(max_interchanges=2, max_transactions=2), data=st.data())
def test_input_cut_at_a_segment_boundary_loses_no_claim_with_validation(
    validating_pipeline: Pipeline, spec: InputSpec, data: st.DataObject
) -> None:
    pieces = render_pieces(spec)
    keep = data.draw(st.integers(1, len(pieces)), label="segments kept")

    result = validating_pipeline.process(prefix(spec.layout) + "".join(piece.text for piece in pieces[:keep]))

    written = _clm_segments(pieces[:keep])
    assert (written, written) == _accounting(result)
