"""Validation of what ids become on the site: file paths, page URLs and anchors.

Ids are file names and anchors, so some would silently overwrite or shadow other output:
an insurer ``alle`` replaces the feed of all deadlines (``agenda/alle.ics``), ``zorgsoort``
a care-type feed, ``index`` the insurer list; two insurer/family pairs can join to the same
comparison URL (``a-b`` + ``c`` and ``a`` + ``b-c``); an item id equal to a section heading's
anchor duplicates an ``id=`` on the policy page. Each is a located error here, before any
renderer runs (the writer refuses them again, as a bug, should one slip through).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Callable

from markdown.extensions.toc import slugify

from .errors import Problem
from .escape import WINDOWS_RESERVED
from . import memo
from .load import Document, display_path, parsed_digest
from .model import Catalog

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Ids that name a fixed part of the site next to the items they sit among.
RESERVED_INSURER_IDS = {
    "alle": "agenda/alle.ics is the feed of all deadlines; beleid/alle/ and agenda/alle/ hold the parts of long lists",
    "zorgsoort": "agenda/zorgsoort/ holds the care-type feeds",
    "deadline": "agenda/deadline/ holds one calendar file per deadline",
    "index": "verzekeraars/index is the list of insurers",
}
RESERVED_TERM_IDS = {"index": "begrippen/index is the glossary"}


@functools.lru_cache(maxsize=None)
def section_anchors(template: str = "policy.md.j2") -> frozenset[str]:
    """Anchors the policy page gives its fixed section headings (``## Minimumeisen``)."""
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    headings = re.findall(r"^#{1,6}[ \t]+([^{\n]+?)[ \t]*$", text, re.M)
    return frozenset(slugify(h, "-") for h in headings)


def check_paths(catalog: Catalog, policy_docs: dict[str, Document],
                registry_docs: dict[str, list[tuple[Document, int, Any]]], root_display: str,
                add: Callable[[Problem], None]) -> None:
    """Report every id that would collide on the site, located in its file."""

    def error(doc: Document, path: tuple[Any, ...], message: str) -> None:
        line, col = doc.mark(path)
        add(Problem(doc.file, line, col, display_path(path), message))

    # Insurers: the folder name is the id.
    for iid in sorted(catalog.insurers):
        where = str(Path(root_display) / iid / "index.yaml")
        if iid in RESERVED_INSURER_IDS:
            add(Problem(where, 1, 1, "(folder)",
                        f"insurer id '{iid}' is reserved ({RESERVED_INSURER_IDS[iid]}); rename the folder"))
        elif iid in WINDOWS_RESERVED:
            add(Problem(where, 1, 1, "(folder)",
                        f"insurer id '{iid}' is a device name Windows reserves; rename the folder"))

    # Policies: the file name is the id.
    for key, rec in sorted(catalog.policies.items()):
        if rec.stem in WINDOWS_RESERVED:
            add(Problem(rec.file, 1, 1, "(document)",
                        f"policy file name '{rec.stem}' is a device name Windows reserves; rename the file"))

    # Source texts are looked up by file name under shared/sources/: never a path.
    for doc, i, src in registry_docs.get("sources", []):
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", src.file) or ".." in src.file:
            error(doc, (i, "file"), f"expected a plain file name (no folders), got '{src.file}'")

    # Glossary terms become pages next to the glossary index.
    for doc, i, term in registry_docs.get("glossary", []):
        if term.id in RESERVED_TERM_IDS:
            error(doc, (i, "id"), f"glossary id '{term.id}' is reserved ({RESERVED_TERM_IDS[term.id]})")

    # Comparisons across years: vergelijk/jaren/<insurer>-<family>/ must be unique.
    slugs: dict[str, tuple[str, str, str]] = {}
    for key, rec in sorted(catalog.policies.items()):
        pair = (rec.insurer_id, rec.policy.family)
        slug = f"{rec.insurer_id}-{rec.policy.family}"
        first = slugs.setdefault(slug, (*pair, key))
        if first[:2] != pair:
            error(policy_docs[key], ("family",),
                  f"insurer '{pair[0]}' with family '{pair[1]}' and insurer '{first[0]}' with family "
                  f"'{first[1]}' ({first[2]}) would share the comparison page vergelijk/jaren/{slug}/; "
                  "rename a family or an insurer")

    # Agenda rows are anchored as <insurer>-<policy>-<deadline>.
    anchors: dict[str, str] = {}
    for key, rec in sorted(catalog.policies.items()):
        for i, dl in enumerate(rec.policy.deadlines):
            anchor = f"{key.replace('/', '-')}-{dl.id}"
            other = anchors.setdefault(anchor, f"{key}#{dl.id}")
            if other != f"{key}#{dl.id}":
                error(policy_docs[key], ("deadlines", i, "id"),
                      f"deadline '{dl.id}' and {other} would share the agenda anchor #{anchor}; rename one")

    # Item ids on a policy page must not equal a heading's anchor.
    fixed = section_anchors()
    for key, rec in sorted(catalog.policies.items()):
        doc = policy_docs[key]

        def anchor_problems() -> list[Problem]:
            found: list[Problem] = []
            taken = dict.fromkeys(fixed, "a section heading")
            taken[slugify(rec.policy.title, "-")] = "the page title"
            for path, item_id in _item_ids(doc.data):
                if item_id in taken:
                    line, col = doc.mark(path + ("id",))
                    found.append(Problem(doc.file, line, col, display_path(path + ("id",)),
                                         f"id '{item_id}' is the anchor of {taken[item_id]} on the policy page; "
                                         "choose another id"))
            return found

        # a function of the policy's file alone: a serve session checks an unchanged one once
        inputs = ("heading-anchors", key, parsed_digest(doc.file)) \
            if memo.active() and parsed_digest(doc.file) is not None else None
        for problem in memo.cached(inputs, anchor_problems):
            add(problem)


def _item_ids(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """(path, id) of every item with an ``id`` in a policy document (criteria included)."""
    found = []
    if isinstance(data, dict):
        if isinstance(data.get("id"), str) and path:
            found.append((path, data["id"]))
        for k, v in data.items():
            if k != "cite":
                found.extend(_item_ids(v, path + (k,)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found.extend(_item_ids(v, path + (i,)))
    return found
