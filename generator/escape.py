"""Escaping at the edge: one function per output format that makes data safe for it.

Policy data comes from contributors outside the team, so every string from it is untrusted
text wherever it lands. Renderers never hand-escape: they call the function for the format
they write, at the moment they write it.

===============  ==============================================================
``html``         text or attribute value inside HTML that is *not* parsed as Markdown
``markdown``     text inside Markdown (incl. inline HTML within a Markdown block)
``ics_text``     a TEXT value for the calendar writer (which adds RFC 5545 escapes)
``csv_cell``     a spreadsheet cell: formulas are neutralised (OWASP)
``json_text``    JSON: NaN and Infinity refused, never written
``terminal``     a line for the terminal: control characters shown, never obeyed
``path_segment`` one segment of a generated file path (a validated id, never more)
===============  ==============================================================
"""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from markupsafe import Markup, escape

from .engine.ical import clean as ical_clean

__all__ = ["CONTROL", "csv_cell", "html", "ics_text", "json_text", "markdown", "path_segment",
           "terminal", "control_character"]

# C0 (incl. TAB, LF, CR), DEL, C1 (incl. NEL), the Unicode line and paragraph separators and
# the bidirectional overrides/isolates (which can make a line read differently from what it holds).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def control_character(text: str, *, allow_newline: bool = False) -> tuple[int, str] | None:
    """(position, character) of the first control character in ``text``, else None.

    ``allow_newline``: a plain LF is allowed (multi-line text), CR never is.
    """
    for match in CONTROL.finditer(text):
        if allow_newline and match.group() == "\n":
            continue
        return match.start(), match.group()
    return None


# ----------------------------------------------------------------------------- HTML


def html(value: Any) -> Markup:
    """Text or a quoted attribute value in HTML that no Markdown parser will see."""
    if isinstance(value, Markup):
        return value
    return escape(_printable(str(value), keep_newlines=True))


# ----------------------------------------------------------------------------- Markdown

# Characters Python-Markdown (with the tables and attr_list extensions) gives a meaning and
# accepts a backslash escape for: emphasis, code, links and images, headings, lists, tables,
# attribute lists ({: ... }), block quotes.
_MD_BACKSLASHABLE = frozenset("\\`*_{}[]()#+-.!|")


def markdown(value: Any) -> str:
    """Text that Markdown and the HTML it produces both show literally, on one line.

    Every Markdown punctuation character is backslash-escaped (so no link, image, emphasis
    or ``{: attribute list}`` can form), then ``& < > "`` become entities. The order
    matters: entities written after the backslashes carry no ``#`` that could be escaped
    again (which printed ``Zzp&#39;er``), and apostrophes stay apostrophes. Line breaks
    become spaces: a value never starts a new Markdown block.
    """
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    text = _printable(str(value), keep_newlines=False)
    # str.translate: one C-level pass (a per-character loop was a tenth of generation time)
    return text.translate(_MD_TABLE)


_MD_TABLE = {ord(ch): "\\" + ch for ch in _MD_BACKSLASHABLE} | {
    ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;",
    ord("="): "&#61;",  # no setext underline, no attribute=value
}


# ----------------------------------------------------------------------------- ICS


def ics_text(value: Any, *, one_line: bool = True) -> str:
    """A value for an iCalendar TEXT property, before the writer's RFC 5545 escaping.

    Control characters are dropped; line breaks (CR, LF, CRLF, U+2028 ...) become a space
    in one-line properties (SUMMARY, NAME, CATEGORIES ...) and a single LF in DESCRIPTION,
    which the writer escapes as ``\\n``. A bare CR can therefore never end a content line.
    The calendar writer (``generator.engine.ical``, which also runs in the browser) applies
    this itself to every TEXT value.
    """
    return ical_clean(value, one_line=one_line)


# ----------------------------------------------------------------------------- CSV

# OWASP CSV injection: a cell a spreadsheet would read as a formula or a DDE call.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> str:
    """A cell that spreadsheets show as text: a leading formula character gets a ``'``."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


# ----------------------------------------------------------------------------- JSON


def json_text(data: Any, **kwargs: Any) -> str:
    """``json.dumps`` that refuses NaN and Infinity (they are not JSON; browsers reject them)."""
    return json.dumps(data, allow_nan=False, **kwargs)


# ----------------------------------------------------------------------------- terminal


def terminal(value: Any, *, keep_newlines: bool = False) -> str:
    r"""A message for the terminal: control characters are shown (``\x1b``), never obeyed.

    An ESC sequence in a key or a file name could otherwise clear the screen and print a
    fake "ok". ``keep_newlines`` keeps LF as a line separator between messages that were
    each escaped already.
    """
    return _printable(str(value), keep_newlines=keep_newlines, visible=True)


# ----------------------------------------------------------------------------- paths

_SEGMENT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)*$")
# Device names Windows reserves in every folder, with or without an extension.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{dev}{n}" for dev in ("com", "lpt") for n in "0123456789"]
)


def path_segment(value: str) -> str:
    """One segment of a generated file path: an id (optionally with an extension).

    Validation guarantees this for every id; a failure here is a bug, so it raises.
    """
    if not _SEGMENT.match(value) or value.split(".")[0] in WINDOWS_RESERVED:
        raise ValueError(f"unsafe path segment {value!r}")
    return value


# ----------------------------------------------------------------------------- helpers


def _printable(text: str, *, keep_newlines: bool, visible: bool = False) -> str:
    def replace(match: re.Match[str]) -> str:
        ch = match.group()
        if ch == "\n" and keep_newlines:
            return ch
        if visible:
            return _visible(ch)
        return " " if _LINE_BREAKS.fullmatch(ch) or ch == "\t" else "\ufffd"

    return CONTROL.sub(replace, text)


def _visible(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def describe_character(ch: str) -> str:
    """``U+001B (ESCAPE)`` for messages."""
    name = unicodedata.name(ch, "")
    if not name:
        name = {"\x00": "NULL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN",
                "\x1b": "ESCAPE", "\x7f": "DELETE", "\x85": "NEXT LINE"}.get(ch, "control character")
    return f"U+{ord(ch):04X} ({name})"
