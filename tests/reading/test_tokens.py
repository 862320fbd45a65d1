"""Delimiters come from the ISA; the splitter tolerates what real feeds send."""

from __future__ import annotations

import pytest

from claimedit.x12.tokens import DelimiterError, decode, find_delimiters, split_segments

ISA = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240801*1200*^*00501*000000001*0*T*:~"


def test_fixed_length_isa_gives_its_four_delimiters() -> None:
    assert tuple(vars(find_delimiters(ISA)).values()) == ("*", ":", "^", "~")


def test_other_delimiters_are_read_from_their_positions() -> None:
    isa = ISA.replace("*", "|").replace(":~", ">\n").replace("|^|", "|{|")
    delimiters = find_delimiters(isa)
    assert (delimiters.element, delimiters.component, delimiters.repetition, delimiters.segment) == (
        "|",
        ">",
        "{",
        "\n",
    )


def test_trimmed_isa_is_read_by_counting_elements() -> None:
    trimmed = "ISA*00**00**ZZ*SUB*ZZ*REC*240801*1200*^*00501*000000001*0*T*:~GS*HC~"
    assert find_delimiters(trimmed).component == ":"
    assert find_delimiters(trimmed).segment == "~"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("GS*HC*A*B~", "does not start with an ISA"),
        ("ISA*00*", "truncated"),
        ("ISAA00", "not a usable delimiter"),
    ],
)
def test_unreadable_isa_raises_a_delimiter_error_naming_the_problem(text: str, reason: str) -> None:
    with pytest.raises(DelimiterError, match=reason):
        find_delimiters(text)


def test_bom_and_leading_blank_lines_are_dropped_before_the_isa() -> None:
    assert decode(b"\xef\xbb\xbf\r\n  " + ISA.encode()).startswith("ISA*")


def test_latin1_bytes_are_decoded_without_losing_a_byte() -> None:
    assert decode("NM1*IL*1*MÜLLER~".encode("latin-1")) == "NM1*IL*1*MÜLLER~"


def test_blanks_between_segments_are_dropped_and_empty_segments_kept() -> None:
    segments = split_segments("A*1~\r\n  B*2~~C*3~\n", find_delimiters(ISA))
    assert [(segment.tag, segment.index) for segment in segments] == [("A", 1), ("B", 2), ("", 3), ("C", 4)]
