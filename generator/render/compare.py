"""Comparisons: across insurers (care type x contract year) and across years (insurer x family).

Everything is computed from the structured data and handed to the page renderer
(``compare_pages``) as finished pieces:

* every criterion becomes a ``Cond`` tree that keeps its logic and knows the theme of each
  condition; a theme row shows an item's tree cut down to that theme's conditions and names
  what it left out, so a behandelindex band inside a tier lands in the behandelindex row;
* a cell only says "niet in dit beleid" for a full policy; for a partial one the rule may
  exist in the part that is not known;
* the tier ladder lists, per insurer, its contracts and tariff groups best first, with what
  each requires, its tariff, running period and negotiability;
* the years view diffs consecutive policies condition by condition (added, removed, changed
  with the old and the new value), and never reads "not known" as "no conditions".
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Catalog, PolicyRecord
from .. import memo
from .criteria import Cond, conditions, number, prune
from .dates import when_text

# What a cell says when a policy has nothing for a row.
ABSENT = "niet in dit beleid"                              # a full policy is silent on it
PARTIAL = "onbekend — beleid gedeeltelijk bekend"          # a partial policy: not known

KIND_LABELS = {"contract": "overeenkomst", "module": "module", "addendum": "addendum",
               "arrangement": "aanvullende afspraak"}
KIND_ORDER = {"contract": 0, "module": 1, "addendum": 2, "arrangement": 3}
REQUIREMENT_KINDS = {"contract": "minimumeis", "care": "eis voor een deel van de zorg",
                     "tariff": "eis voor het tarief", "none": "verwachting (geen eis)"}

# Rows besides the themes of the registry (which already has term, signing, selective
# procurement and tariffs): the contract list first, open questions last.
FIRST_ROWS = [("contracts", "Overeenkomsten en tariefgroepen")]
LAST_ROWS = [("open", "Nog niet bekend")]


def term_text(term: Any) -> str:
    if term is None:
        return ""
    end = {None: "doorlopend", "unknown": "einde niet vermeld"}.get(term.end, term.end)
    return str(term.start) if end == term.start else f"{term.start}–{end}"


def negotiable_text(value: bool | None) -> str:
    return {True: "ja", False: "nee"}.get(value, "niet vermeld")


def offered(contract: Any, year: int) -> bool:
    """Whether the contract runs in ``year`` (its own term; the engine's ``offered``)."""
    return contract.term is None or contract.term.covers(year)


def checker_scope(care_type: str, year: int, insurer: str) -> dict[str, Any]:
    """The checker's scope (its URL fragment ``#selectie=``) for one insurer."""
    return {"care_type": care_type, "year": year, "insurers": [insurer]}


# --------------------------------------------------------------------------- across insurers


@dataclass(frozen=True)
class Entry:
    """One statement in a comparison cell: an item and what it says on this row."""

    title: str                      # the item's name: requirement title, tier name, action ...
    rec: PolicyRecord               # the policy page it links to
    anchor: str                     # the item's id there
    kind: str = ""                  # "minimumeis", "tariefgroep", "module" ...
    cond: Cond | None = None        # its conditions of this row's theme, with their logic
    text: str = ""                  # a plain statement (a date, a tariff, a running period)
    parts: tuple[tuple[str, str], ...] = ()  # (name, anchor) listed under it (tiers)
    unknown: bool = False           # holds a value the insurer has not published yet
    continued: bool = False         # a contract that runs on from an earlier policy
    dated: bool = False             # a step of the planning: ``text`` is its moment

    def __post_init__(self) -> None:
        if self.cond is not None and self.cond.has_unknown:
            object.__setattr__(self, "unknown", True)


@dataclass
class Column:
    rec: PolicyRecord
    rules: dict[str, list[Entry]] = field(default_factory=dict)  # row id -> entries

    @property
    def partial(self) -> bool:
        return self.rec.policy.completeness == "partial"

    @property
    def empty_text(self) -> str:
        """What a cell without entries says."""
        return PARTIAL if self.partial else ABSENT


def _offered_contracts(catalog: Catalog, rec: PolicyRecord, care_type: str,
                       year: int) -> list[tuple[PolicyRecord, Any]]:
    """(policy, contract) offered for the care type in the year: the policy's own, then the
    contracts of earlier policies that run on into it (``continues``)."""
    out = [(rec, c) for c in rec.policy.contracts if care_type in c.care_types and offered(c, year)]
    for cont in rec.policy.continues:
        old = catalog.policies.get(cont.policy)
        if old is None:
            continue
        out += [(old, c) for c in old.policy.contracts
                if c.id in cont.contracts and care_type in c.care_types and offered(c, year)]
    return out


def column_for(catalog: Catalog, rec: PolicyRecord, care_type: str, year: int) -> Column:
    """Everything one policy says about one care type, by comparison row."""
    p = rec.policy
    col = Column(rec)
    contracts = _offered_contracts(catalog, rec, care_type, year)

    def add(row: str, entry: Entry) -> None:
        col.rules.setdefault(row, []).append(entry)

    def add_themed(cond: Cond | None, **entry: Any) -> None:
        """One entry per theme the conditions touch, each cut down to that theme."""
        if cond is None:
            return
        for theme in cond.themes:
            add(theme, Entry(cond=prune(cond, theme), **entry))

    # minimum requirements of every policy a contract comes from, once each
    seen: set[tuple[str, str]] = set()
    for owner, c in contracts:
        for req in owner.policy.requirements:
            if (owner.key, req.id) in seen or not ("all" in req.applies_to or c.id in req.applies_to):
                continue
            seen.add((owner.key, req.id))
            cond = conditions(catalog, req.criterion, req.theme, owner.contract_names, care_type, year)
            kind = REQUIREMENT_KINDS[req.consequence]
            add_themed(cond, title=req.title, rec=owner, anchor=req.id, kind=kind,
                       continued=owner is not rec)
            if req.consequence == "tariff":
                add("tariffs", Entry(req.title, owner, req.id, kind, text=req.consequence_text or ""))

    with_tiers = sum(1 for _, c in contracts if c.tiers)
    for owner, c in contracts:
        names = owner.contract_names
        kind = KIND_LABELS[c.kind]
        cont = owner is not rec
        add("contracts", Entry(c.name, owner, c.id, kind, parts=tuple((t.name, t.id) for t in c.tiers),
                               continued=cont))
        if c.term:
            add("term", Entry(c.name, owner, c.id, kind, text=term_text(c.term), continued=cont))
        add_themed(conditions(catalog, c.criterion, c.theme, names, care_type, year),
                   title=c.name, rec=owner, anchor=c.id, kind=kind, continued=cont)
        if c.tariff:
            add("tariffs", Entry(c.name, owner, c.id, kind, text=c.tariff, continued=cont))
        for t in c.tiers:
            title = f"{c.name} – {t.name}" if with_tiers > 1 else t.name
            add_themed(conditions(catalog, t.criterion, c.theme, names, care_type, year),
                       title=title, rec=owner, anchor=t.id, kind="tariefgroep", continued=cont)
            if t.tariff:
                add("tariffs", Entry(title, owner, t.id, "tariefgroep", text=t.tariff, continued=cont))
        tiers = {t.id: t.name for t in c.tiers}
        for cap in c.caps:
            limit = f"hoogstens {tiers.get(cap.at_most, cap.at_most)}" if cap.at_most != "none" else "geen overeenkomst"
            add_themed(conditions(catalog, cap.criterion, c.theme, names, care_type, year),
                       title=f"{c.name}: {limit}", rec=owner, anchor=cap.id, kind="grens", continued=cont)
    for rule in p.selective_procurement:
        if care_type in rule.care_types:
            cond = conditions(catalog, rule.requirement, "selective-procurement", rec.contract_names, care_type, year)
            add("selective-procurement", Entry(rule.condition, rec, rule.id, "selectieve inkoop", cond=cond))
    ids = {c.id for owner, c in contracts if owner is rec}
    for dl in p.deadlines:
        if dl.contract_year != year or (dl.applies_to and not ids & set(dl.applies_to)):
            continue
        add("signing", Entry(dl.action, rec, dl.id, text=when_text(dl.when), dated=True))
    for tf in p.tariffs:
        if tf.contract_year not in (None, year) or (tf.applies_to and not ids & set(tf.applies_to)):
            continue
        add("tariffs", Entry(tf.subject, rec, tf.id, text=tariff_value(tf)))
    for q in p.open_questions:
        if q.answered_by is None:
            add("open", Entry(q.question, rec, q.id, unknown=True))
    return col


def tariff_value(tf: Any) -> str:
    """A tariff fact's value in words (its number with unit, else its text)."""
    if tf.value is not None:
        unit = {"percent": "%", "eur": ""}.get(tf.unit, "")
        value = f"€ {number(tf.value)}" if tf.unit == "eur" else f"{number(tf.value)}{unit}"
        return value + (f" ({tf.text})" if tf.text else "")
    return tf.text or ""


# ------------------------------------------------------------------ the tier ladder


@dataclass(frozen=True)
class Step:
    """One tariff group of a contract, best first."""

    name: str
    anchor: str
    cond: Cond | None          # its own conditions, on top of the contract's
    tariff: str | None         # what it pays, as the source words it
    caps: tuple[str, ...] = ()  # rules that can hold a practice below this tier


@dataclass(frozen=True)
class Rung:
    """One contract (or module, addendum, arrangement) of an insurer's ladder."""

    rec: PolicyRecord           # the policy it is in (for a continued contract: the earlier one)
    anchor: str
    name: str
    kind: str                   # contract kind
    term: str
    negotiable: str
    procurement: str | None
    cond: Cond | None           # the contract's own conditions (dependencies included)
    requirements: tuple[tuple[str, str, str], ...]  # (title, anchor, kind label) that apply
    tiers: tuple[Step, ...]
    tariffs: tuple[str, ...]
    continued: bool
    incomplete: bool            # the source cuts its conditions off


@dataclass(frozen=True)
class Ladder:
    rec: PolicyRecord
    insurer_id: str
    rungs: tuple[Rung, ...]
    scope: dict[str, Any]       # the checker's scope for this insurer, care type and year


def ladder_for(catalog: Catalog, rec: PolicyRecord, care_type: str, year: int) -> Ladder:
    contracts = _offered_contracts(catalog, rec, care_type, year)
    contracts.sort(key=lambda oc: KIND_ORDER[oc[1].kind])  # stable: source order within a kind
    rungs = []
    for owner, c in contracts:
        names = owner.contract_names
        reqs = tuple((r.title, r.id, REQUIREMENT_KINDS[r.consequence]) for r in owner.policy.requirements
                     if "all" in r.applies_to or c.id in r.applies_to)
        tiers = {t.id: t.name for t in c.tiers}
        caps: dict[str, list[str]] = {}
        order = [t.id for t in c.tiers]
        for cap in c.caps:
            limit = (f"hoogstens {tiers.get(cap.at_most, cap.at_most)}" if cap.at_most != "none"
                     else "geen overeenkomst")
            cond = conditions(catalog, cap.criterion, c.theme, names, care_type, year)
            what = cap.label or (cond.text if cond is not None else "")
            text = f"{what} — dan {limit}" if what else limit
            better = order[: order.index(cap.at_most)] if cap.at_most in order else order
            for tid in better:
                caps.setdefault(tid, []).append(text)
        steps = tuple(Step(t.name, t.id, conditions(catalog, t.criterion, c.theme, names, care_type, year),
                           t.tariff, tuple(caps.get(t.id, ()))) for t in c.tiers)
        tariffs = ([c.tariff] if c.tariff else []) + [
            f"{tf.subject}: {tariff_value(tf)}" if tariff_value(tf) else tf.subject
            for tf in owner.policy.tariffs if c.id in tf.applies_to and tf.contract_year in (None, year)]
        rungs.append(Rung(owner, c.id, c.name, c.kind, term_text(c.term), negotiable_text(c.negotiable),
                          c.procurement, conditions(catalog, c.criterion, c.theme, names, care_type, year),
                          reqs, steps, tuple(tariffs), owner is not rec, c.incomplete))
    return Ladder(rec, rec.insurer_id, tuple(rungs), checker_scope(care_type, year, rec.insurer_id))


@dataclass
class InsurerComparison:
    care_type: str
    year: int
    columns: list[Column]
    rows: list[tuple[str, str]]  # (row id, label)
    ladders: list[Ladder] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return f"{self.care_type}-{self.year}"

    @property
    def is_comparison(self) -> bool:
        """Two or more insurers: a comparison; one insurer: an overview."""
        return len(self.columns) >= 2


def insurer_comparisons(catalog: Catalog) -> list[InsurerComparison]:
    """One page per care type and contract year that at least one policy covers."""
    clusters: dict[tuple[str, int], list[PolicyRecord]] = {}
    for rec in catalog.sorted_policies():
        for ct in rec.policy.care_types:
            for year in rec.policy.contract_years:
                clusters.setdefault((ct, year), []).append(rec)
    out = []
    for (ct, year), recs in sorted(clusters.items()):
        key = ("insurer-comparison", memo.context(catalog), ct, year,
               memo.with_continued(catalog, recs)) if memo.active() else None
        out.append(memo.cached(key, lambda: _insurer_comparison(catalog, ct, year, recs)))
    return out


def _insurer_comparison(catalog: Catalog, ct: str, year: int, recs: list[PolicyRecord]) -> InsurerComparison:
    """``recs``: the policies that cover the care type in the year, by key."""
    theme_rows = [(t.id, t.label) for t in sorted(catalog.themes.values(), key=lambda t: (t.order, t.id))]
    rows = FIRST_ROWS + theme_rows + LAST_ROWS
    # one column per insurer: prefer a full policy over a partial one
    best: dict[str, PolicyRecord] = {}
    for r in recs:
        cur = best.get(r.insurer_id)
        if cur is None or (cur.policy.completeness == "partial" and r.policy.completeness == "full"):
            best[r.insurer_id] = r
    chosen = [r for _, r in sorted(best.items())]
    columns, ladders = [], []
    for r in chosen:  # a serve session computes again only the columns of edited policies
        key = ("column", memo.context(catalog), ct, year, memo.with_continued(catalog, [r])) \
            if memo.active() else None
        column, ladder = memo.cached(key, lambda: (column_for(catalog, r, ct, year), ladder_for(catalog, r, ct, year)))
        columns.append(column)
        ladders.append(ladder)
    used = [(rid, label) for rid, label in rows if any(rid in c.rules for c in columns)]
    return InsurerComparison(ct, year, columns, used, ladders)


# --------------------------------------------------------------------------- across years


@dataclass(frozen=True)
class Version:
    """One item (requirement, contract, tier, selective rule) in one policy."""

    rec: PolicyRecord
    anchor: str
    cond: Cond | None
    facts: tuple[tuple[str, str], ...]  # (label, value): running period, negotiability, tariff
    known: bool                          # False: its conditions are not (fully) in the source
    empty: str                           # what "no conditions" means for this item


@dataclass(frozen=True)
class Mark:
    """One difference with the previous policy."""

    kind: str          # added | removed | changed | logic | maybe-added | maybe-removed | regrouped
    label: str         # the condition (or fact) it concerns
    old: str = ""
    new: str = ""
    key: str = ""      # the condition's match key in this version (added / changed)

    @property
    def certain(self) -> bool:
        return not self.kind.startswith("maybe-") and self.kind != "regrouped"


@dataclass(frozen=True)
class YearCell:
    state: str                          # present | absent | unknown
    version: Version | None
    marks: tuple[Mark, ...] = ()        # against the previous policy
    source_changes: tuple[str, ...] = ()  # the source's own change rows about this item
    against: str = ""                   # marks are against this earlier year (not the one before)

    @property
    def changed(self) -> bool:
        return any(m.certain for m in self.marks)


@dataclass(frozen=True)
class YearRow:
    key: str
    label: str
    cells: tuple[YearCell, ...]

    @property
    def status(self) -> str:
        """"ja": a known difference; "onbekend": one the partial data can not rule out; "nee"."""
        if any(c.changed for c in self.cells):
            return "ja"
        if any(c.marks for c in self.cells):
            return "onbekend"
        return "nee"

    @property
    def changed(self) -> bool:
        return self.status == "ja"


@dataclass
class YearComparison:
    insurer_id: str
    family: str
    policies: list[PolicyRecord]
    rows: list[YearRow]

    @property
    def slug(self) -> str:
        return f"{self.insurer_id}-{self.family}"


def match_leaves(old: Cond | None, new: Cond | None) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Leaves of two trees (as positions in reading order) matched first by id, then by what
    they test, in order: (pairs, only in old, only in new)."""
    a = old.leaves() if old is not None else []
    b = new.leaves() if new is not None else []
    pairs: list[tuple[int, int]] = []
    used_b: set[int] = set()
    for i, leaf in enumerate(a):
        j = next((j for j, other in enumerate(b) if leaf.anchor and other.anchor == leaf.anchor), None)
        if j is not None and j not in used_b:
            pairs.append((i, j))
            used_b.add(j)
    used_a = {i for i, _ in pairs}
    for i, leaf in enumerate(a):
        if i in used_a:
            continue
        j = next((j for j, other in enumerate(b) if j not in used_b and other.subject == leaf.subject), None)
        if j is not None:
            pairs.append((i, j))
            used_a.add(i)
            used_b.add(j)
    return (sorted(pairs, key=lambda p: p[1]), [i for i in range(len(a)) if i not in used_a],
            [j for j in range(len(b)) if j not in used_b])


def leaf_label(leaf: Cond) -> str:
    return leaf.text or leaf.value


def diff_versions(old: Version, new: Version) -> list[Mark]:
    """What changed from ``old`` to ``new``. An addition where the old version is not fully
    known may have existed already (maybe-added); a removal where the new one is not fully
    known may still hold (maybe-removed). ``Mark.key`` is the position of the new leaf."""
    marks: list[Mark] = []
    a = old.cond.leaves() if old.cond is not None else []
    b = new.cond.leaves() if new.cond is not None else []
    pairs, only_old, only_new = match_leaves(old.cond, new.cond)
    for i, j in pairs:
        if a[i].meaning != b[j].meaning:
            marks.append(Mark("changed", leaf_label(b[j]), a[i].value, b[j].value, key=str(j)))
    for j in only_new:
        marks.append(Mark("added" if old.known else "maybe-added", leaf_label(b[j]), new=b[j].value, key=str(j)))
    for i in only_old:
        marks.append(Mark("removed" if new.known else "maybe-removed", leaf_label(a[i]), old=a[i].value))
    if not marks and old.cond is not None and new.cond is not None and old.cond.shape != new.cond.shape:
        marks.append(Mark("logic", "samenhang van de voorwaarden"))
    old_facts, new_facts = dict(old.facts), dict(new.facts)
    for label, value in new.facts:
        if label in old_facts and old_facts[label] != value:
            marks.append(Mark("changed", label, old_facts[label], value))
        elif label not in old_facts:
            marks.append(Mark("added" if old.known else "maybe-added", label, new=value))
    for label, value in old.facts:
        if label not in new_facts:
            marks.append(Mark("removed" if new.known else "maybe-removed", label, old=value))
    return marks


def _versions(catalog: Catalog, rec: PolicyRecord) -> dict[str, tuple[str, Version]]:
    """Comparable items of one policy: key -> (row label, version)."""
    p = rec.policy
    names = rec.contract_names
    partial = p.completeness == "partial"
    items: dict[str, tuple[str, Version]] = {}

    def version(anchor: str, cond: Cond | None, facts: list[tuple[str, str]], incomplete: bool,
                empty: str) -> Version:
        known = not partial and not incomplete
        if cond is None and not known:
            empty = "voorwaarden onbekend — beleid gedeeltelijk bekend" if partial else \
                "voorwaarden niet (volledig) in de bron"
        return Version(rec, anchor, cond, tuple(facts), known, empty)

    for req in p.requirements:
        items[f"requirement:{req.id}"] = (f"Minimumeis: {req.title}", version(
            req.id, conditions(catalog, req.criterion, req.theme, names), [], False, "geen voorwaarden"))
    for c in p.contracts:
        facts = [("Looptijd", term_text(c.term))] if c.term else []
        if c.negotiable is not None:
            facts.append(("Onderhandelbaar", "ja" if c.negotiable else "nee"))
        if c.tariff:
            facts.append(("Tarief", c.tariff))
        items[f"contract:{c.id}"] = (c.name, version(
            c.id, conditions(catalog, c.criterion, c.theme, names), facts, c.incomplete,
            "geen voorwaarden naast de minimumeisen"))
        for t in c.tiers:
            items[f"tier:{c.id}/{t.id}"] = (f"{c.name} – {t.name}", version(
                t.id, conditions(catalog, t.criterion, c.theme, names),
                [("Tarief", t.tariff)] if t.tariff else [], c.incomplete,
                "geen voorwaarden naast die van de overeenkomst"))
    for rule in p.selective_procurement:
        items[f"selective:{rule.id}"] = (f"Selectieve inkoop: {rule.condition}", version(
            rule.id, conditions(catalog, rule.requirement, "selective-procurement", names), [], False,
            "geen voorwaarden"))
    return items


def _source_changes(rec: PolicyRecord, anchor: str) -> tuple[str, ...]:
    out = []
    for ch in rec.policy.changes:
        if anchor in ch.refs:
            text = ch.subject
            if ch.before or ch.after:
                text += f": {ch.before or '—'} → {ch.after or '—'}"
            out.append(text)
    return tuple(out)


def _previous(recs: list[PolicyRecord], per: list[dict[str, Any]], key: str, i: int) -> int | None:
    """The policy before ``i`` to compare an item with: the nearest that has it, looking past
    partial policies that do not mention it (a full policy without it ends the search)."""
    for j in range(i - 1, -1, -1):
        if key in per[j]:
            return j
        if recs[j].policy.completeness == "full":
            return None
    return None


# Conditions that tie an item to its contract, year or care type, not to what it asks.
_NOT_IDENTIFYING = ("contract:", "contract-year:", "care-type:", "all", "any", "not")


def _asks(version: Version) -> set[str]:
    """What an item's conditions test (facts and registers): recognises it across years."""
    if version.cond is None:
        return set()
    return {leaf.subject for leaf in version.cond.leaves() if not leaf.subject.startswith(_NOT_IDENTIFYING)}


def _regrouped(versions: dict[str, tuple[str, Version]], key: str, asks: set[str]) -> tuple[str, ...]:
    """Keys of the items of the same kind in one policy that test some of ``asks``: where an
    item without a counterpart under its own id went (or came from), when the insurer
    regrouped its requirements."""
    kind = key.split(":")[0]
    return tuple(k for k, (_, v) in versions.items()
                 if k != key and k.split(":")[0] == kind and asks & _asks(v))


def _with_regroups(row: YearRow, per: list[dict[str, tuple[str, Version]]],
                   recs: list[PolicyRecord]) -> YearRow:
    """An item "removed" while another item of that policy tests what it tested, or "added"
    while an earlier item tested the same, was regrouped rather than dropped or new: its mark
    becomes "regrouped", naming the other items (a difference in form, not a sure change)."""
    cells = list(row.cells)
    for i, cell in enumerate(cells):
        mark = next((m for m in cell.marks if m.label == "onderdeel"), None)
        if mark is None:
            continue
        if mark.kind in ("removed", "maybe-removed"):
            j = next(j for j in range(i - 1, -1, -1) if row.key in per[j])
            others = _regrouped(per[i], row.key, _asks(per[j][row.key][1]))
        elif mark.kind in ("added", "maybe-added"):
            others = tuple(k for j in range(i) for k in _regrouped(per[j], row.key, _asks(per[i][row.key][1]))
                           if k not in per[i])
        else:
            continue
        if others:
            regroup = Mark("regrouped", "onderdeel", new="|".join(dict.fromkeys(others)))
            cells[i] = replace(cell, marks=tuple(regroup if m is mark else m for m in cell.marks))
    return replace(row, cells=tuple(cells))


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
        key = ("year-comparison", memo.context(catalog), insurer_id, family,
               memo.with_continued(catalog, recs)) if memo.active() else None
        out.append(memo.cached(key, lambda: _year_comparison(catalog, insurer_id, family, recs)))
    return out


def _year_comparison(catalog: Catalog, insurer_id: str, family: str, recs: list[PolicyRecord]) -> YearComparison:
    """``recs``: the insurer's policies of the family, oldest first."""
    per = [_versions(catalog, r) for r in recs]
    keys: list[str] = []
    for items in per:
        keys.extend(k for k in items if k not in keys)
    rows = []
    for key in keys:
        label = next(items[key][0] for items in reversed(per) if key in items)
        cells: list[YearCell] = []
        for i, (rec, items) in enumerate(zip(recs, per)):
            partial = rec.policy.completeness == "partial"
            cur = items[key][1] if key in items else None
            j = _previous(recs, per, key, i)
            prev = per[j][key][1] if j is not None else None
            against = recs[j].year_label if j is not None and j < i - 1 else ""
            marks: list[Mark] = []
            if cur is None:
                state = "unknown" if partial else "absent"
                if i > 0 and key in per[i - 1]:
                    marks.append(Mark("maybe-removed" if partial else "removed", "onderdeel"))
                elif prev is not None and not partial:
                    marks.append(Mark("removed", "onderdeel"))  # since a year before a partial one
                cells.append(YearCell(state, None, tuple(marks), against=against if marks else ""))
                continue
            if i > 0 and prev is None:
                prev_partial = recs[i - 1].policy.completeness == "partial"
                marks.append(Mark("maybe-added" if prev_partial else "added", "onderdeel"))
            elif prev is not None:
                marks.extend(diff_versions(prev, cur))
            cells.append(YearCell("present", cur, tuple(marks), _source_changes(rec, cur.anchor),
                                  against=against if marks else ""))
        rows.append(YearRow(key, label, tuple(cells)))
    rows = [_with_regroups(row, per, recs) for row in rows]
    return YearComparison(insurer_id, family, recs, rows)
