"""Checks on every finished page before it is written (the writer's last word).

Validation refuses the data that would cause these; finding one here means a renderer or
template slipped, and the build stops rather than publish a broken page.
"""
from __future__ import annotations

import re
from collections import Counter

_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.I | re.S)
_ID = re.compile(r"<[a-zA-Z][^<>]*?\sid\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))")


def duplicate_ids(html: str) -> list[str]:
    """``id`` values that occur on more than one element (links to them are ambiguous)."""
    markup = _SCRIPT.sub("", html)
    counts = Counter(next(g for g in m.groups() if g is not None) for m in _ID.finditer(markup))
    return sorted(i for i, n in counts.items() if n > 1)
