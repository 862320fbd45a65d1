"""The patient identity as a keyed hash: claims of one patient find each other, nobody can read the patient back."""

from __future__ import annotations

import hashlib
import hmac

from claimedit_edits.model import Claim

__all__ = ["MIN_SECRET_BYTES", "patient_key"]

MIN_SECRET_BYTES = 16


def patient_key(claim: Claim, secret: bytes) -> str:
    """HMAC-SHA256 (hex) of payer id, member id, birth date and name of the claim's patient.

    The member id is the subscriber's (2010BA NM109); birth date and name are the patient's (2010CA)
    when there is one, else the subscriber's. Values are upper-cased and stripped so spacing and case
    differences between submissions do not split a patient.
    """
    person = claim.patient if claim.patient is not None else claim.subscriber
    parts = (
        claim.payer.payer_id,
        claim.subscriber.member_id or "",
        person.date_of_birth or "",
        person.last_name or "",
        person.first_name or "",
    )
    message = "\x1f".join(part.strip().upper() for part in parts).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
