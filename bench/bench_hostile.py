"""Hostile inputs of issue 8: each shape timed at 1x and 4x its size; the ratio must stay near 4 (linear).

Every shape is a small text (under about 1 MB at 4x) that used to cost seconds or minutes. The
process is timed end to end (read, pyx12 validation, edits) with one :class:`Pipeline` loaded once.
Each run is bounded: a shape taking longer than ``--budget`` seconds at 1x is not run at 4x.

    python bench/bench_hostile.py            # every shape, 1x and 4x
    python bench/bench_hostile.py stray_segments deep_hl

The shapes are also used by tests/reading/test_hostile_shapes.py (loaded from this file).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

__all__ = ["BILLING", "SHAPES", "claim_block", "claims_body", "interchange", "main", "transaction"]

_ISA = "ISA*00*          *00*          *ZZ*HOSTILESUBMIT  *ZZ*TESTCLEARING   *240808*0930*^*00501*{control}*0*T*:~\n"
_GS = "GS*HC*HOSTILESUBMIT*TESTCLEARING*20240808*0930*{control}*X*005010X222A1~\n"
_HEADER = [
    "BHT*0019*00*HOSTILE0001*20240808*0930*CH",
    "NM1*41*2*FICTIONAL DERMATOLOGY GROUP*****46*TESTSUB0001",
    "PER*IC*BILLING OFFICE*TE*5555550100",
    "NM1*40*2*TEST CLEARINGHOUSE*****46*TESTCLEARING",
]
BILLING = [
    "PRV*BI*PXC*207N00000X",
    "NM1*85*2*FICTIONAL DERMATOLOGY GROUP*****XX*1900000104",
    "N3*100 PRETEND PLAZA SUITE 1",
    "N4*ANYTOWN*OH*430000001",
    "REF*EI*990000001",
]


def _subscriber(number: int, parent: int, hl: int) -> list[str]:
    return [
        f"HL*{hl}*{parent}*22*0",
        "SBR*P*18*******MB",
        f"NM1*IL*1*TESTPATIENT*ALPHA****MI*TESTMBI{number:05d}",
        "N3*1 FICTION LANE",
        "N4*ANYTOWN*OH*430000001",
        "DMG*D8*19470312*F",
        "NM1*PR*2*FICTIONAL MEDICARE CONTRACTOR*****PI*99901",
    ]


def claim_block(claim_id: str, lines: int = 1) -> list[str]:
    """A clean one-procedure claim (17000 with its 17003 add-on when ``lines`` > 1)."""
    charges = [125] + [12] * (lines - 1)
    segments = [
        f"CLM*{claim_id}*{sum(charges)}***11:B:1*Y*A*Y*Y",
        "HI*ABK:L570",
        "NM1*82*1*TESTDOCTOR*ADA****XX*1900000369",
        "PRV*PE*PXC*207N00000X",
    ]
    for number in range(1, lines + 1):
        code, units = ("17000", 1) if number == 1 else ("17003", 1)
        segments += [f"LX*{number}", f"SV1*HC:{code}*{charges[number - 1]}*UN*{units}***1", "DTP*472*D8*20240805"]
    return segments


def transaction(control: str, body: list[str]) -> list[str]:
    segments = [f"ST*837*{control}*005010X222A1", *_HEADER, *body]
    return [*segments, f"SE*{len(segments) + 1}*{control}"]


def interchange(transactions: list[list[str]], *, between: list[str] | None = None, control: int = 1) -> str:
    """One interchange, one group; ``between`` segments go after the last SE, before GE."""
    isa = f"{control:09d}"
    lines = [_ISA.format(control=isa), _GS.format(control=control)]
    for segments in transactions:
        lines.extend(f"{segment}~\n" for segment in segments)
    lines.extend(f"{segment}~\n" for segment in between or [])
    lines += [f"GE*{len(transactions)}*{control}~\n", f"IEA*1*{isa}~\n"]
    return "".join(lines)


def claims_body(claims: int) -> list[str]:
    body = ["HL*1**20*1", *BILLING]
    for number in range(claims):
        body += _subscriber(number, 1, number + 2)
        body += claim_block(f"HOSTILE-{number:06d}")
    return body


def stray_segments(size: int) -> str:
    """``size`` claims, then ``size`` stray segments between SE and GE (400: 143 KB)."""
    stray = [f"NTE*ADD*STRAY SEGMENT {number}" for number in range(size)]
    return interchange([transaction("0001", claims_body(size))], between=stray)


def deep_hl(size: int) -> str:
    """``size`` HL levels, each the child of the one before (4,000: 74 KB), one claim at the bottom."""
    body = ["HL*1**20*1", *BILLING, *_subscriber(0, 1, 2)[:1]]
    body[-1] = "HL*2*1*22*1"
    body += [f"HL*{level}*{level - 1}*23*1" for level in range(3, size + 1)]
    body += ["PAT*19", "NM1*QC*1*TESTCHILD*BETA", *claim_block("HOSTILE-DEEP")]
    return interchange([transaction("0001", body)])


def many_claims_one_hl(size: int) -> str:
    """``size`` claims under one subscriber (the guide allows 100 per HL)."""
    body = ["HL*1**20*1", *BILLING, *_subscriber(0, 1, 2)]
    for number in range(size):
        body += claim_block(f"HOSTILE-{number:06d}")
    return interchange([transaction("0001", body)])


def tiny_segments_inside(size: int) -> str:
    """``size`` tiny unknown segments inside one claim (250,000: 1 MB)."""
    body = ["HL*1**20*1", *BILLING, *_subscriber(0, 1, 2), *claim_block("HOSTILE-TINY")]
    body[-3:-3] = ["Z"] * size
    return interchange([transaction("0001", body)])


def tiny_segments_empty(size: int) -> str:
    """``size`` empty segments (``~~``) inside one claim: one character each."""
    text = interchange([transaction("0001", ["HL*1**20*1", *BILLING, *_subscriber(0, 1, 2), *claim_block("E")])])
    at = text.index("LX*1~")
    return text[:at] + "~" * size + text[at:]


def tiny_segments_stray(size: int) -> str:
    """One claim, then ``size`` tiny segments between SE and GE."""
    body = ["HL*1**20*1", *BILLING, *_subscriber(0, 1, 2), *claim_block("HOSTILE-STRAY")]
    return interchange([transaction("0001", body)], between=["Z"] * size)


def many_service_lines(size: int) -> str:
    """One claim with ``size`` service lines (the guide allows 50)."""
    body = ["HL*1**20*1", *BILLING, *_subscriber(0, 1, 2), *claim_block("HOSTILE-LINES", lines=size)]
    return interchange([transaction("0001", body)])


def many_groups(size: int) -> str:
    """``size`` empty functional groups (GS/GE) in one interchange: pyx12 searched its control numbers in lists."""
    isa = "000000001"
    groups = "".join(f"{_GS.format(control=number)}GE*0*{number}~\n" for number in range(1, size + 1))
    return f"{_ISA.format(control=isa)}{groups}IEA*{size}*{isa}~\n"


def interchanges_without_iea(size: int) -> str:
    """``size`` one-claim interchanges, none closed by an IEA."""
    parts = []
    for number in range(1, size + 1):
        text = interchange(
            [transaction("0001", ["HL*1**20*1", *BILLING, *_subscriber(0, 1, 2), *claim_block(f"N{number}")])],
            control=number,
        )
        parts.append(text[: text.rindex("IEA*")])
    return "".join(parts)


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    "stray_segments": (stray_segments, 400),
    "deep_hl": (deep_hl, 4000),
    "many_claims_one_hl": (many_claims_one_hl, 1000),
    "tiny_segments_inside": (tiny_segments_inside, 250_000),
    "tiny_segments_empty": (tiny_segments_empty, 250_000),
    "tiny_segments_stray": (tiny_segments_stray, 250_000),
    "many_service_lines": (many_service_lines, 1000),
    "many_groups": (many_groups, 2000),
    "interchanges_without_iea": (interchanges_without_iea, 1000),
}
"""Name: (generator, 1x size)."""


def _seconds(work: Callable[[], object]) -> float:
    """CPU seconds of ``work``: the least of three runs when one takes under half a second (timer noise)."""
    runs: list[float] = []
    while len(runs) < 3 and (not runs or runs[0] < 0.5):
        started = time.process_time()
        work()
        runs.append(time.process_time() - started)
    return min(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("shapes", nargs="*", choices=[[], *SHAPES], help="shapes to run (default: all)")
    parser.add_argument("--budget", type=float, default=20.0, help="skip 4x when 1x takes longer (seconds)")
    parser.add_argument("--no-validate", action="store_true", help="reader and edits only (no pyx12)")
    args = parser.parse_args(argv)
    from claimedit.pipeline import Pipeline  # noqa: PLC0415  (loads pyx12 maps and tables: after --help)

    pipeline = Pipeline.start(validate=not args.no_validate)
    pipeline.process(stray_segments(2))  # warm the maps and the edit tables
    print(f"{'shape':<26} {'1x size':>8} {'1x KB':>8} {'1x s':>8} {'4x s':>8} {'ratio':>6}")
    for name in args.shapes or SHAPES:
        make, size = SHAPES[name]
        small, large = make(size), make(4 * size)
        once = _seconds(lambda text=small: pipeline.process(text))  # type: ignore[misc]
        if once > args.budget:
            print(f"{name:<26} {size:>8} {len(small) / 1000:>8.0f} {once:>8.2f} {'skipped':>8}")
            continue
        four = _seconds(lambda text=large: pipeline.process(text))  # type: ignore[misc]
        ratio = four / once if once else float("nan")
        print(f"{name:<26} {size:>8} {len(small) / 1000:>8.0f} {once:>8.2f} {four:>8.2f} {ratio:>6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
