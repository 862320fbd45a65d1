"""CPT counting rules of the destruction codes 17000/17003/17004 and 17110/17111 (lesion and history families)."""

from __future__ import annotations

__all__ = [
    "ADDITIONAL_LESIONS",
    "BENIGN_15_OR_MORE",
    "BENIGN_UP_TO_14",
    "CPT_COUNTING_LIMITS",
    "CPT_DESTRUCTION_SOURCE",
    "FIFTEEN_LESIONS",
    "FIFTEEN_OR_MORE",
    "FIRST_LESION",
    "pairs_reported_by_counting_edits",
]

FIRST_LESION = "17000"
ADDITIONAL_LESIONS = "17003"
FIFTEEN_OR_MORE = "17004"
BENIGN_UP_TO_14 = "17110"
BENIGN_15_OR_MORE = "17111"
FIFTEEN_LESIONS = 15

CPT_COUNTING_LIMITS = {
    FIRST_LESION: 1,
    ADDITIONAL_LESIONS: 13,
    FIFTEEN_OR_MORE: 1,
    BENIGN_UP_TO_14: 1,
    BENIGN_15_OR_MORE: 1,
}
"""Units per date of service that the CPT code descriptors allow (each code's own counting rule)."""

CPT_DESTRUCTION_SOURCE = "CPT destruction code descriptors (17000-17004, 17110-17111)"


def pairs_reported_by_counting_edits() -> frozenset[tuple[str, str]]:
    """Column 1/column 2 pairs that LES005 and LES006 report with a counting-specific fix."""
    return frozenset(
        {(FIFTEEN_OR_MORE, FIRST_LESION), (FIFTEEN_OR_MORE, ADDITIONAL_LESIONS), (BENIGN_15_OR_MORE, BENIGN_UP_TO_14)}
    )
