"""Which diagnosis code set a claim's date of service calls for (HIPAA: ICD-10-CM from 2015-10-01)."""

from __future__ import annotations

import datetime as dt

from claimedit_edits.model import Claim
from claimedit_edits.rules.common.service_days import first_service_day

ICD10_FROM = dt.date(2015, 10, 1)
"""45 CFR 162.1002(c)(2)-(3): ICD-10-CM for dates of service on or after October 1, 2015; ICD-9-CM before."""
ICD10_QUALIFIERS = frozenset({"ABK", "ABF"})
ICD9_QUALIFIERS = frozenset({"BK", "BF"})
HIPAA_CODE_SETS = "45 CFR 162.1002 (ICD-9-CM before 2015-10-01, ICD-10-CM from 2015-10-01)"


def diagnosis_day(claim: Claim) -> dt.date | None:
    """The date the claim's diagnoses are coded for: the earliest line date of service, else the claim's."""
    first = first_service_day(claim)
    return first if first is not None else claim.date_of_service


def code_set_for(day: dt.date | None) -> str:
    """``icd9cm`` before 2015-10-01, ``icd10cm`` from then (and when no date is known)."""
    return "icd9cm" if day is not None and day < ICD10_FROM else "icd10cm"
