"""Properties of reading what others send: any ISA id widths, any delimiters, any wide encoding, any cut."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimedit.x12.interchanges import cut_interchanges
from claimedit.x12.tokens import ISA_ELEMENTS, decode_input, read_isa

EXAMPLES = settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ID_CHARS = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .")
DELIMITER_SETS = st.sampled_from(
    [("*", ":", "^", "~"), ("|", ">", "{", "\n"), ("*", ":", "^", "\r"), ("!", "^", "`", "'"), ("*", "<", "^", "~")]
)


def _isa(sender: str, receiver: str, control: int, delimiters: tuple[str, str, str, str]) -> str:
    element, component, repetition, terminator = delimiters
    values = [
        "00", " " * 10, "00", " " * 10, "ZZ", sender, "ZZ", receiver, "241015", "1015",
        repetition, "00501", f"{control:09d}", "0", "T", component,
    ]  # fmt: skip
    return "ISA" + element + element.join(values) + terminator


@EXAMPLES
@given(
    sender=st.text(ID_CHARS, min_size=1, max_size=20),
    receiver=st.text(ID_CHARS, min_size=1, max_size=20),
    delimiters=DELIMITER_SETS,
)
def test_any_id_widths_give_the_declared_delimiters_and_name_exactly_the_odd_elements(
    sender: str, receiver: str, delimiters: tuple[str, str, str, str]
) -> None:
    header = read_isa(_isa(sender, receiver, 1, delimiters) + "GS")
    widths = {6: len(sender), 8: len(receiver)}
    expected_odd = tuple((n, w, ISA_ELEMENTS[n - 1][0]) for n, w in sorted(widths.items()) if w != 15)
    expected = (delimiters, sender, receiver, expected_odd)
    actual_delimiters = (
        header.delimiters.element,
        header.delimiters.component,
        header.delimiters.repetition,
        header.delimiters.segment,
    )
    assert expected == (actual_delimiters, header.elements[5], header.elements[7], header.odd_widths)


@EXAMPLES
@given(
    body=st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*:~ \r\n"), max_size=200),
    encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8"]),
)
def test_an_interchange_in_any_unicode_encoding_decodes_to_the_same_text(body: str, encoding: str) -> None:
    text = _isa("SENDER".ljust(15), "RECEIVER".ljust(15), 1, ("*", ":", "^", "~")) + body
    assert text == decode_input(text.encode(encoding)).text


@EXAMPLES
@given(
    shapes=st.lists(
        st.tuples(st.integers(1, 20), st.integers(1, 20), DELIMITER_SETS, st.booleans()), min_size=1, max_size=6
    ),
)
def test_interchanges_with_or_without_iea_are_cut_one_chunk_each_with_their_own_delimiters(
    shapes: list[tuple[int, int, tuple[str, str, str, str], bool]],
) -> None:
    pieces = []
    for control, (sender, receiver, delimiters, with_iea) in enumerate(shapes, start=1):
        element, _, _, terminator = delimiters
        segments = [f"GS{element}HC{element}S{element}R", f"GE{element}1{element}{control}"]
        if with_iea:
            segments.append(f"IEA{element}1{element}{control:09d}")
        body = "".join(segment + terminator for segment in segments)
        pieces.append(_isa("S" * sender, "R" * receiver, control, delimiters) + body)
    chunks = cut_interchanges("\n".join(pieces))
    expected = [(d[0], d[3], 3 + w) for _, _, d, w in shapes]
    actual = [(c.delimiters.element, c.delimiters.segment, len(c.segments)) if c.delimiters else None for c in chunks]
    assert expected == actual
