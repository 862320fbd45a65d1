"""Write one large, valid 837P (005010X222A1) interchange of fictional dermatology claims for benchmarks.

Deterministic: the same --seed and --claims give the same bytes. The claim mix, sites, diagnoses and
charges come from make_interchange_templates.json beside this script. Every claim is meant to be
clean (balanced, billable diagnoses, add-ons with their primary, units within MUE, NCCI indicator-1
pairs with their bypass modifier, site group, laterality and size tier matching the note), and the
file validates with pyx12 4.0.0 (999 IK5*A).

    python bench/make_interchange.py --claims 10000 --out bench/out/claims-10000.x12
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "GeneratedClaim",
    "ServiceLine",
    "build_interchange",
    "interchange_pieces",
    "load_templates",
    "main",
    "npi_from_base",
]

TEMPLATES_PATH = Path(__file__).with_name("make_interchange_templates.json")
MAX_CLAIMS_PER_TRANSACTION = 5000  # the implementation guide's recommended limit of CLM per ST
FLUSH_SEGMENTS = 50_000
"""Segments held before a transaction's text so far is handed on (any transaction size in flat memory)."""
MAX_CLAIMS_PER_SUBSCRIBER = 3
FIFTEEN_OR_MORE = 15


@dataclass(frozen=True)
class ServiceLine:
    code: str
    charge: Decimal
    units: int = 1
    modifiers: tuple[str, ...] = ()
    pointers: tuple[int, ...] = (1,)
    note: str = ""


@dataclass
class GeneratedClaim:
    family: str
    date_of_service: str
    diagnoses: list[str] = field(default_factory=list)
    lines: list[ServiceLine] = field(default_factory=list)

    def pointer_to(self, diagnosis: str) -> int:
        """1-based HI position of `diagnosis`, adding it when absent."""
        if diagnosis not in self.diagnoses:
            self.diagnoses.append(diagnosis)
        return self.diagnoses.index(diagnosis) + 1

    @property
    def total(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal(0))


