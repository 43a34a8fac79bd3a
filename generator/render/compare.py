"""Comparisons: across insurers (care type x contract year) and across years (insurer x family).

Both are computed from the structured data: criteria are grouped by theme (explicit on a
criterion, else inherited from its requirement, tier or contract), and the year view
diffs consecutive policies item by item rather than relying on hand-entered change rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..model import Catalog, PolicyRecord
from .criteria import describe, flatten
from .dates import when_text

UNKNOWN = "unknown"  # a threshold the insurer has not published yet
ABSENT = "absent"    # the policy says nothing about this theme


@dataclass(frozen=True)
class Rule:
    """One statement in a comparison cell."""

    text: str
    anchor: str  # anchor on the policy page
    scope: str = ""  # e.g. the tier it belongs to
    unknown: bool = False


@dataclass
class Column:
    rec: PolicyRecord
    rules: dict[str, list[Rule]] = field(default_factory=dict)  # row id -> rules


# Rows besides the themes of the registry (which already has term, signing,
# selective procurement and tariffs): the contract list first, open questions last.
FIRST_ROWS = [("contracts", "Overeenkomsten en tariefgroepen")]
LAST_ROWS = [("open", "Nog niet bekend")]


def _is_unknown(node: Any) -> bool:
    return node.kind in ("compare", "quantile") and getattr(node, "value", 0) is None


def themed_leaves(catalog: Catalog, crit: Any, theme: str | None,
                  names: dict[str, str]) -> Iterable[tuple[str, str, bool, str | None]]:
    """(theme, text, unknown, anchor id) for every top-level statement of a criterion.

    Conjuncts of an ``all`` are split so each can land in its own theme row; any other
    node is kept whole (an ``any`` of mixed themes stays one readable statement).
    """
    if crit is None:
        return
    own = crit.theme or theme or "other"
    if crit.kind == "all" and not crit.label:
        for child in crit.of:
            yield from themed_leaves(catalog, child, own, names)
        return
    tree = describe(catalog, crit, names)
    parts = [n.text.rstrip(":") for n in flatten(tree) if not n.children]
    text = tree.text if not tree.children else tree.text.rstrip(":") + ": " + "; ".join(parts)
    unknown = any(_is_unknown(n.node) for n in flatten(tree))
    yield own, text, unknown, crit.id


def column_for(catalog: Catalog, rec: PolicyRecord, care_type: str, year: int) -> Column:
    """Everything one policy says about one care type, by comparison row."""
    p = rec.policy
    col = Column(rec)
    names = rec.contract_names
    contracts = [c for c in p.contracts if care_type in c.care_types]
    ids = {c.id for c in contracts}

    def add(row: str, rule: Rule) -> None:
        col.rules.setdefault(row, []).append(rule)

    for req in p.requirements:
        if "all" in req.applies_to or ids & set(req.applies_to):
            for theme, text, unknown, _ in themed_leaves(catalog, req.criterion, req.theme, names):
                add(theme, Rule(text, req.id, "minimumeis", unknown))
    for c in contracts:
        tiers = ", ".join(t.name for t in c.tiers)
        add("contracts", Rule(f"{c.name}" + (f" ({tiers})" if tiers else ""), c.id, c.kind))
        if c.term:
            end = {None: "doorlopend", "unknown": "einde niet vermeld"}.get(c.term.end, c.term.end)
            add("term", Rule(f"{c.name}: {c.term.start}–{end}" if end != c.term.start
                             else f"{c.name}: {c.term.start}", c.id))
        for theme, text, unknown, _ in themed_leaves(catalog, c.criterion, c.theme, names):
            add(theme, Rule(text, c.id, c.name, unknown))
        for t in c.tiers:
            for theme, text, unknown, _ in themed_leaves(catalog, t.criterion, c.theme, names):
                add(theme, Rule(text, t.id, t.name, unknown))
    for rule in p.selective_procurement:
        if care_type in rule.care_types:
            tree = describe(catalog, rule.requirement, names)
            leaves = "; ".join(n.text for n in flatten(tree) if not n.children)
            add("selective-procurement", Rule(f"{rule.condition}: {leaves}", rule.id))
    for dl in p.deadlines:
        if dl.contract_year != year:
            continue
        if dl.applies_to and not ids & set(dl.applies_to):
            continue
        add("signing", Rule(f"{when_text(dl.when)}: {dl.action}", dl.id))
    for tf in p.tariffs:
        if tf.contract_year not in (None, year):
            continue
        if tf.applies_to and not ids & set(tf.applies_to):
            continue
        value = ""
        if tf.value is not None:
            value = f": {tf.value:g}{'%' if tf.unit == 'percent' else ''}"
        add("tariffs", Rule(f"{tf.subject}{value}", tf.id))
    for q in p.open_questions:
        add("open", Rule(q.question, q.id, unknown=True))
    return col


@dataclass
class InsurerComparison:
    care_type: str
    year: int
    columns: list[Column]
    rows: list[tuple[str, str]]  # (row id, label)

    @property
    def slug(self) -> str:
        return f"{self.care_type}-{self.year}"


def insurer_comparisons(catalog: Catalog) -> list[InsurerComparison]:
    """One comparison per care type and contract year that at least one policy covers."""
    keys: set[tuple[str, int]] = set()
    for rec in catalog.policies.values():
        for ct in rec.policy.care_types:
            for year in rec.policy.contract_years:
                keys.add((ct, year))
    theme_rows = [(t.id, t.label) for t in sorted(catalog.themes.values(), key=lambda t: (t.order, t.id))]
    rows = FIRST_ROWS + theme_rows + LAST_ROWS
    out = []
    for ct, year in sorted(keys):
        recs = [r for r in catalog.sorted_policies()
                if ct in r.policy.care_types and year in r.policy.contract_years]
        # one column per insurer: prefer a full policy over a partial one
        best: dict[str, PolicyRecord] = {}
        for r in recs:
            cur = best.get(r.insurer_id)
            if cur is None or (cur.policy.completeness == "partial" and r.policy.completeness == "full"):
                best[r.insurer_id] = r
        columns = [column_for(catalog, r, ct, year) for _, r in sorted(best.items())]
        used = [(rid, label) for rid, label in rows if any(rid in c.rules for c in columns)]
        out.append(InsurerComparison(ct, year, columns, used))
    return out


# --------------------------------------------------------------------------- across years


@dataclass(frozen=True)
class YearRow:
    key: str
    label: str
    cells: tuple[str | None, ...]  # text per policy (None: not in that policy)
    anchors: tuple[str | None, ...]

    @property
    def changed(self) -> bool:
        return len(set(self.cells)) > 1


@dataclass
class YearComparison:
    insurer_id: str
    family: str
    policies: list[PolicyRecord]
    rows: list[YearRow]

    @property
    def slug(self) -> str:
        return f"{self.insurer_id}-{self.family}"


def _year_items(catalog: Catalog, rec: PolicyRecord) -> dict[str, tuple[str, str, str]]:
    """Comparable items of one policy: key -> (label, text, anchor)."""
    p = rec.policy
    names = rec.contract_names
    items: dict[str, tuple[str, str, str]] = {}

    def crit_text(crit: Any) -> str:
        if crit is None:
            return "geen aanvullende voorwaarden"
        return "; ".join(text for _, text, _, _ in themed_leaves(catalog, crit, None, names))

    for req in p.requirements:
        items[f"requirement:{req.id}"] = (f"Minimumeis: {req.title}", crit_text(req.criterion), req.id)
    for c in p.contracts:
        term = ""
        if c.term:
            end = {None: "doorlopend", "unknown": "einde niet vermeld"}.get(c.term.end, c.term.end)
            term = f"{c.term.start}–{end}"
        items[f"contract:{c.id}"] = (f"{c.name}", crit_text(c.criterion), c.id)
        if term:
            items[f"term:{c.id}"] = (f"Looptijd {c.name}", term, c.id)
        for t in c.tiers:
            items[f"tier:{c.id}/{t.id}"] = (f"{c.name} – {t.name}", crit_text(t.criterion), t.id)
    for rule in p.selective_procurement:
        items[f"selective:{rule.id}"] = (f"Selectieve inkoop: {rule.condition}", crit_text(rule.requirement), rule.id)
    for dl in p.deadlines:
        # deadlines are matched by id; their date is the compared value
        items[f"deadline:{dl.id}"] = (dl.action, when_text(dl.when), dl.id)
    for tf in p.tariffs:
        value = f"{tf.value:g}{'%' if tf.unit == 'percent' else ''}" if tf.value is not None else (tf.text or "")
        items[f"tariff:{tf.id}"] = (tf.subject, value, tf.id)
    return items


def year_comparisons(catalog: Catalog) -> list[YearComparison]:
    """One comparison per insurer and care-type family with at least two policies."""
    groups: dict[tuple[str, str], list[PolicyRecord]] = {}
    for rec in catalog.policies.values():
        groups.setdefault((rec.insurer_id, rec.policy.family), []).append(rec)
    out = []
    for (insurer_id, family), recs in sorted(groups.items()):
        if len(recs) < 2:
            continue
        recs.sort(key=lambda r: (r.policy.period.start, r.key))
        per = [_year_items(catalog, r) for r in recs]
        keys: list[str] = []
        for items in per:
            keys.extend(k for k in items if k not in keys)
        rows = []
        for key in keys:
            label = next(items[key][0] for items in per if key in items)
            cells = tuple(items[key][1] if key in items else None for items in per)
            anchors = tuple(items[key][2] if key in items else None for items in per)
            rows.append(YearRow(key, label, cells, anchors))
        out.append(YearComparison(insurer_id, family, recs, rows))
    return out
