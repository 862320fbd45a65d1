"""Renders docs/edits.md from the registry: the edits' docstrings are their documentation."""

from __future__ import annotations

import re
from pathlib import Path

from claimedit_edits.engine import DOC_SECTIONS, RegisteredEdit, Registry
from claimedit_edits.model import CATEGORIES

__all__ = ["DEFAULT_DOCS_PATH", "docs_are_current", "render_edits_markdown", "write_edits_markdown"]

DEFAULT_DOCS_PATH = Path("docs") / "edits.md"

_HEADER = """# claimedit edits

<!-- Generated from the edit registry by `claimedit docs edits`; do not edit by hand. -->

Every edit has a stable code that never changes meaning, a kebab-case name, a family, a category (the replay
contract's vocabulary), a default severity and the version it appeared in. Select, ignore or re-grade them in
the configuration (TOML) by code, name, family or category; opt-in edits run only when selected by code or name.
"""


def _summary_row(registered: RegisteredEdit) -> str:
    spec = registered.spec
    what = _first_sentence(" ".join(registered.doc_sections().get("What", "").split()))
    what = what.replace("|", "/").replace("*", "\\*")
    enabled = "yes" if spec.default_enabled else "opt-in"
    return (
        f"| [{spec.code}](#{spec.code.lower()}-{spec.name}) | `{spec.name}` | {spec.category} | "
        f"{spec.default_severity} | {enabled} | {spec.since} | {what.rstrip('.')}. |"
    )


_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\.\s")


def _first_sentence(text: str) -> str:
    match = _SENTENCE_END.search(text)
    return text[: match.start()] if match else text


def _section(registered: RegisteredEdit) -> list[str]:
    spec = registered.spec
    lines = [
        f"### {spec.code} {spec.name}",
        "",
        f"Family `{spec.family}` · category `{spec.category}` · default severity **{spec.default_severity}**"
        f"{'' if spec.default_enabled else ' · **opt-in**'} · since {spec.since}",
        "",
    ]
    sections = registered.doc_sections()
    for heading in DOC_SECTIONS:
        body = "\n".join(line.strip() for line in sections.get(heading, "").strip().splitlines())
        body = body.replace("*", "\\*")  # X12 separators, not Markdown emphasis
        lines += [f"**{heading}.**", "", body or "_Not documented._", ""]
    return lines


def render_edits_markdown(registry: Registry) -> str:
    edits = list(registry)
    order = {category: index for index, category in enumerate(CATEGORIES)}
    edits.sort(key=lambda registered: (order.get(registered.spec.category, len(order)), registered.spec.code))
    lines = [_HEADER, "## Summary", ""]
    lines += ["| code | name | category | severity | default | since | what |", "|---|---|---|---|---|---|---|"]
    lines += [_summary_row(registered) for registered in edits]
    lines.append("")
    current = ""
    for registered in edits:
        if registered.spec.category != current:
            current = registered.spec.category
            lines += [f"## {current}", ""]
        lines += _section(registered)
    return "\n".join(lines).rstrip() + "\n"


def write_edits_markdown(registry: Registry, path: Path = DEFAULT_DOCS_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_edits_markdown(registry), encoding="utf-8")
    return path


def docs_are_current(registry: Registry, path: Path = DEFAULT_DOCS_PATH) -> bool:
    try:
        return path.read_text(encoding="utf-8") == render_edits_markdown(registry)
    except FileNotFoundError:
        return False
