"""The pipeline feeds the compiled guide the reader's own segments, and that is the same as feeding it pyx12's text.

``text_for_pyx12`` hands its sink a Segment per kept segment: the reader's object where the text pyx12 reads
is the text read (nothing split twice), a new one where it is rewritten (fixed-width ISA, ST03/GS08 A2 read
as A1, IEA01, the stub SE of a transaction rejected before validation). The differential tests feed the
guide the segments of pyx12's text cut again from scratch; these tests hold the pipeline's way to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimedit.validation.gate import Guide
from claimedit.validation.guide_feed import GuideFeed
from claimedit.validation.pyx12_text import text_for_pyx12
from claimedit.x12.reader import InterchangeRead, read_input
from claimedit.x12.tokens import Segment, read_isa, split_segments

from .conftest import FIXTURES, case_files, fixture_files
from .differential import normalised_ack

ERRATA = FIXTURES / "malformed" / "errata_gs08_005010X222A2.x12"


def _reads(path: Path) -> list[InterchangeRead]:
    return [read for read in read_input(path.read_bytes(), path.name) if read.supported_groups]


def _fed(read: InterchangeRead) -> tuple[str, list[Segment]]:
    fed: list[Segment] = []
    return text_for_pyx12(read, fed.append), fed


@pytest.mark.parametrize("path", fixture_files() + case_files(), ids=lambda path: path.name)
def test_each_segment_handed_on_is_the_text_pyx12_reads_split_and_the_readers_own_when_unchanged(path: Path) -> None:
    for read in _reads(path):
        delimiters = read.chunk.delimiters
        assert delimiters is not None
        text, fed = _fed(read)
        read_by_index = {segment.index: segment for segment in read.chunk.segments}

        assert [line.rstrip(delimiters.segment) for line in text.splitlines()] == [segment.raw for segment in fed]
        for segment in fed:
            assert segment.elements == segment.raw.split(delimiters.element)
            source = read_by_index.get(segment.index)
            if source is not None and source.raw == segment.raw:
                assert segment is source


def test_rewritten_segments_are_new_ones_and_the_readers_are_left_as_read() -> None:
    [read] = _reads(ERRATA)
    gs_read = next(segment for segment in read.chunk.segments if segment.tag == "GS")
    as_read = (gs_read.raw, list(gs_read.elements))

    _, fed = _fed(read)

    gs_fed = next(segment for segment in fed if segment.tag == "GS")
    assert gs_fed is not gs_read
    assert gs_fed.get(8) == "005010X222A1"
    assert (gs_read.raw, gs_read.elements) == as_read
    assert gs_read.get(8) == "005010X222A2"


@pytest.mark.parametrize("path", fixture_files() + case_files(), ids=lambda path: path.name)
def test_the_guide_fed_as_the_pipeline_feeds_it_answers_as_when_fed_pyx12s_text_cut_again(
    path: Path, guide_under_test: Guide
) -> None:
    for read in _reads(path):
        delimiters = read.chunk.delimiters
        assert delimiters is not None
        feed = GuideFeed(guide_under_test, delimiters)
        text = text_for_pyx12(read, feed.take)

        header = read_isa(text)
        segments = [segment for segment in split_segments(text, header.delimiters) if segment.elements]
        check = guide_under_test.open(segments[0], header.delimiters)
        for segment in segments[1:]:
            check.feed(segment)

        assert feed.clean == check.clean
        assert [normalised_ack(ack) for ack in feed.acks()] == [normalised_ack(ack) for ack in check.acks()]
