"""``claimedit tables import-ncci`` and ``claimedit docs edits``: reference table updates and the edits page."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

__all__ = ["add_subparsers"]


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def add_subparsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``tables`` and ``docs`` commands on the ``claimedit`` parser."""
    tables = subparsers.add_parser("tables", help="manage reference tables (CMS NCCI, MPFS)")
    tables_commands = tables.add_subparsers(dest="tables_command", required=True, metavar="COMMAND")
    ncci = tables_commands.add_parser(
        "import-ncci",
        help="convert the official CMS quarterly files into a table edition",
        description="Convert the official CMS files (PTP practitioner tables, MUE practitioner table, add-on "
        "code table, MPFS PPRRVU file) into claimedit tables in OUT, with a manifest. Point the edits "
        'configuration at OUT (tables = ["OUT"]) to use them; editions are chosen by date of service.',
    )
    ncci.add_argument("--out", type=Path, required=True, metavar="DIR", help="tables directory to write or update")
    ncci.add_argument("--edition", required=True, help="edition label, e.g. 2025Q1")
    ncci.add_argument("--effective-from", type=_date, required=True, metavar="YYYY-MM-DD")
    ncci.add_argument("--effective-to", type=_date, default=None, metavar="YYYY-MM-DD")
    ncci.add_argument("--ptp", type=Path, nargs="+", default=[], metavar="FILE", help="PTP practitioner tables")
    ncci.add_argument("--mue", type=Path, nargs="+", default=[], metavar="FILE", help="MUE practitioner table")
    ncci.add_argument("--aoc", type=Path, nargs="+", default=[], metavar="FILE", help="add-on code edit table")
    ncci.add_argument("--mpfs", type=Path, nargs="+", default=[], metavar="FILE", help="MPFS RVU file (PPRRVU)")
    ncci.set_defaults(handler=_import_ncci)
    _add_codeset_importers(tables_commands)

    docs = subparsers.add_parser("docs", help="render documentation")
    docs_commands = docs.add_subparsers(dest="docs_command", required=True, metavar="COMMAND")
    edits = docs_commands.add_parser("edits", help="write docs/edits.md from the edit registry")
    edits.add_argument("--output", type=Path, default=Path("docs") / "edits.md", metavar="FILE")
    edits.add_argument("--check", action="store_true", help="exit 1 when the file is stale instead of writing it")
    edits.set_defaults(handler=_docs_edits)


def _import_ncci(args: argparse.Namespace) -> int:
    from claimedit_edits.tables.importer import ImportSource, NcciImportError, import_ncci  # noqa: PLC0415

    sources = [
        ImportSource(kind, tuple(paths))
        for kind, paths in (("ptp", args.ptp), ("mue", args.mue), ("aoc", args.aoc), ("mpfs", args.mpfs))
        if paths
    ]
    if not sources:
        print("claimedit tables import-ncci: give at least one of --ptp, --mue, --aoc, --mpfs", file=sys.stderr)
        return 2
    missing = [str(path) for source in sources for path in source.paths if not path.is_file()]
    if missing:
        print(f"claimedit tables import-ncci: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        report = import_ncci(
            sources,
            out_dir=args.out,
            edition=args.edition,
            effective_from=args.effective_from,
            effective_to=args.effective_to,
        )
    except NcciImportError as exc:
        print(f"claimedit tables import-ncci: {exc}", file=sys.stderr)
        return 1
    for edition in report.editions:
        print(
            f"{edition.kind}: {report.rows[edition.kind]} rows -> {edition.path} "
            f"(left out: {report.skipped[edition.kind]}; edition {edition.edition}, from {edition.effective_from})"
        )
    return 0


_CODESET_COMMANDS = {
    "import-icd10cm": (
        "icd10cm",
        "compile a CMS ICD-10-CM code file into a dated edition",
        "Compile the CMS ICD-10-CM code file (icd10cm_order_YYYY.txt, or icd10cm_codes_YYYY.txt) into OUT/"
        "codesets.sqlite. Fiscal-year editions run from October 1 (--effective-from 2024-10-01), April updates from "
        "April 1; claims are checked against the edition in effect on their date of service.",
    ),
    "import-hcpcs": (
        "modifiers",
        "compile the modifier records of the CMS HCPCS file into a dated edition",
        "Compile the modifier records (RECID 7) of the CMS HCPCS file (CSV export of HCPC20xx_*_ANWEB: HCPC, RECID, "
        "ADD DT, ACT EFF DT, TERM DT) into OUT/codesets.sqlite, each modifier with its own effective and "
        "termination dates.",
    ),
    "import-nucc": (
        "taxonomy",
        "compile a NUCC taxonomy CSV into a dated edition",
        "Compile NUCC's nucc_taxonomy_NNN.csv into OUT/codesets.sqlite (NUCC releases in January and July).",
    ),
}


def _add_codeset_importers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, (kind, summary, description) in _CODESET_COMMANDS.items():
        parser = commands.add_parser(
            name,
            help=summary,
            description=description + ' Point the edits configuration at OUT (tables = ["OUT"]) to use it.',
        )
        parser.add_argument("file", type=Path, metavar="FILE", help="the official file")
        parser.add_argument(
            "--out", type=Path, required=True, metavar="DIR", help="tables directory to write or update"
        )
        parser.add_argument("--edition", required=True, help="edition label, e.g. FY2025 or 2025-01")
        parser.add_argument("--effective-from", type=_date, required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--effective-to", type=_date, default=None, metavar="YYYY-MM-DD")
        parser.set_defaults(handler=_import_codeset, codeset_kind=kind, command_name=name)


def _import_codeset(args: argparse.Namespace) -> int:
    from claimedit_edits.codesets._compile import CodeSetImportError  # noqa: PLC0415
    from claimedit_edits.codesets._importers import import_codeset  # noqa: PLC0415

    if not args.file.is_file():
        print(f"claimedit tables {args.command_name}: no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        compiled = import_codeset(
            args.codeset_kind,
            args.file,
            out_dir=args.out,
            edition=args.edition,
            effective_from=args.effective_from,
            effective_to=args.effective_to,
        )
    except CodeSetImportError as exc:
        print(f"claimedit tables {args.command_name}: {exc}", file=sys.stderr)
        return 1
    print(
        f"{compiled.kind}: {compiled.rows} codes -> {compiled.store} "
        f"(edition {compiled.edition}, from {compiled.effective_from})"
    )
    return 0


def _docs_edits(args: argparse.Namespace) -> int:
    from claimedit_edits.docs import docs_are_current, write_edits_markdown  # noqa: PLC0415
    from claimedit_edits.engine import load_registry  # noqa: PLC0415

    registry = load_registry()
    if args.check:
        if docs_are_current(registry, args.output):
            return 0
        print(f"{args.output} is stale: run `claimedit docs edits`", file=sys.stderr)
        return 1
    print(write_edits_markdown(registry, args.output))
    return 0
