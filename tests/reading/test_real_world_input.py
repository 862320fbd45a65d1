"""What other systems send, read as they send it (issue 13 "Reading what others send", issue 8's interchange cut).

Carriage-return terminators, ISA elements off their fixed widths, UTF-16/32 text, files without a
claim, rows that name their interchange, group and transaction, transactions claimedit does not read
named for what they are, and thousands of interchanges without IEA cut in one pass.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from claimedit.pipeline import Pipeline
from claimedit.replay_output import (
    ROW_SCHEMAS,
    ClaimRow,
    SharedRow,
    UnreadableRow,
    render_row_schemas,
    result_lines,
)
from claimedit.results import InputResult
from claimedit.x12.interchanges import cut_interchanges
from claimedit.x12.reader import read_input
from claimedit.x12.tokens import DelimiterError, decode_input, find_delimiters, read_isa, split_segments
from claimedit.x12.transactions import describe_transaction

from .conftest import FIXTURES, REPO

REAL_WORLD = FIXTURES / "real_world"
SINGLE = (FIXTURES / "clean" / "single_claim_premalignant_medicare.x12").read_text(encoding="ascii")
ISA = SINGLE.split("~", 1)[0]
SENDER, RECEIVER = "DERMSUBMIT01   ", "TESTCLEARING   "


def _codes(result: InputResult) -> list[list[str]]:
    return [[finding.code for finding in claim.findings] for claim in result.claims]


def _with_ids(sender: str, receiver: str) -> str:
    return SINGLE.replace(f"*{SENDER}*", f"*{sender}*", 1).replace(f"*{RECEIVER}*", f"*{receiver}*", 1)


# -- carriage return as the segment terminator ---------------------------------------------------


@pytest.mark.parametrize("after", ["", "\n", "\n  "], ids=["cr-only", "cr-lf", "cr-lf-indented"])
def test_a_carriage_return_is_read_as_the_segment_terminator(after: str) -> None:
    text = SINGLE.replace("~\n", "\r" + after)
    segments = split_segments(text, find_delimiters(text))
    expected = ("\r", ["ISA", "GS", "ST", "BHT"], 35)
    assert expected == (find_delimiters(text).segment, [s.tag for s in segments[:4]], len(segments))


@pytest.mark.parametrize("terminator", [" ", "\t"])
def test_a_space_or_tab_terminator_is_still_refused_as_padding(terminator: str) -> None:
    with pytest.raises(DelimiterError, match="cannot be told from padding"):
        find_delimiters(ISA + terminator + "GS*HC")


def test_the_indented_carriage_return_fixture_reads_clean_with_an_accepting_999(pipeline: Pipeline) -> None:
    result = pipeline.process((REAL_WORLD / "cr_terminator_indented.x12").read_bytes())
    expected = ([("RWD-CR-17000-1", "accepted"), ("RWD-CR-17110-2", "accepted")], ["A"])
    assert expected == ([(c.claim.claim_id, c.verdict) for c in result.claims], [a.ack_code for a in result.acks])


# -- ISA read by counting its 16 elements ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "receiver", "odd"),
    [
        ("DERMSUBMIT01  ", RECEIVER, ((6, 14, 15),)),
        ("DERMSUBMIT01    ", RECEIVER, ((6, 16, 15),)),
        ("DERMSUBMIT01    ", "TESTCLEARING  ", ((6, 16, 15), (8, 14, 15))),
        ("DERMSUBMIT01", "TESTCLEARING", ((6, 12, 15), (8, 12, 15))),
        ("DERMSUBMIT01     ", "TESTCLEARING ", ((6, 17, 15), (8, 13, 15))),
    ],
    ids=["sender-14", "sender-16", "16-and-14-still-106-long", "both-trimmed", "17-and-13"],
)
def test_isa_delimiters_are_found_by_counting_elements_whatever_the_id_widths(
    sender: str, receiver: str, odd: tuple[tuple[int, int, int], ...]
) -> None:
    header = read_isa(_with_ids(sender, receiver))
    delimiters = tuple(vars(header.delimiters).values())
    expected = (("*", ":", "^", "~"), odd, sender, receiver)
    assert expected == (delimiters, header.odd_widths, header.elements[5], header.elements[7])


def test_a_fixed_width_isa_has_no_odd_widths() -> None:
    assert () == read_isa(ISA + "~").odd_widths


@pytest.mark.parametrize(
    ("sender", "receiver"),
    [("DERMSUBMIT01  ", RECEIVER), ("DERMSUBMIT01    ", "TESTCLEARING  "), ("DERMSUBMIT01", "TESTCLEARING")],
    ids=["sender-14", "16-and-14", "both-trimmed"],
)
def test_an_isa_off_its_widths_is_its_own_finding_and_the_claim_is_still_read_and_validated(
    pipeline: Pipeline, sender: str, receiver: str
) -> None:
    result = pipeline.process(_with_ids(sender, receiver), "odd.x12")
    finding = result.claims[0].findings[0]
    expected = ([["SYN008"]], ["A"], "error", "file odd.x12 / interchange 000001001 / segment 1 (ISA)")
    assert expected == (_codes(result), [a.ack_code for a in result.acks], finding.severity, finding.location)
    assert "ISA06 (interchange sender id)" in finding.message
    assert sender.strip() not in finding.message  # widths are named, values are not


def test_an_id_too_long_to_trim_is_read_but_not_given_to_pyx12_padded() -> None:
    header = read_isa(_with_ids("DERMSUBMIT01ABCDEF", RECEIVER))
    expected = (((6, 18, 15),), "DERMSUBMIT01ABCDEF")
    assert expected == (header.odd_widths, header.elements[5])
    assert cut_interchanges(_with_ids("DERMSUBMIT01ABCDEF", RECEIVER))[0].isa_fixed_width is None


def test_an_isa_cut_before_isa16_is_reported_as_truncated() -> None:
    with pytest.raises(DelimiterError, match="truncated"):
        find_delimiters("ISA*00*          *00*          *ZZ*SUB~GS*HC*A*B*20240808*0930*1*X*005010X222A1~")


# -- UTF-16 and UTF-32 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "encoding", "detected_by"),
    [
        (lambda t: t.encode("utf-16"), "utf-16-le", "byte order mark"),
        (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16-be", "byte order mark"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le", "NUL bytes"),
        (lambda t: t.encode("utf-16-be"), "utf-16-be", "NUL bytes"),
        (lambda t: t.encode("utf-32"), "utf-32-le", "byte order mark"),
        (lambda t: t.encode("utf-32-le"), "utf-32-le", "NUL bytes"),
        (lambda t: t.encode("utf-32-be"), "utf-32-be", "NUL bytes"),
    ],
    ids=["utf16-bom", "utf16be-bom", "utf16le", "utf16be", "utf32-bom", "utf32le", "utf32be"],
)
def test_wide_encodings_are_recognised_and_decoded(
    encode: Callable[[str], bytes], encoding: str, detected_by: str
) -> None:
    decoded = decode_input(encode(SINGLE))
    expected = (SINGLE, encoding, detected_by, None)
    assert expected == (decoded.text, decoded.encoding, decoded.detected_by, decoded.error)


@pytest.mark.parametrize("name", ["utf16le_bom_crlf.x12", "utf16be_no_bom.x12"])
def test_a_utf16_interchange_is_read_with_a_warning_naming_its_encoding(pipeline: Pipeline, name: str) -> None:
    result = pipeline.process((REAL_WORLD / name).read_bytes())
    finding = result.claims[0].findings[0]
    expected = ([["SYN009"]], "accepted_with_warnings", ["A"])
    assert expected == (_codes(result), result.claims[0].verdict, [a.ack_code for a in result.acks])
    assert ("UTF-16LE" if "le" in name else "UTF-16BE") in finding.message


def test_undecodable_utf16_names_the_encoding_and_counts_the_claims_inside(pipeline: Pipeline) -> None:
    result = pipeline.process(SINGLE.encode("utf-16")[:-2] + b"\x00\xd8")
    (item,) = result.unreadable
    expected = (["SYN006"], 1, 1)
    assert expected == ([f.code for f in item.findings], item.claims_inside, result.claims_accounted)
    assert "UTF-16LE" in item.findings[0].message
    assert "byte order mark" in item.findings[0].message


def test_utf16_text_that_is_not_x12_says_how_it_was_decoded() -> None:
    (read,) = read_input("name,claim\nalpha,1\n".encode("utf-16"))
    assert "decoded as UTF-16LE, found by its byte order mark" in read.findings[0].message


def test_plain_ascii_is_not_taken_for_a_wide_encoding() -> None:
    decoded = decode_input(SINGLE.encode("ascii"))
    assert ("utf-8", "", False) == (decoded.encoding, decoded.detected_by, decoded.wide)


# -- a file with problems but no claim -----------------------------------------------------------


def test_a_file_with_problems_and_no_claim_yields_one_row_with_its_findings(pipeline: Pipeline) -> None:
    source = "x12_fixtures/real_world/no_claims_missing_iea.x12"
    rows = result_lines(pipeline.process((REPO / source).read_bytes(), source))
    (row,) = rows
    expected = ("unreadable", 0, "000007006", "SYN005")
    assert expected == (row["verdict"], row["claims_inside"], row["interchange_control"], row["findings"][0]["code"])
    assert "no IEA trailer" in row["findings"][0]["message"]


def test_a_clean_file_with_claims_gets_no_extra_row(pipeline: Pipeline) -> None:
    rows = result_lines(pipeline.process(SINGLE, "single.x12"))
    assert [("CLN-SINGLE-AK-0001", "accepted")] == [(row["claim_id"], row["verdict"]) for row in rows]


# -- control numbers on every row ----------------------------------------------------------------


def test_every_claim_row_names_its_interchange_group_and_transaction(pipeline: Pipeline) -> None:
    path = FIXTURES / "clean" / "multi_isa_gs_st.x12"
    rows = result_lines(pipeline.process(path.read_bytes(), "multi.x12"))
    controls = [(row["interchange_control"], row["group_control"], row["transaction_control"]) for row in rows]
    expected = (8, 4)  # 8 claims in 2 interchanges, 3 groups, 4 transactions
    assert expected == (len(controls), len(set(controls)))
    assert all(value for triple in controls for value in triple)


def test_equal_claim_ids_in_two_transactions_are_told_apart_by_their_rows(pipeline: Pipeline) -> None:
    first = SINGLE.replace("~\nSE*31*0001~", "~\nSE*31*0001~\n" + _second_transaction(), 1)
    first = first.replace("GE*1*1~", "GE*2*1~")
    rows = result_lines(pipeline.process(first, "twice.x12"))
    expected = [("CLN-SINGLE-AK-0001", "0001"), ("CLN-SINGLE-AK-0001", "0002")]
    assert expected == [(row["claim_id"], row["transaction_control"]) for row in rows]


def _second_transaction() -> str:
    body = SINGLE.split("ST*837*0001*005010X222A1~\n", 1)[1].split("SE*31*0001~", 1)[0]
    return f"ST*837*0002*005010X222A1~\n{body}SE*31*0002~"


def test_committed_replay_row_schemas_are_current() -> None:
    folder = REPO / "docs" / "schemas" / "replay"
    committed = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.schema.json")}
    assert render_row_schemas() == committed, "regenerate docs/schemas/replay from claimedit.replay_output"


def test_every_golden_row_matches_its_schema() -> None:
    checked = 0
    for golden in sorted(FIXTURES.rglob("*.jsonl")):
        for raw in golden.read_text(encoding="utf-8").splitlines():
            row = json.loads(raw)
            model = {"unreadable": UnreadableRow, "shared": SharedRow}.get(row["verdict"], ClaimRow)
            model.model_validate(row)  # raises on a missing, extra or mistyped field
            checked += 1
    assert checked > 100
    assert {"claim-row.schema.json", "unreadable-row.schema.json", "shared-row.schema.json"} == set(ROW_SCHEMAS)


# -- SYN002 names the transaction ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("st01", "version", "named"),
    [
        ("837", "005010X223A2", "an 837I (institutional claim"),
        ("837", "005010X224A2", "an 837D (dental claim"),
        ("837", "005010X291", "an 837 X291 (professional predetermination"),
        ("837", "005010X298A1", "an 837 X298 (post-adjudicated claims data reporting: professional"),
        ("837", "004010X098A1", "a 4010 837P (professional claim in the retired 4010 version"),
        ("837", "004010X096A1", "a 4010 837I (institutional claim"),
        ("835", "005010X221A1", "an 835 (claim payment/advice"),
        ("850", "004010", "a 4010 850 transaction claimedit does not know"),
    ],
)
def test_an_unsupported_transaction_is_named_from_st01_and_its_guide_id(st01: str, version: str, named: str) -> None:
    assert describe_transaction(st01, version).startswith(named)


def test_the_dental_fixture_is_reported_as_an_837d_with_its_claim_counted(pipeline: Pipeline) -> None:
    result = pipeline.process((REAL_WORLD / "dental_837d_005010X224A2.x12").read_bytes())
    (item,) = result.unreadable
    expected = (["SYN002"], 1, ["R"])
    assert expected == ([f.code for f in item.findings], item.claims_inside, [a.ack_code for a in result.acks])
    named = "This transaction is an 837D (dental claim, ST01 837, version 005010X224A2)"
    assert item.findings[0].message.startswith(named)


# -- issue 8: the interchange cut in one pass ----------------------------------------------------


def _best_of_three(action: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def test_four_thousand_interchanges_without_iea_are_cut_in_linear_time() -> None:
    without_iea = SINGLE.replace("IEA*1*000001001~\n", "")
    text = without_iea * 4000  # 5.5 MB; the old cut searched for an IEA to the end of the text: ~7 s here
    chunks = cut_interchanges(text)
    assert (4000, {35 - 1}) == (len(chunks), {len(chunk.segments) for chunk in chunks})
    delimiters = find_delimiters(text)
    cut = _best_of_three(lambda: cut_interchanges(text))
    split = _best_of_three(lambda: split_segments(text, delimiters))  # linear reference in the same run
    assert cut < 8 * split, f"cut {cut:.3f}s against a plain split of {split:.3f}s"


def test_each_interchange_without_iea_is_read_and_reported(pipeline: Pipeline) -> None:
    text = SINGLE.replace("IEA*1*000001001~\n", "") * 3
    reads = read_input(text)
    expected = [["SYN005"]] * 3
    assert expected == [[f.code for f in read.findings] for read in reads]
    assert 3 == sum(len(tx.claims) for read in reads for tx in read.transactions)


def test_real_world_fixtures_are_ours_and_have_goldens() -> None:
    fixtures = sorted(path.name for path in REAL_WORLD.glob("*.x12"))
    assert len(fixtures) >= 7
    assert [name for name in fixtures if not (REAL_WORLD / name).with_suffix(".jsonl").exists()] == []


def test_a_claimless_transaction_beside_claims_gets_its_own_row_with_its_errors(pipeline: Pipeline) -> None:
    header = SINGLE.split("ST*837*0001*005010X222A1~\n", 1)[1].split("CLM*", 1)[0]
    claimless = f"ST*837*0002*005010X222A1~\n{header}SE*99*0002~\n"
    text = SINGLE.replace("GE*1*1~", f"{claimless}GE*2*1~")
    rows = result_lines(pipeline.process(text, "two.x12"))
    (row,) = [row for row in rows if row["claim_id"] is None]
    expected = (2, "unreadable", 0, ("000001001", "1", "0002"), ["SYN001"])
    assert expected == (
        len(rows),
        row["verdict"],
        row["claims_inside"],
        (row["interchange_control"], row["group_control"], row["transaction_control"]),
        [finding["code"] for finding in row["findings"]],
    )
    assert "SE count of 99" in row["findings"][0]["message"]
