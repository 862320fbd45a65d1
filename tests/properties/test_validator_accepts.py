"""pyx12 accepts what the writer writes: the other properties stand on valid 005010X222A1 input."""

from __future__ import annotations

from hypothesis import given

from claimedit.pipeline import Pipeline

from .claim_strategies import inputs
from .profile import deterministic
from .x12_writer import InputSpec, render


@deterministic(max_examples=8)
@given(spec=inputs(max_interchanges=2, max_groups=2, max_transactions=2))
def test_pyx12_accepts_every_group_the_writer_writes(validating_pipeline: Pipeline, spec: InputSpec) -> None:
    result = validating_pipeline.process(render(spec))

    groups = sum(len(interchange.groups) for interchange in spec.interchanges)
    syntax = [
        finding.message for item in result.claims for finding in item.findings if finding.category == "x12-syntax"
    ]
    assert (["A"] * groups, []) == ([ack.ack_code for ack in result.acks], syntax)
