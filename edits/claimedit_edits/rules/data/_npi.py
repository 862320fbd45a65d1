"""The NPI check digit: Luhn (ISO/IEC 7812) over the nine identifier digits prefixed with 80840."""

from __future__ import annotations

import functools

__all__ = ["npi_check_digit", "npi_is_valid"]


def npi_check_digit(first_nine: str) -> str:
    """The tenth digit of an NPI whose first nine digits are ``first_nine``."""
    total = 24  # the prefix 80840 contributes 24 to the Luhn sum of a ten-digit NPI
    for index, character in enumerate(reversed(first_nine)):
        digit = int(character)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


@functools.lru_cache(maxsize=4096)
def npi_is_valid(npi: str) -> bool:
    """Ten digits, the first 1 or 2, and the right check digit."""
    return len(npi) == 10 and npi.isdigit() and npi[0] in "12" and npi_check_digit(npi[:9]) == npi[9]
