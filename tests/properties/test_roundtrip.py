"""Random valid claims written as X12 with random delimiters and layout come back from the reader unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claimedit.x12.reader import read_claims

from .claim_strategies import inputs
from .claim_views import expected_views, read_view
from .profile import deterministic
from .x12_writer import InputSpec, render


def _as_sent(text: str, as_bytes: bool) -> bytes | str:
    return text.encode("utf-8") if as_bytes else text


@deterministic(max_examples=150)
@given(spec=inputs(), as_bytes=st.booleans())
def test_every_written_field_reads_back_equal(spec: InputSpec, as_bytes: bool) -> None:
    claims = read_claims(_as_sent(render(spec), as_bytes))

    assert expected_views(spec) == [read_view(claim) for claim in claims]


@deterministic(max_examples=30)
@given(spec=inputs(max_interchanges=3, max_groups=2, max_transactions=2), as_bytes=st.booleans())
def test_claims_of_several_interchanges_groups_and_transactions_read_back_in_order(
    spec: InputSpec, as_bytes: bool
) -> None:
    claims = read_claims(_as_sent(render(spec), as_bytes))

    assert expected_views(spec) == [read_view(claim) for claim in claims]
