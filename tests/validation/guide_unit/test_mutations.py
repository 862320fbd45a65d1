"""One targeted change per rule kind to a clean claim: the guide says not clean, and pyx12 finds the error too.

The changes are made to the text the pipeline hands to pyx12; SE01 is recounted after a segment is added
or removed, so that each case breaks the one rule it names.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from claimedit_test_support import REPO

from claimedit.x12.tokens import read_isa, split_segments

SINGLE = REPO / "x12_fixtures" / "clean" / "single_claim_premalignant_medicare.x12"

MUTATIONS: dict[str, tuple[str, str]] = {
    "code not in the element's list (SBR01)": ("SBR*P*18*", "SBR*Q*18*"),
    "element too long (REF02 over 50)": ("REF*EI*990000001", "REF*EI*" + "9" * 51),
    "element too short (N403 under 3)": ("N4*ANYTOWN*OH*430000001~\nREF*EI", "N4*ANYTOWN*OH*43~\nREF*EI"),
    "required segment missing (2010AA N4)": ("N4*ANYTOWN*OH*430000001~\nREF*EI*990000001~\n", "REF*EI*990000001~\n"),
    "segment over its max use (HI)": ("HI*ABK:L570~\n", "HI*ABK:L570~\nHI*ABK:L570~\n"),
    "wrong SE01 segment count": ("SE*31*0001", "SE*30*0001"),
    "SE02 not the ST02": ("SE*31*0001", "SE*31*0002"),
    "wrong GE01 transaction count": ("GE*1*1", "GE*2*1"),
    "GE02 not the GS06": ("GE*1*1", "GE*1*2"),
    "wrong IEA02 control number": ("IEA*1*000001001", "IEA*1*000001002"),
    "wrong IEA01 group count": ("IEA*1*000001001", "IEA*2*000001001"),
    "impossible service date (DTP03 D8)": (
        "DTP*472*D8*20240805~\nREF*6R*SNG0001-1",
        "DTP*472*D8*20240231~\nREF*6R*SNG0001-1",
    ),
    "impossible birth date (DMG02 typed by DMG01)": ("DMG*D8*19470312", "DMG*D8*19471312"),
    "HL02 names no open parent": ("HL*2*1*22*0", "HL*2*3*22*0"),
    "HL01 out of sequence": ("HL*2*1*22*0", "HL*3*1*22*0"),
    "LX01 out of sequence": ("LX*2", "LX*3"),
    "paired elements half present (NM108 without NM109)": (
        "NM1*85*2*FICTIONAL DERMATOLOGY GROUP*****XX*1900000104",
        "NM1*85*2*FICTIONAL DERMATOLOGY GROUP*****XX",
    ),
    "character outside the extended set": ("N3*1 FICTION LANE", "N3*1 FICTIÓN LANE"),
    "control character in a value": ("N3*1 FICTION LANE", "N3*1 FICTION\x07LANE"),
    "component separator in a simple element": ("PRV*BI*PXC*207N00000X", "PRV*BI*PXC*207N:00000X"),
    "too many elements": ("REF*EI*990000001", "REF*EI*990000001*X*Y*Z"),
    "trailing element separator": ("N3*100 PRETEND PLAZA SUITE 1", "N3*100 PRETEND PLAZA SUITE 1*"),
    "segment the map does not know": ("SE*31*0001", "ZZZ*1~\nSE*31*0001"),
    "element marked not used (CLM03)": ("CLM*CLN-SINGLE-AK-0001*173***", "CLM*CLN-SINGLE-AK-0001*173*X**"),
    "mandatory element empty (CLM02)": ("CLM*CLN-SINGLE-AK-0001*173*", "CLM*CLN-SINGLE-AK-0001**"),
    "decimal with letters (SV104 R)": ("SV1*HC:17000*125*UN*1***1", "SV1*HC:17000*125*UN*A***1"),
    "code in a composite not in its list (SV101-1)": ("SV1*HC:17000*", "SV1*ZZ:17000*"),
    "trailing spaces in a text element": ("N4*ANYTOWN*OH*430000001~\nREF*EI", "N4*ANYTOWN  *OH*430000001~\nREF*EI"),
    "interchange version pyx12 does not read (ISA12)": ("*^*00501*", "*^*00502*"),
    "segment without a value (PAT)": ("SBR*P*18*******MB~\n", "SBR*P*18*******MB~\nPAT~\n"),
    "no GS after the ISA": ("~\nGS*HC*DERMSUBMIT01*TESTCLEARING*20240808*0930*1*X*005010X222A1", ""),
    "second ST with the same control number": ("SE*31*0001~\n", "SE*31*0001~\nST*837*0001*005010X222A1~\nSE*2*0001~\n"),
}


def _recount(text: str) -> str:
    """SE01 set to the transaction's segment count (ST to SE), for changes aimed at another rule."""
    segments = text.split("~\n")
    start = next(index for index, segment in enumerate(segments) if segment.startswith("ST*"))
    end = next(index for index, segment in enumerate(segments) if segment.startswith("SE*"))
    fields = segments[end].split("*")
    fields[1] = str(end - start + 1)
    segments[end] = "*".join(fields)
    return "~\n".join(segments)


@pytest.fixture(scope="module")
def single(pyx12_texts: Callable[[bytes | str], list[str]]) -> str:
    (text,) = pyx12_texts(SINGLE.read_bytes())
    return text


def test_the_unchanged_claim_is_clean_for_both(single: str, verdicts: Callable[[str], Any]) -> None:
    found = verdicts(single)
    assert (True, True) == (found.guide_clean, found.pyx12_clean)


@pytest.mark.parametrize("rule", list(MUTATIONS))
def test_one_broken_rule_makes_the_guide_fall_back_and_pyx12_agrees(
    rule: str, single: str, verdicts: Callable[[str], Any]
) -> None:
    old, new = MUTATIONS[rule]
    assert old in single
    changed = single.replace(old, new, 1)
    if "SE*" not in old:
        changed = _recount(changed)
    found = verdicts(changed)
    assert (False, False) == (found.guide_clean, found.pyx12_clean)


def test_a_repetition_separator_inside_an_element_falls_back_to_pyx12(
    single: str, verdicts: Callable[[str], Any]
) -> None:
    """pyx12 reads no repetitions; the guide does not guess what it makes of one: pyx12 decides."""
    found = verdicts(single.replace("N3*1 FICTION LANE", "N3*1 FICTION^LANE", 1))
    assert not found.guide_clean


def test_no_sequence_of_segments_makes_the_check_raise(single: str, guide: Any) -> None:
    """Segments in any order, cut anywhere, garbled: the check answers (not clean), it never raises."""
    header = read_isa(single)
    segments = [segment for segment in split_segments(single, header.delimiters) if segment.elements]
    pieces = [*segments[1:], *split_segments("ZZ~HL~HL*1*~LX~SE~GE~IEA~ST~GS*HC~NM1*:*~CLM**~*~", header.delimiters)]
    rng = random.Random(12)
    for _ in range(300):
        check = guide.open(segments[0], header.delimiters)
        for segment in rng.sample(pieces, rng.randint(1, 12)):
            check.feed(segment)
        assert isinstance(check.clean, bool)
        assert isinstance(check.acks(), list)
