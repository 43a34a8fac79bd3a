"""Three-valued (Kleene) logic: met, not met, unknown.

A missing fact or an unpublished threshold is UNKNOWN, never a silent "not met"; an
``any`` with one met branch is met whatever the unknowns, an ``all`` with one unmet
part is not met. Pure Python, no imports beyond the standard library.
"""
from __future__ import annotations

MET = "met"
NOT_MET = "not-met"
UNKNOWN = "unknown"
STATUSES = (MET, NOT_MET, UNKNOWN)


def k_and(values: list[str]) -> str:
    if any(v == NOT_MET for v in values):
        return NOT_MET
    if all(v == MET for v in values):
        return MET
    return UNKNOWN


def k_or(values: list[str]) -> str:
    if any(v == MET for v in values):
        return MET
    if values and all(v == NOT_MET for v in values):
        return NOT_MET
    return UNKNOWN if values else NOT_MET


def k_not(value: str) -> str:
    if value == MET:
        return NOT_MET
    if value == NOT_MET:
        return MET
    return UNKNOWN


def from_bool(value: bool | None) -> str:
    if value is None:
        return UNKNOWN
    return MET if value else NOT_MET
