"""Where the core edits' rules come from, as findings cite them."""

IG_CLM02 = "005010X222A1 implementation guide, 2300 CLM02 and 2400 SV102 (claim total = sum of line charges)"
IG_SV1 = "005010X222A1 implementation guide, 2400 SV101 (HCPCS/CPT code and modifiers) and SV107 (pointers)"
