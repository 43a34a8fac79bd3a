"""Criteria as readable trees for the pages; the wording itself is the engine's.

``generator.engine.text`` words a criterion from its JSON form; this module walks the
pydantic tree (the pages need ids, notes and citations) and asks it for each node's text.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from ..engine.text import Texts, number
from ..model import Catalog

__all__ = ["CONNECTIVES", "Cond", "CriterionText", "conditions", "describe", "flatten", "number", "prune",
           "texts_for"]


@dataclass
class CriterionText:
    """One node of a readable criterion tree."""

    text: str
    node: Any
    children: list["CriterionText"] = field(default_factory=list)


def texts_for(catalog: Catalog, names: dict[str, str] | None = None) -> Texts:
    reg = catalog.registry_json
    return Texts(reg["facts"], reg["registers"], reg["regions"], names, reg["care-types"])


def _shallow(node: Any) -> dict[str, Any]:
    """The node's own fields as JSON, without its children (enough to word it)."""
    return node.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"of"})


def describe(catalog: Catalog, crit: Any, names: dict[str, str] | None = None) -> CriterionText:
    """The readable tree for ``crit``; ``names`` maps contract refs to display names."""
    texts = texts_for(catalog, names)

    def walk(node: Any) -> CriterionText:
        children = []
        if node.kind in ("all", "any"):
            children = [walk(c) for c in node.of]
        elif node.kind in ("not", "care-type"):
            children = [walk(node.of)]
        return CriterionText(texts.head(_shallow(node)), node, children)

    return walk(crit)


def flatten(tree: CriterionText) -> list[CriterionText]:
    out = [tree]
    for child in tree.children:
        out.extend(flatten(child))
    return out


# --------------------------------------------------------------------------- conditions
#
# A criterion as the comparisons show it: a tree that keeps its logic (``all`` / ``any`` /
# ``not``), knows the theme of every condition and can be cut down to the conditions of one
# theme while saying what it left out. Pure data: ``compare_pages`` renders it.

CONNECTIVES = {"all": "alle", "any": "één van", "not": "niet"}
# Fields that do not change what a condition asks (wording, anchors, grouping, citations).
_NOT_MEANING = {"label", "id", "note", "cite", "theme"}


@dataclass(frozen=True)
class Cond:
    """One condition, or a group of them joined by a connective."""

    text: str                       # the label, else generated wording ("" for a bare group)
    kind: str                       # criterion kind
    theme: str                      # own theme, else inherited from the parent or the item
    children: tuple["Cond", ...] = ()
    anchor: str | None = None       # the node's id (an anchor on the policy page)
    unknown: bool = False           # a threshold the insurer has not published yet
    guideline: bool = False         # weighed by the insurer, not a hard threshold
    incomplete: bool = False        # the source breaks the list off
    left_out: tuple[str, ...] = ()  # one theme per part shown under another theme
    subject: str = ""               # kind and what it tests: matches conditions across years
    value: str = ""                 # generated wording of a leaf: what a change shows
    meaning: str = ""               # canonical form of what it asks (wording left out)

    @property
    def connective(self) -> str | None:
        """"alle", "één van" or "niet" for a group; None for a single condition."""
        if self.kind in CONNECTIVES and (self.children or self.left_out):
            return CONNECTIVES[self.kind]
        return None

    def walk(self) -> list["Cond"]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def leaves(self) -> list["Cond"]:
        return [n for n in self.walk() if not n.children and n.kind not in CONNECTIVES]

    @property
    def has_unknown(self) -> bool:
        return any(n.unknown for n in self.walk())

    @property
    def themes(self) -> list[str]:
        """Themes of its conditions, in order of appearance."""
        out: list[str] = []
        for leaf in self.leaves():
            if leaf.theme not in out:
                out.append(leaf.theme)
        return out

    @property
    def shape(self) -> str:
        """The logic without the wording: equal shapes ask the same."""
        if not self.children:
            return self.meaning
        return f"{self.meaning}({','.join(c.shape for c in self.children)})"