def load_templates(path: Path = TEMPLATES_PATH) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def npi_from_base(base9: str) -> str:
    """Append the NPI check digit (Luhn over the 80840 prefix) to nine digits."""
    total = 0
    for index, char in enumerate(reversed("80840" + base9)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return base9 + str((10 - total % 10) % 10)


def _size_tier(tenths_of_cm: int) -> int:
    for upper, tier in ((5, 0), (10, 1), (20, 2), (30, 3), (40, 4)):
        if tenths_of_cm <= upper:
            return tier
    return 6


def _cm(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


class _ClaimMaker:
    """Builds one clean claim of a chosen family from the templates."""

    def __init__(self, templates: dict[str, Any], rng: random.Random) -> None:
        self.t = templates
        self.rng = rng
        self.charges = {key: Decimal(value) for key, value in templates["charges"].items()}
        first = datetime.date.fromisoformat(templates["dates_of_service"]["first"])
        last = datetime.date.fromisoformat(templates["dates_of_service"]["last"])
        self.first_day = first
        self.day_span = (last - first).days

    def weighted(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def date_of_service(self) -> str:
        day = self.first_day + datetime.timedelta(days=self.rng.randrange(self.day_span + 1))
        return day.strftime("%Y%m%d")

    def claim(self, *, medicare: bool) -> GeneratedClaim:
        family = self.weighted(self.t["family_weights"])
        claim = GeneratedClaim(family=family, date_of_service=self.date_of_service())
        distinct = "XS" if medicare else "59"
        if family == "evaluation_only":
            self.add_evaluation(claim, with_procedure=False)
            return claim
        if self.rng.random() < self.t["em_with_procedure_share"]:
            self.add_evaluation(claim, with_procedure=True)
        if family == "premalignant":
            self.add_premalignant(claim)
        elif family == "benign_destruction":
            self.add_benign_destruction(claim)
        elif family == "biopsy":
            self.add_biopsy(claim, pairs=self.t["biopsy_pairs"], modifier=None)
        elif family == "malignant_destruction":
            self.add_sized_lesion(claim, family)
        else:
            self.add_sized_lesion(claim, family)
            if family == "malignant_excision" and self.rng.random() < self.t["repair_with_excision_share"]:
                self.add_intermediate_repair(claim)
            elif len(claim.lines) == 1 and self.rng.random() < 0.25:
                self.add_sized_lesion(claim, family)
            elif len(claim.lines) <= 2 and self.rng.random() < self.t["biopsy_with_excision_share"]:
                # excision is column 1, biopsy 11102/11104 column 2 of an NCCI indicator-1 pair
                pairs = [p for p in self.t["biopsy_pairs"] if p["primary"] in {"11102", "11104"}]
                self.add_biopsy(claim, pairs=pairs, modifier=distinct, max_lines=4 - len(claim.lines))
        return claim

    def add_evaluation(self, claim: GeneratedClaim, *, with_procedure: bool) -> None:
        code = self.rng.choice(self.t["evaluation_codes"])
        pointer = claim.pointer_to(self.rng.choice(self.t["evaluation_diagnoses"]))
        modifiers = ("25",) if with_procedure else ()
        claim.lines.append(ServiceLine(code, self.charges[code], modifiers=modifiers, pointers=(pointer,)))

    def add_premalignant(self, claim: GeneratedClaim) -> None:
        pointer = claim.pointer_to("L57.0")
        lesions = self.rng.choice([1, 1, 2, 3, 4, 5, 6, 8, 10, 14, 18, 25])
        if lesions >= FIFTEEN_OR_MORE:
            note = f"{lesions} ACTINIC KERATOSES"
            claim.lines.append(ServiceLine("17004", self.charges["17004"], pointers=(pointer,), note=note))
            return
        claim.lines.append(ServiceLine("17000", self.charges["17000"], pointers=(pointer,)))
        if lesions > 1:
            units = lesions - 1
            charge = self.charges["17003_per_unit"] * units
            claim.lines.append(ServiceLine("17003", charge, units=units, pointers=(pointer,)))

    def add_benign_destruction(self, claim: GeneratedClaim) -> None:
        pointer = claim.pointer_to(self.rng.choice(self.t["benign_destruction_diagnoses"]))
        lesions = self.rng.choice([1, 2, 3, 4, 6, 9, 12, 16, 20])
        code = "17111" if lesions >= FIFTEEN_OR_MORE else "17110"
        note = f"{lesions} LESIONS DESTROYED"
        claim.lines.append(ServiceLine(code, self.charges[code], pointers=(pointer,), note=note))

    def add_biopsy(
        self, claim: GeneratedClaim, *, pairs: Sequence[dict[str, Any]], modifier: str | None, max_lines: int = 2
    ) -> None:
        pair = self.rng.choices(list(pairs), weights=[p["weight"] for p in pairs])[0]
        pointer = claim.pointer_to(self.rng.choice(self.t["biopsy_diagnoses"]))
        modifiers = (modifier,) if modifier else ()
        primary = pair["primary"]
        claim.lines.append(ServiceLine(primary, self.charges[primary], modifiers=modifiers, pointers=(pointer,)))
        if max_lines >= 2 and self.rng.random() < 0.4:
            units = self.rng.randint(1, pair["max_add_on"])
            add_on = pair["add_on"]
            charge = self.charges[f"{add_on}_per_unit"] * units
            claim.lines.append(ServiceLine(add_on, charge, units=units, pointers=(pointer,)))

    def add_sized_lesion(self, claim: GeneratedClaim, family: str) -> None:
        site = self.rng.choice(self.t["sites"])
        destruction = family == "malignant_destruction"
        if family == "benign_excision":
            pool = site["benign"]
        elif destruction:
            pool = [d for d in site["malignant"] if d[:3] in self.t["destruction_malignant_prefixes"]]
        else:
            pool = site["malignant"]
        pointer = claim.pointer_to(self.rng.choice(pool))
        lesion = self.rng.randint(2, 45)  # tenths of a cm
        margin = (
            0 if destruction else self.rng.randint(1, 3) if family == "benign_excision" else self.rng.randint(2, 10)
        )
        sized = lesion + 2 * margin
        tier = _size_tier(sized)
        code = self.t["code_prefix"][family][site["group"]] + str(tier)
        base = self.charges[f"{family}_base"]
        charge = base + self.charges[f"{family}_per_tier"] * tier
        modifiers = (site["side"],) if site["side"] else ()
        claim.lines.append(
            ServiceLine(code, charge, modifiers=modifiers, pointers=(pointer,), note=self.size_note(lesion, margin))
        )

    def add_intermediate_repair(self, claim: GeneratedClaim) -> None:
        """A layered closure of the excision just added: intermediate repairs are reported with excisions."""
        excision = claim.lines[-1]
        group = next(
            name
            for name, prefix in self.t["code_prefix"]["malignant_excision"].items()
            if excision.code.startswith(prefix)
        )
        code = self.t["intermediate_repair_codes"][group]
        length = self.rng.randint(26, 75)  # tenths of a cm: the 2.6-7.5 cm repair codes
        note = f"LAYERED CLOSURE {_cm(length)} CM"
        claim.lines.append(
            ServiceLine(code, self.charges[code], modifiers=excision.modifiers, pointers=excision.pointers, note=note)
        )

    def size_note(self, lesion: int, margin: int) -> str:
        if self.rng.random() >= self.t["size_note_share"]:
            return ""
        if margin == 0:
            return f"{lesion} MM" if self.rng.random() < 0.3 else f"LESION {_cm(lesion)} CM"
        if self.rng.random() < 0.25:
            return f"EXCISED DIAMETER {_cm(lesion + 2 * margin)} CM"
        return f"LESION {_cm(lesion)} CM MARGINS {_cm(margin)} CM"


class _Writer:
    """Accumulates segments with the standard delimiters (* : ^ ~ and a newline after each segment)."""

    def __init__(self) -> None:
        self.segments: list[str] = []
        self.added = 0
        """Segments added since the start, flushed or not (for SE01 once a transaction was flushed in pieces)."""

    def add(self, *elements: str) -> None:
        values = list(elements)
        while values and not values[-1]:
            values.pop()
        self.segments.append("*".join(values))
        self.added += 1

    def flush(self) -> str:
        """The segments added since the last flush, as text; forgets them."""
        text = "".join(segment + "~\n" for segment in self.segments)
        self.segments.clear()
        return text


def _amount(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _write_claim(w: _Writer, claim_id: str, claim: GeneratedClaim, rendering: dict[str, str], control: str) -> None:
    w.add("CLM", claim_id, _amount(claim.total), "", "", "11:B:1", "Y", "A", "Y", "Y")
    w.add("HI", *[("ABK:" if i == 0 else "ABF:") + code.replace(".", "") for i, code in enumerate(claim.diagnoses)])
    w.add(
        "NM1", "82", "1", rendering["last"], rendering["first"], "", "", "", "XX", npi_from_base(rendering["npi_base"])
    )
    w.add("PRV", "PE", "PXC", "207N00000X")
    for number, line in enumerate(claim.lines, 1):
        w.add("LX", str(number))
        procedure = ":".join(("HC", line.code, *line.modifiers))
        pointers = ":".join(str(p) for p in line.pointers)
        w.add("SV1", procedure, _amount(line.charge), "UN", str(line.units), "", "", pointers)
        w.add("DTP", "472", "D8", claim.date_of_service)
        if control:
            w.add("REF", "6R", f"{control}-{number}")
        if line.note:
            w.add("NTE", "ADD", line.note)


def _person(t: dict[str, Any], rng: random.Random, number: int, *, adult: bool) -> dict[str, str]:
    year = rng.randint(1935, 1985) if adult else rng.randint(2008, 2018)
    return {
        "last": rng.choice(t["last_names"]),
        "first": rng.choice(t["first_names"]),
        "street": f"{number % 9000 + 1} FICTION LANE",
        "zip": f"43{number % 10000000:07d}",
        "dob": f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
        "sex": rng.choice("FM"),
    }


def _write_header(w: _Writer, t: dict[str, Any], control: str) -> None:
    """The ST, the 1000A/B header and the billing provider's 2000A loop."""
    date = t["interchange_date"].replace("-", "")
    billing = t["billing_provider"]
    w.add("ST", "837", control, "005010X222A1")
    w.add("BHT", "0019", "00", f"GEN{control}", date, "0900", "CH")
    w.add("NM1", "41", "2", billing["name"], "", "", "", "", "46", "TESTSUB0001")
    w.add("PER", "IC", "BILLING OFFICE", "TE", "5555550100")
    w.add("NM1", "40", "2", "TEST CLEARINGHOUSE", "", "", "", "", "46", "TESTCLEARING")
    w.add("HL", "1", "", "20", "1")
    w.add("PRV", "BI", "PXC", "207N00000X")
    w.add("NM1", "85", "2", billing["name"], "", "", "", "", "XX", npi_from_base(billing["npi_base"]))
    w.add("N3", billing["street"])
    w.add("N4", billing["city"], billing["state"], billing["zip"])
    w.add("REF", "EI", billing["ein"])


def _write_transaction(
    w: _Writer, t: dict[str, Any], *, rng: random.Random, maker: _ClaimMaker, control: str, first: int, count: int
) -> Iterator[str]:
    """One transaction's text, in pieces of about :data:`FLUSH_CLAIMS` claims (a transaction of a million
    claims is written in the memory of a few thousand)."""
    start = w.added
    _write_header(w, t, control)
    payers = t["payers"]
    hl = 1
    written = 0
    while written < count:
        payer = rng.choices(payers, weights=[p["weight"] for p in payers])[0]
        in_patient_loop = rng.random() < t["patient_loop_share"]
        batch = min(rng.randint(1, MAX_CLAIMS_PER_SUBSCRIBER), count - written)
        hl += 1
        subscriber_hl = hl
        number = first + written
        subscriber = _person(t, rng, number, adult=True)
        w.add("HL", str(subscriber_hl), "1", "22", "1" if in_patient_loop else "0")
        filing = payer["filing"]
        w.add("SBR", "P", "" if in_patient_loop else "18", payer["group"], "", "", "", "", "", filing)
        member_id = f"{payer['member_prefix']}{number:07d}"
        w.add("NM1", "IL", "1", subscriber["last"], subscriber["first"], "", "", "", "MI", member_id)
        w.add("N3", subscriber["street"])
        w.add("N4", "ANYTOWN", "OH", subscriber["zip"])
        w.add("DMG", "D8", subscriber["dob"], subscriber["sex"])
        w.add("NM1", "PR", "2", payer["name"], "", "", "", "", "PI", payer["id"])
        if in_patient_loop:
            hl += 1
            patient = _person(t, rng, number, adult=False)
            w.add("HL", str(hl), str(subscriber_hl), "23", "0")
            w.add("PAT", "19")
            w.add("NM1", "QC", "1", patient["last"], patient["first"])
            w.add("N3", patient["street"])
            w.add("N4", "ANYTOWN", "OH", patient["zip"])
            w.add("DMG", "D8", patient["dob"], patient["sex"])
        for offset in range(batch):
            sequence = first + written + offset + 1
            claim = maker.claim(medicare=filing == "MB")
            rendering = rng.choice(t["rendering_providers"])
            control_number = f"L{sequence:07d}" if rng.random() < t["line_control_share"] else ""
            _write_claim(w, f"GEN-{sequence:07d}", claim, rendering, control_number)
        written += batch
        if len(w.segments) >= FLUSH_SEGMENTS:
            yield w.flush()
    w.add("SE", str(w.added - start + 1), control)
    yield w.flush()


def build_interchange(
    claims: int = 10_000, *, seed: int = 837, claims_per_transaction: int = MAX_CLAIMS_PER_TRANSACTION
) -> str:
    """Return the text of one ISA/GS interchange holding `claims` clean claims."""
    return "".join(interchange_pieces(claims, seed=seed, claims_per_transaction=claims_per_transaction))


def interchange_pieces(
    claims: int = 10_000, *, seed: int = 837, claims_per_transaction: int = MAX_CLAIMS_PER_TRANSACTION
) -> Iterator[str]:
    """The text of :func:`build_interchange` in pieces (the envelope, then each transaction in pieces).

    At most :data:`FLUSH_SEGMENTS` segments are held at a time, so a file of a million claims, even in one
    transaction (``claims_per_transaction`` of a million), is written in flat memory.
    """
    templates = load_templates()
    rng = random.Random(seed)
    maker = _ClaimMaker(templates, rng)
    date = templates["interchange_date"].replace("-", "")
    w = _Writer()
    isa_control = f"{seed % 1_000_000_000:09d}"
    sender, receiver = "DERMSUBMIT01".ljust(15), "TESTCLEARING".ljust(15)
    w.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender, "ZZ", receiver, date[2:], "0900", "^", "00501")
    w.segments[-1] += f"*{isa_control}*0*T*:"
    w.add("GS", "HC", "DERMSUBMIT01", "TESTCLEARING", date, "0900", "1", "X", "005010X222A1")
    yield w.flush()
    transactions = 0
    for first in range(0, claims, claims_per_transaction):
        transactions += 1
        count = min(claims_per_transaction, claims - first)
        yield from _write_transaction(
            w, templates, rng=rng, maker=maker, control=f"{transactions:04d}", first=first, count=count
        )
    w.add("GE", str(transactions), "1")
    w.add("IEA", "1", isa_control)
    yield w.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--claims", type=int, default=10_000, help="number of claims (default 10000)")
    parser.add_argument("--seed", type=int, default=837, help="random seed (default 837)")
    parser.add_argument(
        "--claims-per-transaction",
        type=int,
        default=MAX_CLAIMS_PER_TRANSACTION,
        help=f"CLM per ST before a new ST starts (default {MAX_CLAIMS_PER_TRANSACTION})",
    )
    parser.add_argument("--out", type=Path, required=True, help="file to write")
    args = parser.parse_args(argv)
    if args.claims < 1 or args.claims_per_transaction < 1:
        parser.error("--claims and --claims-per-transaction must be at least 1")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    segments = size = 0
    with args.out.open("w", encoding="utf-8") as out:  # piece by piece: a million claims in flat memory
        for piece in interchange_pieces(
            args.claims, seed=args.seed, claims_per_transaction=args.claims_per_transaction
        ):
            out.write(piece)
            segments += piece.count("~")
            size += len(piece.encode())
    print(f"wrote {args.claims} claims, {segments} segments, {size} bytes to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
