"""No patient or subscriber value reaches a replay row or a log line, whatever pyx12 says about it.

Every PHI value below carries the marker ``PHI`` (or is a birth date or phone number listed apart), in
the segments of the subscriber (2000B/2010BA), patient (2000C/2010CA) and other-subscriber (2330A)
loops, malformed in the ways pyx12 quotes: invalid dates, names and ids too long, values failing a
pattern, segments out of place, garbled lines, stray segments. Messages still name the element.
"""

from __future__ import annotations

import json
import logging

import pytest

from claimedit.pipeline import Pipeline
from claimedit.replay_output import result_lines
from claimedit.validation.pyx12 import redact_values

from .test_hostile_shapes import SHAPES

LONG_NAME = "PHILONGLASTNAME" * 6
MEMBER_ID = "PHIMEMBERID" + "0123456789" * 9
NOT_MARKED = ("19511302", "20201399", "19510101", "5559876543")
"""PHI values without the marker: birth dates and a phone number."""

SUBSCRIBER = [
    "HL*2*1*22*1",
    "SBR*P********MB",
    f"NM1*IL*1*{LONG_NAME}*PHIFIRSTNAME****MI*{MEMBER_ID}",
    "N3*12 PHIELMSTREET*APT PHI7",
    "N4*PHISPRINGFIELD*OH*4300PHI",
    "DMG*D8*19511302*F",
    "REF*SY*PHI12345678",
    "PER*IC*PHICONTACTNAME*TE*5559876543",
    "N3*99 PHIMISPLACEDSTREET",
    "NM1*PR*2*FICTIONAL MEDICARE CONTRACTOR*****PI*99901",
]
PATIENT = [
    "HL*3*2*23*0",
    "PAT*19",
    "NM1*QC*1*PHIKIDLASTNAME*PHIKIDFIRST*PHIMIDDLE",
    "N3*5 PHIKIDSTREET\x07",
    "N4*PHIKIDTOWN*OH*43000",
    "DMG*D8*20201399*M",
    "PHI GARBLED JOHN SMITH 19510101",
]
OTHER_SUBSCRIBER = [
    "SBR*S*18*PHIGROUPNUMBER******CI",
    "OI***Y*P**Y",
    f"NM1*IL*1*PHIOTHERNAME{LONG_NAME}*PHIOTHERFIRST****MI*PHIOTHERID",
    "N3*PHIOTHERSTREET  ",
    "N4*PHIOTHERCITY*OH*43PHI",
    "REF*SY*PHIOTHERSSN",
]


def _with_other_subscriber(claim: list[str]) -> list[str]:
    at = claim.index("LX*1")
    return [*claim[:at], *OTHER_SUBSCRIBER, *claim[at:]]


INPUTS = {
    "subscriber": [*SUBSCRIBER, *SHAPES.claim_block("CLAIM-S1")],
    "patient": [*SUBSCRIBER[:2], "NM1*IL*1*PHISUB", *SUBSCRIBER[-1:], *PATIENT, *SHAPES.claim_block("CLAIM-P1")],
    "other subscriber": [*SUBSCRIBER[:2], "NM1*IL*1*PHISUB", *SUBSCRIBER[-1:], *_with_other_subscriber(
        SHAPES.claim_block("CLAIM-O1")
    )],
    "unreadable line number": [*SUBSCRIBER, *SHAPES.claim_block("CLAIM-U1")[:4], "LX*PHIJOHN", "SV1*HC:17000*1*UN*1"],
}  # fmt: skip


def _text(body: list[str]) -> str:
    transaction = SHAPES.transaction("0001", ["HL*1**20*1", *SHAPES.BILLING, *body])
    stray = ["NM1*IL*1*PHISTRAYNAME", "PHI STRAY JOHN SMITH 19510101"]
    return SHAPES.interchange([transaction], between=stray)


def _phi_in(text: str) -> list[str]:
    return [value for value in ("PHI", *NOT_MARKED) if value in text]


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_no_phi_value_reaches_a_replay_row_or_a_log_line_at_debug(
    pipeline: Pipeline, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    text = _text(INPUTS[name])
    assert "PHI" in text

    with caplog.at_level(logging.DEBUG):
        lines = result_lines(pipeline.process(text, f"{name}.x12"))

    rows = json.dumps(lines)
    logged = "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)
    assert ([], []) == (_phi_in(rows), _phi_in(logged))
    assert [] != [finding for line in lines for finding in line["findings"] if finding["code"] in ("SYN001", "SYN007")]


def test_the_messages_still_name_the_element_and_what_is_wrong(pipeline: Pipeline) -> None:
    lines = result_lines(pipeline.process(_text(INPUTS["subscriber"]), "subscriber.x12"))
    messages = [finding["message"] for line in lines for finding in line["findings"]]

    expected = [
        'Implementation guide: Data element "Subscriber Last Name" (NM103) is too long: len(…) = 90 > 60 (max_len) '
        "(pyx12 error 5).",
        'Implementation guide: Data element "Subscriber Birth Date" (DMG02) contains an invalid date (…) '
        "(pyx12 error 8).",
        'Implementation guide: Data element "Subscriber Supplemental Identifier" with a value of (…) failed to match '
        'the regular expression "[0-9]{9}" (pyx12 error 7).',
    ]
    assert [] == [message for message in expected if message not in messages]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            'Data element "Name Last or Organization Name" (NM103) is marked as Not Used',
            'Data element "Name Last or Organization Name" (NM103) is marked as Not Used',
        ),
        (
            'Mandatory data element "Patient Birth Date" (DMG02) is missing',
            'Mandatory data element "Patient Birth Date" (DMG02) is missing',
        ),
        (
            'Data element "Address Information" (N301) is too short: len("A") = 1 < 2 (min_len)',
            'Data element "Address Information" (N301) is too short: len(…) = 1 < 2 (min_len)',
        ),
        ("(QQ) is not a valid code for Entity Code (NM101)", "(…) is not a valid code for Entity Code (NM101)"),
        ("Segment N3*12 ELM STREET not found.  Started at /X/2010BA", "Segment N3 not found.  Started at /X/2010BA"),
        (
            'Data element "Address Information" (N301) has unnecessary trailing spaces. (ELM )',
            'Data element "Address Information" (N301) has unnecessary trailing spaces. (…)',
        ),
    ],
)  # fmt: skip
def test_redaction_keeps_element_names_and_drops_values(message: str, expected: str) -> None:
    assert expected == redact_values(message)
