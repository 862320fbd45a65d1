"""The pipeline feeds the compiled guide the reader's own segments, and that is the same as feeding it pyx12's text.

``text_for_pyx12`` hands its sink a Segment per kept segment: the reader's object where the text pyx12 reads
is the text read (nothing split twice), a new one where it is rewritten (fixed-width ISA, ST03/GS08 A2 read
as A1, IEA01, the stub SE of a transaction rejected before validation). The differential tests feed the
guide the segments of pyx12's text cut again from scratch; these tests hold the pipeline's way to it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from claimedit.validation.gate import Guide
from claimedit.validation.guide._ack import _clock
from claimedit.validation.guide_feed import GuideFeed
from claimedit.validation.pyx12_text import KeptRuns, Pyx12Text, segments_for_pyx12, text_for_pyx12
from claimedit.x12.reader import InterchangeRead, read_input
from claimedit.x12.spool import text_file
from claimedit.x12.tokens import Delimiters, Segment, read_isa, split_segments

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


def _segments_of(text: str) -> tuple[Segment, Delimiters, list[Segment]]:
    header = read_isa(text)
    segments = [segment for segment in split_segments(text, header.delimiters) if segment.elements]
    return segments[0], header.delimiters, segments[1:]


@pytest.mark.parametrize("path", fixture_files() + case_files(), ids=lambda path: path.name)
def test_feeding_all_segments_at_once_or_in_runs_answers_as_feeding_them_one_by_one(
    path: Path, guide_under_test: Guide, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GuideFeed, "RUN", 3)
    for read in _reads(path):
        isa, delimiters, rest = _segments_of(text_for_pyx12(read))
        one_by_one = guide_under_test.open(isa, delimiters)
        for segment in rest:
            one_by_one.feed(segment)
        at_once = guide_under_test.open(isa, delimiters)
        at_once.feed_all(rest)
        in_runs = GuideFeed(guide_under_test, delimiters)
        for segment in [isa, *rest]:
            in_runs.take(segment)

        expected = (one_by_one.clean, [normalised_ack(ack) for ack in one_by_one.acks()])
        assert expected == (at_once.clean, [normalised_ack(ack) for ack in at_once.acks()])
        assert expected == (in_runs.clean, [normalised_ack(ack) for ack in in_runs.acks()])


@pytest.mark.parametrize("path", fixture_files() + case_files(), ids=lambda path: path.name)
def test_pyx12_text_take_all_keeps_what_take_keeps_one_by_one(path: Path) -> None:
    for read in read_input(path.read_bytes(), path.name):
        delimiters = read.chunk.delimiters
        if delimiters is None:
            continue
        early = {tx.location.segment_index for tx in read.transactions if tx.rejected_early}
        kept: dict[str, list[Segment]] = {"take": [], "take_all": []}
        writers = {
            way: Pyx12Text(
                delimiters,
                isa_fixed_width=read.chunk.isa_fixed_width,
                supported=read.supported_groups,
                early=early,
                sink=kept[way].append,
            )
            for way in kept
        }
        for segment in read.chunk.segments:
            writers["take"].take(segment)
        writers["take_all"].take_all(read.chunk.segments)
        for writer in writers.values():
            writer.finish()

        assert [(s.index, s.raw) for s in kept["take"]] == [(s.index, s.raw) for s in kept["take_all"]]


@pytest.mark.parametrize("path", fixture_files() + case_files(), ids=lambda path: path.name)
def test_kept_runs_write_pyx12s_text_and_hand_on_every_segment_in_order(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(KeptRuns, "RUN", 4)
    for read in _reads(path):
        delimiters = read.chunk.delimiters
        assert delimiters is not None
        expected = segments_for_pyx12(read)
        handed_on: list[Segment] = []
        with text_file() as file:
            runs = KeptRuns(file, delimiters, handed_on.extend)
            for segment in expected:
                runs.take(segment)
            runs.finish()
            file.seek(0)
            written = file.read()

        assert text_for_pyx12(read) == written
        assert expected == handed_on
        assert len(expected) == runs.kept


def test_the_999s_clock_fields_are_the_current_second_read_once() -> None:
    before = time.strftime("%y%m%d %H%M %Y%m%d %H%M%S").split()
    fields = list(_clock())
    after = time.strftime("%y%m%d %H%M %Y%m%d %H%M%S").split()

    assert fields in (before, after)
    assert fields == list(_clock()) or fields != after  # the same second answers from the one reading
