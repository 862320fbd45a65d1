"""Code sets by date of service (ICD-10-CM, ICD-9-CM, modifiers, NUCC taxonomy, place of service), compiled once
into read-only SQLite stores with their manifest, opened at start-up in milliseconds. The writers and importers
(``_compile``, ``_importers``) are imported only by ``claimedit tables import-*`` and the build."""

from claimedit_edits.codesets._store import (
    CODESET_KINDS,
    DEFAULT_STORE,
    STORE_NAME,
    CodeEntry,
    CodeSet,
    CodeSetEdition,
    CodeSetError,
    CodeSets,
    open_codesets,
)

__all__ = [
    "CODESET_KINDS",
    "DEFAULT_STORE",
    "STORE_NAME",
    "CodeEntry",
    "CodeSet",
    "CodeSetEdition",
    "CodeSetError",
    "CodeSets",
    "open_codesets",
]
