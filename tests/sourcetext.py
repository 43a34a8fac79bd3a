"""Read the extracted source texts, so tests can tie the YAML data to what the sources say.

The texts live outside the repository (``../shared/sources``) and are never copied into
it; tests read them only to count and compare.
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = Path(os.environ.get("INKOOPWIJZER_SOURCES", REPO.parent / "shared" / "sources"))

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})-(\d{1,2})-(\d{4})\b")


def source_text(name: str) -> str:
    """The full text of one source file; skips the test when the sources are absent."""
    path = SOURCES / name
    if not path.is_file():
        pytest.skip(f"source text {path} not available (set INKOOPWIJZER_SOURCES)")
    return path.read_text(encoding="utf-8")


def text_fixture(name: str):
    """A module-scoped ``text`` fixture holding one source file's text."""

    @pytest.fixture(scope="module", name="text")
    def _text() -> str:
        return source_text(name)

    return _text


def policy_fixture(key: str, name: str):
    """A module-scoped fixture named ``name`` holding the policy ``key`` of the real catalog."""

    @pytest.fixture(scope="module", name=name)
    def _policy(catalog):
        return catalog.policies[key].policy

    return _policy


def section(text: str, start: str, end: str | None = None) -> str:
    """The part of ``text`` from the first ``start`` up to the next ``end`` (exclusive)."""
    i = text.index(start)
    if end is None:
        return text[i:]
    j = text.index(end, i + len(start))
    return text[i:j]


def normalise(text: str) -> str:
    """Collapse the PDF's line breaks and repeated spaces."""
    return re.sub(r"\s+", " ", text)


def dutch_dates(text: str) -> list[date]:
    """Every full date written as '15 juni 2023' (or '23-10-2023'), in order of appearance."""
    flat = normalise(text)
    found = [(m.start(), date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))))
             for m in _DATE.finditer(flat)]
    found += [(m.start(), date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
              for m in _NUMERIC_DATE.finditer(flat)]
    return [d for _, d in sorted(found)]


def deadline_dates(policy) -> set[date]:
    """All calendar dates a policy's deadlines mention (dates, range bounds, previous values)."""
    out: set[date] = set()
    for dl in policy.deadlines:
        for when in [dl.when, *dl.previous]:
            if when.kind == "date":
                out.add(when.date)
            elif when.kind == "range":
                out.add(when.start)
                if when.end:
                    out.add(when.end)
    return out
