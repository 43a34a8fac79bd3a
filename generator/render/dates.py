"""Dutch wording of dates and deadline moments, shared by every renderer.

The wording itself lives in the engine package (``generator.engine.dates``), so the checker in
the browser words a deadline exactly as the pages and the calendar feeds do.
"""
from __future__ import annotations

from ..engine.dates import BOUND, EVERY, MONTHS, dutch_date, offset_text, when_sort_key, when_text

__all__ = ["BOUND", "EVERY", "MONTHS", "dutch_date", "offset_text", "when_sort_key", "when_text"]
