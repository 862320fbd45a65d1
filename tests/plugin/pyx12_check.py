"""pyx12's own verdict on an interchange we wrote (slow: loads the map every call; fine for a few tests)."""

from __future__ import annotations

import io
import logging

__all__ = ["pyx12_accepts"]


def pyx12_accepts(text: str) -> tuple[bool, str]:
    """(valid, 999 text) from pyx12's ``x12n_document`` over ``text``."""
    import pyx12.params  # noqa: PLC0415
    import pyx12.x12n_document  # noqa: PLC0415

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    ack = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), ack, None, None)
    return bool(valid), ack.getvalue()
