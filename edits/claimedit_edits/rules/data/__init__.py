"""Claim data checked the way payers check it: NPIs, taxonomy, place of service, frequency, charges, dates,
diagnoses listed twice, timely filing and prior authorization, against dated reference data."""
