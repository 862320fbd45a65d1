"""The compiled guide and pyx12, each loaded once, and the way the pipeline feeds them the same interchange."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from claimedit.results import GroupAck
from claimedit.validation.guide import CompiledGuide, load_guide
from claimedit.validation.pyx12 import Pyx12Validator
from claimedit.validation.pyx12_text import text_for_pyx12
from claimedit.x12.reader import read_input
from claimedit.x12.tokens import read_isa, split_segments


@dataclass(frozen=True)
class Verdicts:
    """What the guide and pyx12 say of one interchange, fed the same text."""

    guide_clean: bool
    """clean after the last segment, with the IEA seen (acks given)."""
    guide_acks: list[GroupAck]
    pyx12_clean: bool
    pyx12_acks: list[GroupAck]


def texts_for_pyx12(data: bytes | str) -> list[str]:
    """Each supported interchange of ``data`` as the pipeline hands it to pyx12."""
    return [text_for_pyx12(read) for read in read_input(data) if read.supported_groups]


def guide_verdict(guide: CompiledGuide, text: str) -> tuple[bool, list[GroupAck]]:
    """The guide fed ``text`` split as the pipeline splits it: clean after the IEA, and its acks."""
    header = read_isa(text)
    segments = [segment for segment in split_segments(text, header.delimiters) if segment.elements]
    check = guide.open(segments[0], header.delimiters)
    for segment in segments[1:]:
        check.feed(segment)
    acks = check.acks()
    return check.clean and bool(acks), acks


def judge(guide: CompiledGuide, validator: Pyx12Validator, text: str) -> Verdicts:
    clean, acks = guide_verdict(guide, text)
    report = validator.validate(text)
    pyx12_clean = not report.errors and not report.fatal and all(ack.ack_code == "A" for ack in report.acks)
    return Verdicts(clean, acks, pyx12_clean, report.acks)


@pytest.fixture(scope="session")
def guide() -> CompiledGuide:
    return load_guide()


@pytest.fixture(scope="session")
def validator() -> Pyx12Validator:
    return Pyx12Validator()


@pytest.fixture(scope="session")
def pyx12_texts() -> Callable[[bytes | str], list[str]]:
    """Each supported interchange of the input as the pipeline hands it to pyx12."""
    return texts_for_pyx12


@pytest.fixture(scope="session")
def guide_clean(guide: CompiledGuide) -> Callable[[str], bool]:
    """Whether the guide alone calls ``text`` clean (pyx12 not run)."""
    return lambda text: guide_verdict(guide, text)[0]


@pytest.fixture(scope="session")
def verdicts(guide: CompiledGuide, validator: Pyx12Validator) -> Callable[[str], Verdicts]:
    return lambda text: judge(guide, validator, text)
