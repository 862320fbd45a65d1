"""Where the data edits' rules come from, as findings cite them."""

IG_NM1 = "005010X222A1 implementation guide, NM1 provider loops (NM102 entity type, NM108 XX, NM109 NPI)"
NPI_RULE = "45 CFR 162.406 and the CMS NPI standard: ten digits, Luhn check digit computed with the prefix 80840"
IG_CLM05 = "005010X222A1 implementation guide, 2300 CLM05-1 (place of service) and CLM05-3 (claim frequency code)"
IG_REF_F8 = (
    "005010X222A1 implementation guide, 2300 REF*F8 (payer claim control number: required when CLM05-3 is 7 or 8)"
)
IG_REF_G1 = "005010X222A1 implementation guide, 2300/2400 REF*G1 (prior authorization)"
IG_HI = "005010X222A1 implementation guide, 2300 HI; ICD-10-CM Official Guidelines (each condition coded once)"
IG_CHARGES = "005010X222A1 implementation guide, 2300 CLM02 and 2400 SV102 (monetary amounts)"
TIMELY_MEDICARE = "42 CFR 424.44 (Medicare: claims filed within 12 months of the date of service)"
