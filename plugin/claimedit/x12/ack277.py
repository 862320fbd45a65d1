"""The 277CA (005010X214) claim acknowledgment for one rejected claim.

Structure: information source (2000A, the plugin acting for the 837's receiver), information receiver
(2000B, the submitter), billing provider (2000C) and patient (2000D) with the claim's status:
``TRN02`` is CLM01, ``STC01`` carries category A7 (invalid information) or A8 (relational field in
error) with a status code per finding category (claimedit_edits ``categories.toml``), up to three per STC.
A rejection that comes from a service line also gets a 2220D loop: ``SVC`` with the line's procedure,
the line's ``STC``, and the line item control number the 837 sent in ``REF*6R``, echoed as
``REF*FJ`` (the qualifier X214 prescribes for the 2220D line item control number).

The 277CA holds PHI (the patient's name and member id in 2100D): event payload only, never logs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from claimedit.results import ClaimResult
from claimedit.x12.parsed import ClaimSegments
from claimedit.x12.split import delimiters_of, isa_around_control
from claimedit_edits.catalogue import category_catalogue
from claimedit_edits.model import Claim, Envelope, Finding, ServiceLine

__all__ = ["Ack277Frame", "StatusCode", "ack277_frame", "status_code_for", "write_277ca"]

_VERSION = "005010X214"
_ST02 = "0001"


@dataclass(frozen=True)
class StatusCode:
    category: str
    status: str


def status_code_for(finding: Finding) -> StatusCode:
    """The STC category and status code for a rejection finding (line or claim level), from the catalogue."""
    catalogue = category_catalogue()
    row = catalogue.categories.get(finding.category, catalogue.default)
    return StatusCode(row.stc_category, row.line_status if finding.line is not None else row.claim_status)


def _amount(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _stc(sep: str, comp: str, statuses: list[StatusCode], date: str, charge: str | None) -> str:
    """STC with the first status in STC01 and up to two more in STC10/STC11."""
    unique = list(dict.fromkeys(statuses))  # first occurrence order, in one pass
    composites = [comp.join([status.category, status.status]) for status in unique[:3]]
    elements = ["STC", composites[0], date, "U", charge or ""]
    if len(composites) > 1:
        elements += ["", "", "", "", "", *composites[1:]]
    return sep.join(elements).rstrip(sep)


def _dates(claim: Claim) -> tuple[dt.date | None, dt.date | None]:
    dates = [d for line in claim.service_lines for d in (claim.line_date(line), line.date_of_service_end) if d]
    if claim.date_of_service:
        dates.append(claim.date_of_service)
    return (min(dates), max(dates)) if dates else (None, None)


def _period(sep: str, start: dt.date | None, end: dt.date | None, fallback: dt.date) -> str:
    first, last = start or fallback, end or start or fallback
    if first == last:
        return sep.join(["DTP", "472", "D8", first.strftime("%Y%m%d")])
    return sep.join(["DTP", "472", "RD8", f"{first:%Y%m%d}-{last:%Y%m%d}"])


def _line_loop(claim: Claim, line: ServiceLine, errors: list[Finding], date: str, parts: ClaimSegments) -> list[str]:
    sep, comp = parts.element_separator, parts.component_separator
    procedure = comp.join([line.procedure_qualifier or "HC", line.procedure_code, *line.modifiers])
    loop = [
        sep.join(["SVC", procedure, _amount(line.charge), "", "", "", "", _amount(line.units)]),
        _stc(sep, comp, [status_code_for(finding) for finding in errors], date, None),
    ]
    if line.control_number:
        loop.append(sep.join(["REF", "FJ", line.control_number]))
    line_date = claim.line_date(line)
    if line_date:
        end = line.date_of_service_end
        if end and end != line_date:
            loop.append(sep.join(["DTP", "472", "RD8", f"{line_date:%Y%m%d}-{end:%Y%m%d}"]))
        else:
            loop.append(sep.join(["DTP", "472", "D8", f"{line_date:%Y%m%d}"]))
    return loop


def _patient_name(sep: str, claim: Claim) -> str:
    person = claim.patient or claim.subscriber
    member_id = claim.subscriber.member_id or claim.claim_id
    return sep.join(["NM1", "QC", "1", person.last_name or "UNKNOWN", person.first_name or "", "", "", "", "MI"]) + (
        sep + member_id
    )


def _provider_name(sep: str, claim: Claim) -> str:
    provider = claim.billing_provider
    entity = "1" if provider.entity_type == "1" else "2"
    first = provider.first_name if entity == "1" else ""
    qualifier, identifier = ("XX", provider.npi) if provider.npi else ("FI", provider.tax_id or "UNKNOWN")
    name = provider.last_or_organization_name or "UNKNOWN"
    return sep.join(["NM1", "85", entity, name, first, "", "", "", qualifier, identifier])


class Ack277Frame(NamedTuple):
    """What the 277CAs written at one moment for the claims of one source transaction share: the envelope
    around their control numbers, the segments naming the information source and receiver, the delimiters.
    Made by :func:`ack277_frame`, used by :func:`write_277ca` (a named tuple, as ``split.SplitFrame``)."""

    envelope: Envelope
    processed: dt.datetime
    delimiters: tuple[str, str, str, str]
    """Element, component, repetition separators and segment terminator (:func:`split.delimiters_of`)."""
    date: str
    time: str
    isa_before_control: str
    isa_after_control: str
    gs_before_control: str
    gs_after_control: str
    information_source: tuple[str, ...]
    """2000A HL and 2100A NM1 (the TRN with the control number follows)."""
    information_receiver: tuple[str, ...]
    """2200A DTPs, 2000B HL, 2100B NM1 and 2200B TRN (the claim's STC, QTY and AMT follow)."""
    transaction_trace: str
    """2200C TRN: the source transaction's ST02."""


def ack277_frame(envelope: Envelope, segments: ClaimSegments, processed: dt.datetime) -> Ack277Frame:
    """The frame of the 277CAs written at ``processed`` for claims of ``envelope``, with the delimiters of
    ``segments``."""
    env = envelope
    sep = segments.element_separator
    date, time = processed.strftime("%Y%m%d"), processed.strftime("%H%M")
    source_name = env.receiver_name or env.gs_receiver or "CLAIMEDIT"
    source_id = env.receiver_id or env.gs_receiver or env.isa_receiver_id or "CLAIMEDIT"
    submitter_name = env.submitter_name or env.gs_sender or "UNKNOWN"
    submitter_id = env.submitter_id or env.gs_sender or env.isa_sender_id or "UNKNOWN"
    isa_before, isa_after = isa_around_control(
        sender_qualifier=env.isa_receiver_qualifier,
        sender_id=env.isa_receiver_id or source_id,
        receiver_qualifier=env.isa_sender_qualifier,
        receiver_id=env.isa_sender_id or env.submitter_id,
        date=date[2:],
        time=time,
        usage=env.usage_indicator,
        segments=segments,
    )
    gs_sender, gs_receiver = env.gs_receiver or source_id, env.gs_sender or env.isa_sender_id
    return Ack277Frame(
        envelope=env,
        processed=processed,
        delimiters=delimiters_of(segments),
        date=date,
        time=time,
        isa_before_control=isa_before,
        isa_after_control=isa_after,
        gs_before_control=sep.join(["GS", "HN", gs_sender, gs_receiver, date, time, ""]),
        gs_after_control=sep.join(["", "X", _VERSION]),
        information_source=(
            sep.join(["HL", "1", "", "20", "1"]),
            sep.join(["NM1", "AY", "2", source_name, "", "", "", "", "46", source_id]),
        ),
        information_receiver=(
            sep.join(["DTP", "050", "D8", date]),
            sep.join(["DTP", "009", "D8", date]),
            sep.join(["HL", "2", "1", "21", "1"]),
            sep.join(["NM1", "41", "2", submitter_name, "", "", "", "", "46", submitter_id]),
            sep.join(["TRN", "2", env.bht_reference or env.st_control or "0"]),
        ),
        transaction_trace=sep.join(["TRN", "1", env.st_control or "0"]),
    )


def _fits(frame: Ack277Frame, claim: Claim, parts: ClaimSegments, processed: dt.datetime) -> bool:
    return (
        frame.envelope is claim.envelope and frame.processed == processed and frame.delimiters == delimiters_of(parts)
    )


def write_277ca(
    result: ClaimResult, *, control_number: int, processed: dt.datetime, frame: Ack277Frame | None = None
) -> str:
    """The 277CA rejecting ``result``'s claim, as one interchange with ISA13/GS06 = ``control_number``.

    ``frame``: :func:`ack277_frame` of the claim's envelope, delimiters and ``processed``, when the caller
    writes 277CAs for many claims of one transaction (made here otherwise, or when it is not theirs).
    """
    claim = result.claim
    errors = list(result.errors)
    if not errors:
        msg = f"claim {claim.claim_id} has no error finding: a 277CA rejection needs one"
        raise ValueError(msg)
    parts = result.segments
    if frame is None or not _fits(frame, claim, parts, processed):
        frame = ack277_frame(claim.envelope, parts, processed)
    sep, comp, date = parts.element_separator, parts.component_separator, frame.date  # the frame's delimiters
    charge = _amount(claim.total_charge)
    control = f"{control_number:09d}"
    gs06 = str(control_number)
    line_numbers = {line.number for line in claim.service_lines}
    claim_errors = [f for f in errors if f.line is None or f.line not in line_numbers]
    line_errors = [f for f in errors if f.line is not None and f.line in line_numbers]
    by_line: dict[int, list[Finding]] = {}
    for finding in line_errors:
        by_line.setdefault(finding.line or 0, []).append(finding)
    claim_statuses = [status_code_for(f) for f in (claim_errors or line_errors)]
    start, end = _dates(claim)
    written = [
        frame.isa_before_control + control + frame.isa_after_control,
        frame.gs_before_control + gs06 + frame.gs_after_control,
        sep.join(["ST", "277", _ST02, _VERSION]),
        sep.join(["BHT", "0085", "08", f"{control}{claim.location.clm_segment_index}", date, frame.time, "TH"]),
        *frame.information_source,
        sep.join(["TRN", "1", control]),
        *frame.information_receiver,
        sep.join(["STC", comp.join(["A1", "19", "PR"]), date, "WQ", charge]),
        sep.join(["QTY", "AA", "1"]),
        sep.join(["AMT", "YY", charge]),
        sep.join(["HL", "3", "2", "19", "1"]),
        _provider_name(sep, claim),
        frame.transaction_trace,
        sep.join(["STC", comp.join(["A1", "19", "PR"]), "", "WQ", charge]),  # X214: no STC02 at 2200C
        sep.join(["QTY", "QC", "1"]),
        sep.join(["AMT", "YY", charge]),
        sep.join(["HL", "4", "3", "PT"]),
        _patient_name(sep, claim),
        sep.join(["TRN", "2", claim.claim_id]),
        _stc(sep, comp, claim_statuses, date, charge),
        _period(sep, start, end, processed.date()),
    ]
    for line in claim.service_lines:
        on_line = by_line.get(line.number)
        if on_line:
            written += _line_loop(claim, line, on_line, date, parts)
    written += [
        sep.join(["SE", str(len(written) - 1), _ST02]),  # ST through SE: all but ISA and GS, SE included
        sep.join(["GE", "1", gs06]),
        sep.join(["IEA", "1", control]),
        "",
    ]
    return parts.segment_terminator.join(written)
