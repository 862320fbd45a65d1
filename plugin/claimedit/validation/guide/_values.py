"""One element value against its compiled definition: True when pyx12's ``element_if.is_valid_errors`` finds nothing.

Mirrors pyx12 4 (map_if/_element.py and validation.py): the checks run in any order here, since only
"no error at all" matters; where pyx12 would raise (an RD8 with two hyphens, an external code list it does
not know) the value is not valid.
"""

from __future__ import annotations

import re

__all__ = ["Element", "is_valid_date", "is_valid_time", "type_ok"]

_NUMBER = re.compile(r"^-?[0-9]+", re.S | re.ASCII)
_REAL = re.compile(r"^-?[0-9]*(\.[0-9]+)?", re.S | re.ASCII)
_NOT_DIGIT = re.compile(r"[^0-9]+", re.S | re.ASCII)
_CONTROL = frozenset("\x07\x09\x0a\x0b\x0c\x0d\x1c\x1d\x1e\x1f\x01\x02\x03\x04\x05\x06\x11\x12\x13\x14\x15\x16\x17")
_DATE_TYPES = frozenset({"RD8", "DT", "D8", "D6"})
_B_PATTERN = r"""[^A-Z0-9!"&'()*+,\-\./:;?= ]"""
"""pyx12's basic character set (what it checks date/time type lists with: it passes no version there)."""
_E_PATTERN = r"""[^A-Z0-9!"&'()*+,\-\./:;?= a-z%~@\[\]_{}\\|<>#$]"""


def _whole(pattern: re.Pattern[str], value: str) -> bool:
    found = pattern.search(value)
    return found is not None and found.group(0) == value


def is_valid_time(value: str) -> bool:
    """pyx12's ``is_valid_time``."""
    if _NOT_DIGIT.search(value):
        return False
    if value[0:2] > "23" or value[2:4] > "59":
        return False
    return len(value) <= 4 or (6 <= len(value) <= 8 and value[4:6] <= "59")


def is_valid_date(data_type: str, value: str) -> bool:
    """pyx12's ``is_valid_date`` (D8, D6, DT)."""
    if (data_type == "D8" and len(value) != 8) or (data_type == "D6" and len(value) != 6):
        return False
    if _NOT_DIGIT.search(value) or len(value) not in (6, 8, 12):
        return False
    if len(value) == 6:
        value = ("20" if int(value[0:2]) < 50 else "19") + value
    year, month, day = int(value[0:4]), int(value[4:6]), int(value[6:8])
    if year < 1800 or month < 1 or month > 12:
        return False
    if month in (1, 3, 5, 7, 8, 10, 12):
        last = 31
    elif month in (4, 6, 9, 11):
        last = 30
    elif not year % 4 and not (not year % 100 and year % 400):
        last = 29
    else:
        last = 28
    if day < 1 or day > last:
        return False
    return len(value) != 12 or is_valid_time(value[8:12])


def type_ok(value: str, data_type: str, characters: re.Pattern[str]) -> bool:  # noqa: PLR0911
    """pyx12's ``IsValidDataType`` (``characters``: the pattern of characters not allowed in AN and ID)."""
    if not data_type:
        return True
    if data_type[0] == "N":
        return _whole(_NUMBER, value)
    if data_type == "R":
        return _whole(_REAL, value)
    if data_type in ("ID", "AN"):
        found = characters.search(value)
        return not (found and found.group(0))
    if data_type == "RD8":
        if value.count("-") != 1:  # pyx12 raises on two or more hyphens: not clean either way
            return False
        start, end = value.split("-")
        return type_ok(start, "D8", characters) and type_ok(end, "D8", characters)
    if data_type in ("DT", "D8", "D6"):
        return is_valid_date(data_type, value)
    if data_type == "TM":
        return is_valid_time(value)
    return data_type == "B"


_LIST_CHARACTERS = re.compile(_E_PATTERN, re.S | re.ASCII)
"""pyx12 checks a type list (DTP03 by DTP02, DMG02 by DMG01 ...) with the 4010 extended set."""


class Element:
    """A compiled element (or sub-element) and its value check."""

    __slots__ = (
        "any_external",
        "codes",
        "data_ele",
        "data_type",
        "external",
        "list_codes",
        "max_len",
        "min_len",
        "numeric",
        "regex",
        "required_when_empty",
        "seq",
        "text_type",
        "type_codes",
        "usage",
    )

    def __init__(self, data: tuple[object, ...]) -> None:
        (_, usage, seq, data_ele, data_type, min_len, max_len, codes, external, regex, composite_usage) = data
        assert isinstance(usage, str | None)
        assert isinstance(seq, int)
        assert isinstance(data_ele, str)
        assert isinstance(data_type, str)
        assert isinstance(min_len, int)
        assert isinstance(max_len, int)
        assert isinstance(codes, frozenset)
        self.usage = usage
        self.seq = seq
        self.data_ele = data_ele
        self.data_type = data_type
        self.min_len = min_len
        self.max_len = max_len
        self.codes: frozenset[str | None] = codes
        self.list_codes = bool(codes) or external is not None
        self.external: frozenset[str | None] | None = external if isinstance(external, frozenset) else None
        listed = tuple(code for code in codes if code is not None)
        self.type_codes: tuple[str, ...] = listed if data_ele == "1250" else ()
        self.any_external = external is True
        self.regex = re.compile(regex, re.S) if isinstance(regex, str) else None
        self.numeric = bool(data_type) and (data_type == "R" or data_type[0] == "N")
        self.text_type = data_type in ("AN", "ID")
        self.required_when_empty = usage == "R" and (seq != 1 or composite_usage is None or composite_usage == "R")

    def value_ok(self, value: str, characters: re.Pattern[str], type_list: tuple[str, ...] = ()) -> bool:  # noqa: PLR0911
        """A non-empty simple value: no error from pyx12's length, character, code, type, list and regex checks."""
        if self.usage == "N":
            return False
        measured = len(value.replace("-", "").replace(".", "")) if self.numeric else len(value)
        if measured < self.min_len or measured > self.max_len:
            return False
        if not _CONTROL.isdisjoint(value):
            return False
        if self.text_type and value[-1] == " " and len(value.rstrip()) >= self.min_len:
            return False
        if self.list_codes and value not in self.codes and not self._external_ok(value):
            return False
        if not type_ok(value, self.data_type, characters):
            return False
        if (
            type_list
            and ("TM" in type_list or not _DATE_TYPES.isdisjoint(type_list))
            and not any(type_ok(value, kind, _LIST_CHARACTERS) for kind in type_list)
        ):
            return False
        return self.regex is None or self.regex.search(value) is not None

    def _external_ok(self, value: str) -> bool:
        if self.any_external:
            return True
        if self.external is not None:
            return value in self.external
        return False
