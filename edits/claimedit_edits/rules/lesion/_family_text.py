"""Plain-language names of the lesion families and site groups for messages."""

from __future__ import annotations

__all__ = ["FAMILY_TEXT", "SITE_GROUP_TEXT", "procedure_kind"]

FAMILY_TEXT = {
    "benign-excision": "benign lesion excision (11400-11446)",
    "malignant-excision": "malignant lesion excision (11600-11646)",
    "malignant-destruction": "malignant lesion destruction (17260-17286)",
    "premalignant-destruction": "premalignant lesion destruction (17000-17004)",
    "benign-destruction": "benign lesion destruction (17110-17111)",
    "skin-biopsy": "skin biopsy (11102-11107)",
}

SITE_GROUP_TEXT = {
    "trunk-arms-legs": "trunk, arms or legs",
    "scalp-neck-hands-feet-genitalia": "scalp, neck, hands, feet or genitalia",
    "face-ears-eyelids-nose-lips": "face, ears, eyelids, nose, lips or mucous membrane",
}


def procedure_kind(family: str) -> str:
    """``excision`` or ``destruction``: a fix keeps the procedure and changes the family or site."""
    return family.rsplit("-", 1)[-1]
