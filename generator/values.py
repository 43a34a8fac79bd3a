"""Value rules of the schema's basic types: what validates must also build.

The schema (``generator.schema``) attaches these to its basic types (``Text``, ``ShortText``,
``Url``, ``Number``, ``IsoDate``, ``YearMonth``, ``Id``) so every field of every data kind
gets them, including fields added later:

* text holds no control characters (they corrupt calendars and terminals); one-line text
  holds no line break either (it would split an ICS line or a Markdown block);
* numbers are finite and of a sane size (NaN is not JSON; 5,000 digits are not a threshold);
* dates and months lie in the years 2000-2100 (a 9999-12-31 deadline has no next day, and
  build timestamps must fit 32 bits);
* ids that become file names are not names Windows reserves (``con``, ``aux``, ``com1``).
"""
from __future__ import annotations

import math
from datetime import date
from typing import Any

from .escape import WINDOWS_RESERVED, control_character, describe_character

YEAR_MIN, YEAR_MAX = 2000, 2100
MAX_NUMBER = 10**15  # beyond this a number is a typo; JavaScript stays exact below 2**53


def _where(text: str, position: int) -> str:
    if position == len(text) - 1:
        return "at the end"
    return f"at position {position + 1}"


def multi_line_text(value: str) -> str:
    """Text that may span lines (LF), without any other control character."""
    found = control_character(value, allow_newline=True)
    if found:
        position, ch = found
        raise ValueError(f"text contains a control character, {describe_character(ch)} "
                         f"{_where(value, position)}; remove it")
    return value


def one_line_text(value: str) -> str:
    """Text on one line: no line break, no control character."""
    found = control_character(value)
    if found:
        position, ch = found
        if ch in "\r\n\x0b\x0c\x85\u2028\u2029":
            hint = ("; YAML's '>' and '|' end the text with one, write '>-' or a plain string"
                    if position == len(value) - 1 and ch == "\n" else "")
            raise ValueError(f"must be one line, but contains a line break, {describe_character(ch)} "
                             f"{_where(value, position)}{hint}")
        raise ValueError(f"text contains a control character, {describe_character(ch)} "
                         f"{_where(value, position)}; remove it")
    return value


def finite_number(value: Any) -> Any:
    """A number JSON can hold and a reader can mean: finite, at most 10^15."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    if abs(value) > MAX_NUMBER:
        shown = (f"{value:.3g}" if isinstance(value, float)
                 else f"a number of about {int(abs(value).bit_length() * math.log10(2)) + 1} digits")
        raise ValueError(f"number is too large ({shown}; the limit is 10^15)")
    return value


def year_in_range(value: int) -> int:
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise ValueError(f"year {value} lies outside {YEAR_MIN}-{YEAR_MAX}")
    return value


def date_in_range(value: date) -> date:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValueError(f"date {value.isoformat()} lies outside the years {YEAR_MIN}-{YEAR_MAX}")
    return value


def month_in_range(value: str) -> str:
    """``YYYY-MM`` (its pattern is checked first) within the years 2000-2100."""
    year = int(value[:4])
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"month {value} lies outside the years {YEAR_MIN}-{YEAR_MAX}")
    return value


def not_reserved(value: str) -> str:
    """Ids become file and folder names: never one Windows reserves."""
    if value in WINDOWS_RESERVED:
        raise ValueError(f"'{value}' is a device name Windows reserves; it cannot be an id "
                         "(ids become file names)")
    return value


def no_control(value: str) -> str:
    found = control_character(value)
    if found:
        position, ch = found
        raise ValueError(f"contains a control character, {describe_character(ch)} {_where(value, position)}")
    return value
