"""The next interchange's ISA is found by ``str.find`` where a pattern used to search: both must agree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from claimedit.x12.interchanges import interchange_end_patterns, next_isa_start
from claimedit.x12.tokens import Delimiters

_PIECES = ["ISA", "ISA*", "ISA|", "IEA*", "~", "\n", "\r", " ", "\t", "*", "|", "A", "1", "S"]
_PIECES += ["\u00a0", "\x1c", "\u00e9", "\ufb01"]  # Unicode blanks and letters: the pattern's \s and [A-Za-z0-9]


def _pattern_start(text: str, start: int, delimiters: Delimiters) -> int:
    found = interchange_end_patterns(delimiters)[1].search(text, start)
    return -1 if found is None else found.start()


@settings(max_examples=3000, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=30),
    start=st.integers(0, 40),
    terminator=st.sampled_from(["~", "\n", "\r", "|"]),
)
def test_next_isa_start_finds_what_the_pattern_finds(pieces: list[str], start: int, terminator: str) -> None:
    text = "".join(pieces)
    delimiters = Delimiters(element="*", segment=terminator)
    assert _pattern_start(text, start, delimiters) == next_isa_start(text, start, terminator)


def test_next_isa_start_skips_isa_inside_a_value_and_after_other_text() -> None:
    text = "NM1*LISA*X~N3*ISA STREET~  \r\n ISA*00~"
    assert next_isa_start(text, 0, "~") == text.index("~  \r\n ISA")
    assert next_isa_start("ABC ISA*", 0, "~") == -1
    assert next_isa_start("~ISA1~ISA\n~\nISA:", 0, "~") == 10