def _subject(data: dict[str, Any]) -> str:
    for key in ("fact", "register", "contracts", "regions", "years", "care_types"):
        if key in data:
            return f"{data['kind']}:{data[key]}"
    return str(data["kind"])


def _in_year(node: Any, year: int | None) -> bool | None:
    """Whether a contract-year condition (or its negation) holds in ``year``; None: not one."""
    if year is None:
        return None
    if node.kind == "contract-year":
        return year in node.years
    if node.kind == "not" and node.of.kind == "contract-year":
        return year not in node.of.years
    return None


def conditions(catalog: Catalog, crit: Any, theme: str | None, names: dict[str, str] | None = None,
               care_type: str | None = None, year: int | None = None) -> Cond | None:
    """The condition tree of ``crit``; ``theme`` is the item's theme (conditions without one
    inherit it). With ``care_type``, parts that apply only to other care types are left out
    of an ``all`` (for that care type they hold); with ``year``, contract-year conditions are
    decided: left out of an ``all`` where they hold, of an ``any`` where they do not. None
    when nothing is left."""
    if crit is None:
        return None
    texts = texts_for(catalog, names)

    def build(node: Any, inherited: str) -> Cond | None:
        own = node.theme or inherited
        children: list[Cond] = []
        kids = list(node.of) if node.kind in ("all", "any") else [node.of] if node.kind in ("not", "care-type") else []
        if node.kind == "any" and any(_in_year(kid, year) is True for kid in kids):
            return None  # "or in another contract year" while comparing such a year: holds
        if node.kind == "any" and any(_in_year(kid, year) is False for kid in kids):
            kept = [kid for kid in kids if _in_year(kid, year) is not False]
            kids = kept or kids  # an option for other contract years is no option in this one
        for kid in kids:
            if (care_type and node.kind == "all" and kid.kind == "care-type"
                    and care_type not in kid.care_types):
                continue  # a condition for another care type: holds for this one
            if node.kind == "all" and _in_year(kid, year) is True:
                continue  # "in contract year X" while comparing year X: holds
            built = build(kid, own)
            if built is not None:
                children.append(built)
        if kids and not children:
            return None
        data = _shallow(node)
        meaning = json.dumps({k: v for k, v in sorted(data.items()) if k not in _NOT_MEANING},
                             ensure_ascii=False, sort_keys=True)
        if kids:
            text = node.label or (texts.head(data) if node.kind == "care-type" else "")
            value = ""
        else:
            text = texts.head(data)
            value = texts.leaf(data) + (" (richtlijn)" if node.binding == "guideline" else "")
        return Cond(
            text=text, kind=node.kind, theme=own, children=tuple(children), anchor=node.id,
            unknown=node.kind in ("compare", "quantile") and getattr(node, "value", 0) is None,
            guideline=node.binding == "guideline", incomplete=bool(getattr(node, "incomplete", False)),
            subject=_subject(data), value=value, meaning=meaning)

    return build(crit, theme or "other")


def _first_theme(cond: Cond) -> str:
    """The theme a left-out part is filed under: its own, else that of its first condition."""
    if not cond.children:
        return cond.theme
    leaves = cond.leaves()
    return leaves[0].theme if leaves else cond.theme


def prune(cond: Cond, theme: str) -> Cond | None:
    """``cond`` cut down to the conditions of ``theme``; every part left out is named (by
    its theme) in ``left_out`` of the group it was in. None when no condition is of ``theme``."""
    if not cond.children:
        return cond if cond.theme == theme else None
    kept: list[Cond] = []
    left = list(cond.left_out)
    for child in cond.children:
        pruned = prune(child, theme)
        if pruned is None:
            left.append(_first_theme(child))
        else:
            kept.append(pruned)
    if not kept:
        return None
    return replace(cond, children=tuple(kept), left_out=tuple(left))
