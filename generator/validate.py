"""Stage 2: check every file against the schema, then the rules a schema cannot express.

``load_catalog`` reads a whole ``policies/`` tree, collects *every* problem (not just the
first), and returns a Catalog only when there are no errors. Warnings (source notes
about an insurer's own inconsistencies) never block a build.

Semantic checks: unknown references (insurers, care types, themes, facts, registers,
regions, sources, contracts, amendments, source notes), duplicate ids, criteria applied
to facts of the wrong type, contract years outside the policy period, deadlines far
outside the window of their contract year, and tiers of one contract whose behandelindex
bands partly overlap.
"""
from __future__ import annotations

import dataclasses
import gc
import math
import operator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError

from . import memo
from . import schema as s
from .errors import Problem
from .load import Document, LoadError, PathKey, display_path, load_file, parsed_digest
from .model import Catalog, PolicyRecord
from .validate_paths import check_paths

REGISTRY_DIR = "registry"
INSURER_INDEX = "index.yaml"
NUMERIC_TYPES = {"integer", "number", "money", "percentage"}


# --------------------------------------------------------------------------- messages

_PATTERN_HINTS = {
    s.ID_PATTERN: "an id of lowercase letters, digits and '-'",
    r"^[a-z][a-z0-9_]*$": "a fact id of lowercase letters, digits and '_'",
    r"^([01]\d|2[0-3]):[0-5]\d$": "a time as HH:MM",
    r"^\d{4}-(0[1-9]|1[0-2])$": "a month as YYYY-MM",
    r"^(https://|mailto:)[^\s<>\"']+$": "an https:// or mailto: address",
}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _allowed_fields(model: type[BaseModel] | None) -> str:
    if model is None:
        return ""
    return "; allowed: " + ", ".join(model.model_fields)


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Schema class of the mapping at ``loc`` (following discriminated-union tags)."""
    import typing

    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, list):  # union members, pick by tag
            current = next((m for m in current if _tag_of(m) == part), None)
            if current is None:
                return None
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            if isinstance(part, int) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
            continue
        origin = typing.get_origin(current)
        if origin is list and isinstance(part, int):
            current = typing.get_args(current)[0]
            continue
        return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    import types
    import typing

    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            if len(members) == 1:
                tp = members[0]
            elif models and len(models) == len(members):
                return models
            else:
                return tp
        else:
            return tp


def _tag_of(model: Any) -> Any:
    field_info = getattr(model, "model_fields", {}).get("kind")
    if field_info is None:
        return None
    import typing

    args = typing.get_args(field_info.annotation)
    return args[0] if args else None


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[PathKey, bool]:
    """Turn a pydantic loc into a path in the YAML data, dropping union-tag segments.

    Pydantic inserts a discriminated union's tag (e.g. ``date``) right after the field
    holding the union, so on entering a mapping the tag is skipped first, once.
    Returns the path and whether its last element exists in the data.
    """
    path: list[str | int] = []
    current = data
    exists = True
    tag_pending = True
    for part in loc:
        if isinstance(current, dict):
            if tag_pending and current.get("kind") == part:
                tag_pending = False
                continue
            tag_pending = False
            if part in current:
                path.append(part)
                current = current[part]
                tag_pending = True
                continue
            if not exists:
                continue
            path.append(part)
            exists = False
            current = None
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            path.append(part)
            current = current[part]
            tag_pending = True
        else:
            continue  # scalar-level union branch names such as 'int' / 'float'
    return tuple(path), exists


def _schema_message(err: dict[str, Any], root: type[BaseModel], model_loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field{_allowed_fields(_model_at(root, model_loc[:-1]))}"
    if kind == "union_tag_invalid":
        expected = ctx.get("expected_tags", "")
        return f"unknown kind {ctx.get('tag')!r}; expected one of {expected}"
    if kind == "union_tag_not_found":
        return "required field 'kind' is missing"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(ctx.get("pattern"), f"text matching {ctx.get('pattern')}")
        return f"expected {hint}, got {_describe(value)}"
    if kind in ("string_type",):
        return f"expected text, got {_describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_describe(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_describe(value)}"
    if kind == "bool_type":
        return f"expected true or false, got {_describe(value)}"
    if kind in ("list_type",):
        return f"expected a list, got {_describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping, got {_describe(value)}"
    if kind == "too_short":
        return f"must not be empty (at least {ctx.get('min_length')} item(s))"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"text is too long ({len(value)} characters; the limit is {ctx.get('max_length')})"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {"greater_than_equal": "at least", "less_than_equal": "at most",
                 "greater_than": "more than", "less_than": "less than"}[kind]
        limit = next(iter(ctx.values()))
        return f"must be {bound} {limit}, got {_describe(value)}"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    return err["msg"]


def schema_problems(doc: Document, model: type[BaseModel], exc: ValidationError,
                    prefix: tuple[Any, ...] = ()) -> list[Problem]:
    """Located problems for a pydantic error; ``prefix`` locates an item inside the file."""
    problems = []
    seen = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path, exists = _data_path(doc.data, prefix + loc)
        message = _schema_message(err, model, loc)
        if err["type"] == "extra_forbidden":
            line, col = doc.key_mark(path)
        elif exists:
            line, col = doc.mark(path)
        else:
            line, col = doc.mark(path[:-1])
        key = (display_path(path), message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(doc.file, line, col, display_path(path), message))
    return problems


# --------------------------------------------------------------------------- loading


@dataclass
class _Ctx:
    """Collected problems and validated objects while checking one tree."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, doc: Document, path: PathKey, message: str, *, key: bool = False) -> None:
        line, col = doc.key_mark(path) if key else doc.mark(path)
        self.problems.append(Problem(doc.file, line, col, display_path(path), message))

    def warn(self, doc: Document, path: PathKey, message: str, *, source_note: bool = False) -> None:
        line, col = doc.mark(path)
        self.problems.append(
            Problem(doc.file, line, col, display_path(path), message, "warning", source_note)
        )


def _read(path: Path, root_display: str, root: Path, ctx: _Ctx) -> Document | None:
    display = str(Path(root_display) / path.relative_to(root))
    try:
        return load_file(path, display, within=root)
    except LoadError as exc:
        ctx.problems.append(exc.problem)
        return None


# A serve session's policy records by file and digest: the parse cache (``load``) gives the
# same Document for the same bytes, and a record is a function of its file, so an unchanged
# file keeps its record (no schema validation again, and renderers may reuse what they made
# of it). Only the last load's records are kept.
_records: dict[tuple[str, str, bytes], PolicyRecord] = {}


def _record(key: str, insurer_id: str, stem: str, doc: Document, ctx: _Ctx,
            kept: dict[tuple[str, str, bytes], PolicyRecord]) -> PolicyRecord | None:
    digest = parsed_digest(doc.file)
    known = _records.get((key, doc.file, digest)) if digest is not None else None
    if known is None:
        policy = _validate(doc, s.Policy, ctx)
        if policy is None:
            return None
        known = PolicyRecord(key, insurer_id, stem, doc.file, policy)
    if digest is not None:
        kept[(key, doc.file, digest)] = known
    return known


def _validate(doc: Document, model: type[BaseModel], ctx: _Ctx) -> Any:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        ctx.problems.extend(schema_problems(doc, model, exc))
        return None


def find_root(start: Path) -> Path | None:
    """The policies root: the nearest folder (itself or upwards) holding ``registry/``."""
    start = start.resolve()
    for candidate in [start, *start.parents] if start.is_dir() else list(start.parents):
        if (candidate / REGISTRY_DIR).is_dir():
            return candidate
    return None


def _registry_files(root: Path, kind: str) -> list[Path]:
    base = root / REGISTRY_DIR
    files = [base / f"{kind}.yaml"] if (base / f"{kind}.yaml").is_file() else []
    if (base / kind).is_dir():
        files += sorted((base / kind).glob("*.yaml"))
    return files


def load_catalog(root: Path, root_display: str | None = None,
                 only_insurers: frozenset[str] | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Read, validate and cross-check a policies tree. Catalog is None when errors exist.

    ``only_insurers``: read the policies of these insurers only (every insurer's index.yaml
    and every registry are still read, so references to them stay checked): the preview that
    ``serve --insurer`` builds, fast at any size of the data.

    Python's cycle collector is paused while the catalog is built, and what the process holds
    then is frozen (``gc.freeze``) afterwards. Loading makes no cyclic garbage (tested), yet
    every full collection walks every object built so far: at 1,358 policies those passes
    took 40 s of a 116 s generation, growing with the square of the data. Frozen, the catalog
    is skipped by the collections that rendering sets off. A later load (a ``serve`` reload)
    first collects what is not frozen (the last rendering's garbage), not the frozen objects:
    walking those took 3.4 s per reload at 1,358 policies. What a freeze holds that becomes
    cyclic garbage later is freed by ``collect_frozen_garbage``, which ``serve`` runs when it
    is idle."""
    global _froze
    if _froze:  # (asking gc.get_freeze_count() walks the frozen objects: 0.4 s at market scale)
        gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = _load_catalog(root, root_display, only_insurers)
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()
    _froze = True
    return result


_froze = False  # has a load frozen what the process holds?


def collect_frozen_garbage() -> None:
    """Free the cyclic garbage that frozen objects became (an old catalog's, if it had any
    cycles), then freeze what lives again, so that the next load does not walk it. A full
    collection walks every object (seconds at market scale): ``serve``'s helper runs it when
    no reload came for a while, so that edits in quick succession never wait for it."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _load_catalog(root: Path, root_display: str | None,
                  only_insurers: frozenset[str] | None) -> tuple[Catalog | None, list[Problem]]:
    root_display = root_display if root_display is not None else str(root)
    ctx = _Ctx()

    # Registries: every file holds a list of items; ids are unique across files.
    registries: dict[str, dict[str, Any]] = {}
    registry_docs: dict[str, list[tuple[Document, int, Any]]] = {}
    for kind, model in s.REGISTRIES.items():
        registries[kind] = {}
        registry_docs[kind] = []
        files = _registry_files(root, kind)
        if not files:
            ctx.problems.append(Problem(
                str(Path(root_display) / REGISTRY_DIR / f"{kind}.yaml"), 1, 1, "(document)",
                f"registry file is missing (expected {REGISTRY_DIR}/{kind}.yaml or {REGISTRY_DIR}/{kind}/*.yaml)"))
            continue
        first_seen: dict[str, tuple[str, int]] = {}
        for path in files:
            doc = _read(path, root_display, root, ctx)
            if doc is None:
                continue
            if not isinstance(doc.data, list):
                ctx.error(doc, (), f"expected a list of {kind} entries, got {_describe(doc.data)}")
                continue
            for i, item in enumerate(doc.data):
                try:
                    obj = model.model_validate(item)
                except ValidationError as exc:
                    ctx.problems.extend(schema_problems(doc, model, exc, prefix=(i,)))
                    continue
                item_id = obj.id
                if item_id in first_seen:
                    where = first_seen[item_id]
                    ctx.error(doc, (i, "id"), f"duplicate {kind} id '{item_id}' (first defined in {where[0]}:{where[1]})")
                    continue
                first_seen[item_id] = (doc.file, doc.mark((i, "id"))[0])
                registries[kind][item_id] = obj
                registry_docs[kind].append((doc, i, obj))

    # Insurers and their policies.
    insurers: dict[str, s.Insurer] = {}
    policies: dict[str, PolicyRecord] = {}
    kept: dict[tuple[str, str, bytes], PolicyRecord] = {}
    policy_docs: dict[str, Document] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != REGISTRY_DIR
                         and not p.name.startswith(".")):
        index = folder / INSURER_INDEX
        folder_display = str(Path(root_display) / folder.name)
        if not _is_id(folder.name):
            ctx.problems.append(Problem(folder_display, 1, 1, "(folder)",
                                        "insurer folder name must be an id of lowercase letters, digits and '-'"))
            continue
        if not index.is_file():
            ctx.problems.append(Problem(str(Path(folder_display) / INSURER_INDEX), 1, 1, "(document)",
                                        "insurer folder has no index.yaml"))
            continue
        doc = _read(index, root_display, root, ctx)
        insurer = _validate(doc, s.Insurer, ctx) if doc else None
        if insurer is not None:
            insurers[folder.name] = insurer
        entries = sorted(folder.iterdir(), key=lambda p: p.name)  # one listing for both loops below
        for path in (p for p in entries if p.name.endswith(".yaml")):
            if path.name == INSURER_INDEX or (only_insurers is not None and folder.name not in only_insurers):
                continue
            doc = _read(path, root_display, root, ctx)
            if doc is None:
                continue
            if not _is_id(path.stem):
                ctx.error(doc, (), f"policy file name '{path.stem}' must be an id of lowercase letters, digits and '-'")
                continue
            key = f"{folder.name}/{path.stem}"
            rec = _record(key, folder.name, path.stem, doc, ctx, kept)
            if rec is None:
                continue
            policies[key] = rec
            policy_docs[key] = doc
        for path in entries:
            if path.suffix in (".yml", ".json") and path.is_file():
                ctx.problems.append(Problem(str(Path(folder_display) / path.name), 1, 1, "(document)",
                                            "policy files must end in .yaml"))

    global _records
    _records = kept
    catalog = Catalog(insurers=insurers, policies=policies, registries=registries)
    _check_registries(catalog, registry_docs, ctx)
    for key, rec in policies.items():
        # a serve session checks again only a policy whose inputs changed (``memo``): its
        # file, the policies it continues contracts from, the registries and insurers
        inputs = ("check-policy", memo.context(catalog), memo.with_continued(catalog, [rec])) \
            if memo.active() and parsed_digest(rec.file) is not None else None
        ctx.problems.extend(memo.cached(inputs, lambda: _problems_of(_check_policy, catalog, rec, policy_docs[key])))
    check_paths(catalog, policy_docs, registry_docs, root_display, ctx.problems.append)

    problems = sorted(set(ctx.problems), key=_problem_order)  # a key: 10x faster than Problem's __lt__
    has_errors = any(p.severity == "error" for p in problems)
    return (None if has_errors else catalog), problems


# The order of ``Problem`` (a dataclass with ``order=True``: its fields in turn), as a key
_problem_order = operator.attrgetter(*(f.name for f in dataclasses.fields(Problem)))


def _problems_of(check, *args: Any) -> list[Problem]:
    """The problems one check reports."""
    own = _Ctx()
    check(*args, own)
    return own.problems


def _is_id(text: str) -> bool:
    import re

    return re.fullmatch(s.ID_PATTERN, text) is not None


# --------------------------------------------------------------------------- semantic checks


def _check_registries(cat: Catalog, docs: dict[str, list[tuple[Document, int, Any]]], ctx: _Ctx) -> None:
    def ref(doc: Document, path: PathKey, value: str | None, kind: str, label: str) -> None:
        if value is not None and value not in cat.registries.get(kind, {}):
            ctx.error(doc, path, f"unknown {label} '{value}'")

    for doc, i, src in docs.get("sources", []):
        if src.insurer not in cat.insurers:
            ctx.error(doc, (i, "insurer"), f"unknown insurer '{src.insurer}'")
    for doc, i, ct in docs.get("care-types", []):
        pass
    for doc, i, region in docs.get("regions", []):
        for j, part in enumerate(region.parts):
            ref(doc, (i, "parts", j), part, "regions", "region")
    for doc, i, reg in docs.get("registers", []):
        ref(doc, (i, "part_of"), reg.part_of, "registers", "register")
        ref(doc, (i, "term"), reg.term, "glossary", "glossary term")
    for doc, i, term in docs.get("glossary", []):
        for j, other in enumerate(term.see_also):
            ref(doc, (i, "see_also", j), other, "glossary", "glossary term")
    for doc, i, fact in docs.get("facts", []):
        ref(doc, (i, "term"), fact.term, "glossary", "glossary term")
        for j, ct in enumerate(fact.care_types):
            ref(doc, (i, "care_types", j), ct, "care-types", "care type")
        _check_fact_links(cat, doc, ctx, i, fact)


def _check_fact_links(cat: Catalog, doc: Document, ctx: _Ctx, i: int, fact: s.Fact) -> None:
    """References between facts: derivations, consistency rules and derived absence."""
    from .model import iter_criteria

    def numeric(path: PathKey, other_id: str | None) -> None:
        if other_id is None:
            return
        other = cat.facts.get(other_id)
        if other is None:
            ctx.error(doc, path, f"unknown fact '{other_id}'")
        elif other.type not in NUMERIC_TYPES:
            ctx.error(doc, path, f"fact '{other_id}' is of type {other.type}; a number is needed here")
        elif other.yearly != fact.yearly:
            ctx.error(doc, path, f"fact '{other_id}' and '{fact.id}' must both be yearly or both not")

    if fact.derived is not None:
        if fact.type not in NUMERIC_TYPES:
            ctx.error(doc, (i, "derived"), f"only a numeric fact can be derived, not a {fact.type}")
        numeric((i, "derived", "numerator"), fact.derived.numerator)
        numeric((i, "derived", "denominator"), fact.derived.denominator)
        for j, other in enumerate(fact.derived.of):
            numeric((i, "derived", "of", j), other)
    if fact.at_most is not None:
        numeric((i, "at_most"), fact.at_most)
    if fact.type == "boolean" and fact.absent is not None:
        ctx.error(doc, (i, "absent"), "a yes/no fact cannot be absent; use 'no'")
    for node in iter_criteria(fact.absent_when):
        other_id = getattr(node, "fact", None)
        if other_id is not None and other_id not in cat.facts:
            ctx.error(doc, (i, "absent_when"), f"unknown fact '{other_id}'")
        if node.kind in ("contract", "contract-year", "care-type", "region"):
            ctx.error(doc, (i, "absent_when"), f"'{node.kind}' cannot decide whether a fact exists")


@dataclass
class _PolicyScope:
    """Ids declared in one policy (one namespace, so every id can be a page anchor)."""

    contracts: dict[str, s.Contract] = field(default_factory=dict)
    tiers: dict[str, set[str]] = field(default_factory=dict)
    amendments: set[str] = field(default_factory=set)
    notes: dict[str, s.SourceNote] = field(default_factory=dict)
    all_ids: dict[str, PathKey] = field(default_factory=dict)
    used_notes: set[str] = field(default_factory=set)
    policy_care_types: set[str] = field(default_factory=set)
    contract_years: list[int] = field(default_factory=list)
    continued: dict[str, set[str]] = field(default_factory=dict)  # contract id -> its tier ids


def _check_policy(cat: Catalog, rec: PolicyRecord, doc: Document, ctx: _Ctx) -> None:
    p = rec.policy
    scope = _PolicyScope(policy_care_types=set(p.care_types), contract_years=list(p.contract_years))
    for cont in p.continues:
        earlier = cat.policies.get(cont.policy)
        for c in earlier.policy.contracts if earlier else []:
            if c.id in cont.contracts:
                scope.continued[c.id] = {t.id for t in c.tiers}

    def declare(item_id: str | None, path: PathKey) -> None:
        if item_id is None:
            return
        if item_id in scope.all_ids:
            first = doc.mark(scope.all_ids[item_id] + ("id",))[0]
            ctx.error(doc, path + ("id",), f"duplicate id '{item_id}' in this policy (first used on line {first})")
            return
        scope.all_ids[item_id] = path

    def ref(path: PathKey, value: str | None, kind: str, label: str) -> None:
        if value is not None and value not in cat.registries.get(kind, {}):
            ctx.error(doc, path, f"unknown {label} '{value}'")

    # Declarations first, so references may point forwards.
    for i, c in enumerate(p.contracts):
        declare(c.id, ("contracts", i))
        scope.contracts[c.id] = c
        scope.tiers[c.id] = set()
        for j, t in enumerate(c.tiers):
            declare(t.id, ("contracts", i, "tiers", j))
            scope.tiers[c.id].add(t.id)
    for section in ("requirements", "selective_procurement", "deadlines", "changes", "amendments",
                    "tariffs", "open_questions", "source_notes", "clauses"):
        for i, item in enumerate(getattr(p, section)):
            declare(item.id, (section, i))
    scope.amendments = {a.id for a in p.amendments}
    scope.notes = {n.id: n for n in p.source_notes}
    if "all" in scope.contracts:
        ctx.error(doc, ("contracts", list(scope.contracts).index("all"), "id"),
                  "'all' is reserved (requirements use it to mean every contract)")

    # Metadata.
    for i, ct in enumerate(p.care_types):
        ref(("care_types", i), ct, "care-types", "care type")
    for i, year in enumerate(p.contract_years):
        if not p.period.start <= year <= p.period.end:
            ctx.error(doc, ("contract_years", i),
                      f"contract year {year} lies outside the policy period {p.period.start}-{p.period.end}")
    for i, src in enumerate(p.sources):
        if src not in cat.sources:
            ctx.error(doc, ("sources", i), f"unknown source '{src}'")
        elif cat.sources[src].insurer != rec.insurer_id:
            ctx.error(doc, ("sources", i),
                      f"source '{src}' describes insurer '{cat.sources[src].insurer}', not '{rec.insurer_id}'")
    if p.provenance == "secondary" and all(
        cat.sources.get(x) is None or cat.sources[x].kind != "secondary" for x in p.sources
    ):
        ctx.error(doc, ("provenance",), "provenance is 'secondary' but no listed source is a secondary analysis")

    def check_cite(path: PathKey, cite: s.Cite | None) -> None:
        if cite is None or cite.source is None:
            return
        if cite.source not in p.sources:
            ctx.error(doc, path + ("source",), f"source '{cite.source}' is not listed in this policy's sources")

    def contract_refs(path: PathKey, ids: Iterable[str]) -> None:
        for j, cid in enumerate(ids):
            if cid == "all" and path[-1] == "applies_to":
                continue
            if cid not in scope.contracts:
                ctx.error(doc, path + (j,), f"unknown contract '{cid}' in this policy")

    def note_ref(path: PathKey, note: str | None) -> bool:
        if note is None:
            return False
        if note not in scope.notes:
            ctx.error(doc, path + ("note",), f"unknown source note '{note}' in this policy")
            return False
        scope.used_notes.add(note)
        ctx.warn(doc, path, f"source note '{note}': {scope.notes[note].text}", source_note=True)
        return True

    check_cite(("cite",), p.cite)

    for i, req in enumerate(p.requirements):
        base = ("requirements", i)
        check_cite(base + ("cite",), req.cite)
        ref(base + ("theme",), req.theme, "themes", "theme")
        if "all" in req.applies_to and len(req.applies_to) > 1:
            ctx.error(doc, base + ("applies_to",), "'all' cannot be combined with contract ids")
        contract_refs(base + ("applies_to",), req.applies_to)
        if req.introduced_by is not None and req.introduced_by not in scope.amendments:
            ctx.error(doc, base + ("introduced_by",), f"unknown amendment '{req.introduced_by}' in this policy")
        _check_criterion(cat, scope, doc, ctx, base + ("criterion",), req.criterion, note_ref, check_cite)

    for i, c in enumerate(p.contracts):
        base = ("contracts", i)
        check_cite(base + ("cite",), c.cite)
        for j, ct in enumerate(c.care_types):
            ref(base + ("care_types", j), ct, "care-types", "care type")
        ref(base + ("theme",), c.theme, "themes", "theme")
        _check_criterion(cat, scope, doc, ctx, base + ("criterion",), c.criterion, note_ref, check_cite)
        for j, t in enumerate(c.tiers):
            check_cite(base + ("tiers", j, "cite"), t.cite)
            _check_criterion(cat, scope, doc, ctx, base + ("tiers", j, "criterion"), t.criterion,
                             note_ref, check_cite)
        for j, cap in enumerate(c.caps):
            cap_path = base + ("caps", j)
            declare(cap.id, cap_path)
            check_cite(cap_path + ("cite",), cap.cite)
            if cap.at_most != "none" and cap.at_most not in scope.tiers[c.id]:
                ctx.error(doc, cap_path + ("at_most",),
                          f"contract '{c.id}' has no tier '{cap.at_most}' (use a tier id or 'none')")
            note_ref(cap_path, cap.note)
            _check_criterion(cat, scope, doc, ctx, cap_path + ("criterion",), cap.criterion, note_ref, check_cite)
        if c.exhaustive and not c.tiers:
            ctx.error(doc, base + ("exhaustive",), "'exhaustive' says every practice gets one of the tiers, "
                                                   "but this contract has no tiers")
        if c.introduced_by is not None and c.introduced_by not in scope.amendments:
            ctx.error(doc, base + ("introduced_by",), f"unknown amendment '{c.introduced_by}' in this policy")
        _check_tier_bands(doc, ctx, base, c)

    for i, rule in enumerate(p.selective_procurement):
        base = ("selective_procurement", i)
        check_cite(base + ("cite",), rule.cite)
        for j, ct in enumerate(rule.care_types):
            ref(base + ("care_types", j), ct, "care-types", "care type")
        vias = [rule.via] if isinstance(rule.via, str) else rule.via or []
        for j, via in enumerate(vias):
            if via not in scope.contracts and via not in scope.continued:
                ctx.error(doc, base + (("via",) if isinstance(rule.via, str) else ("via", j)),
                          f"unknown contract '{via}' in this policy")
        _check_criterion(cat, scope, doc, ctx, base + ("requirement",), rule.requirement, note_ref, check_cite)

    for i, dl in enumerate(p.deadlines):
        base = ("deadlines", i)
        check_cite(base + ("cite",), dl.cite)
        contract_refs(base + ("applies_to",), dl.applies_to)
        for fld in ("introduced_by", "amended_by"):
            value = getattr(dl, fld)
            if value is not None and value not in scope.amendments:
                ctx.error(doc, base + (fld,), f"unknown amendment '{value}' in this policy")
        if dl.amended_by and not dl.previous:
            ctx.error(doc, base + ("previous",), "an amended deadline must list its previous value(s)")
        noted = note_ref(base, dl.note)
        if dl.contract_year not in p.contract_years:
            ctx.error(doc, base + ("contract_year",),
                      f"contract year {dl.contract_year} is not one of this policy's contract years "
                      f"{', '.join(map(str, p.contract_years))}")
        _check_deadline_window(doc, ctx, base, dl, noted)

    for i, ch in enumerate(p.changes):
        base = ("changes", i)
        check_cite(base + ("cite",), ch.cite)
        if ch.to_year <= ch.from_year:
            ctx.error(doc, base + ("to_year",), f"to_year {ch.to_year} must be after from_year {ch.from_year}")
        _check_item_refs(scope, doc, ctx, base + ("refs",), ch.refs)

    for i, am in enumerate(p.amendments):
        check_cite(("amendments", i, "cite"), am.cite)
        if p.published and am.date < p.published:
            ctx.error(doc, ("amendments", i, "date"),
                      f"amendment dated {am.date} is before the policy's publication ({p.published})")

    for i, tf in enumerate(p.tariffs):
        base = ("tariffs", i)
        check_cite(base + ("cite",), tf.cite)
        contract_refs(base + ("applies_to",), tf.applies_to)
        if tf.amended_by is not None and tf.amended_by not in scope.amendments:
            ctx.error(doc, base + ("amended_by",), f"unknown amendment '{tf.amended_by}' in this policy")
        if tf.unit != "text" and tf.value is None:
            ctx.error(doc, base + ("value",), f"a tariff in unit '{tf.unit}' needs a value")

    for i, q in enumerate(p.open_questions):
        check_cite(("open_questions", i, "cite"), q.cite)
        _check_item_refs(scope, doc, ctx, ("open_questions", i, "refs"), q.refs)
        if q.answered_by is not None and q.answered_by not in scope.amendments:
            ctx.error(doc, ("open_questions", i, "answered_by"), f"unknown amendment '{q.answered_by}' in this policy")

    for i, note in enumerate(p.source_notes):
        base = ("source_notes", i)
        check_cite(base + ("cite",), note.cite)
        _check_item_refs(scope, doc, ctx, base + ("refs",), note.refs)
        for j, src in enumerate(note.sources):
            if src not in cat.sources:
                ctx.error(doc, base + ("sources", j), f"unknown source '{src}'")
        if note.when is not None:
            _check_criterion(cat, scope, doc, ctx, base + ("when",), note.when, lambda *a: False, check_cite)
        if note.id not in scope.used_notes:
            ctx.warn(doc, base, f"source note '{note.id}': {note.text}", source_note=True)

    for i, cont in enumerate(p.continues):
        base = ("continues", i)
        earlier = cat.policies.get(cont.policy)
        if earlier is None:
            ctx.error(doc, base + ("policy",), f"unknown policy '{cont.policy}'")
            continue
        if earlier.insurer_id != rec.insurer_id:
            ctx.error(doc, base + ("policy",), f"policy '{cont.policy}' is of another insurer")
        elif earlier.policy.period.start >= p.period.start:
            ctx.error(doc, base + ("policy",), f"policy '{cont.policy}' is not earlier than this one")
        known = {c.id: c for c in earlier.policy.contracts}
        for j, cid in enumerate(cont.contracts):
            if cid not in known:
                ctx.error(doc, base + ("contracts", j), f"policy '{cont.policy}' has no contract '{cid}'")
            elif cid in scope.contracts:
                ctx.error(doc, base + ("contracts", j), f"contract '{cid}' is also defined in this policy")
            elif known[cid].term is not None and not any(known[cid].term.covers(y) for y in p.contract_years):
                ctx.error(doc, base + ("contracts", j),
                          f"contract '{cid}' does not run in any of this policy's contract years")

    for i, clause in enumerate(p.clauses):
        check_cite(("clauses", i, "cite"), clause.cite)
        contract_refs(("clauses", i, "applies_to"), clause.applies_to)

    for i, definition in enumerate(p.definitions):
        check_cite(("definitions", i, "cite"), definition.cite)
        ref(("definitions", i, "term"), definition.term, "glossary", "glossary term")


def _check_item_refs(scope: _PolicyScope, doc: Document, ctx: _Ctx, path: PathKey, refs: list[str]) -> None:
    for j, item in enumerate(refs):
        if item not in scope.all_ids:
            ctx.error(doc, path + (j,), f"unknown item '{item}' in this policy")


def _check_criterion(cat: Catalog, scope: _PolicyScope, doc: Document, ctx: _Ctx, path: PathKey,
                     crit: Any, note_ref: Any, check_cite: Any) -> None:
    if crit is None:
        return

    def fact_of(types: set[str], what: str) -> s.Fact | None:
        fact = cat.facts.get(crit.fact)
        if fact is None:
            ctx.error(doc, path + ("fact",), f"unknown fact '{crit.fact}'")
            return None
        if fact.type not in types:
            ctx.error(doc, path + ("fact",),
                      f"fact '{crit.fact}' is of type {fact.type}; a '{crit.kind}' criterion needs {what}")
            return None
        return fact

    if crit.id is not None:
        if crit.id in scope.all_ids:
            ctx.error(doc, path + ("id",), f"duplicate id '{crit.id}' in this policy")
        else:
            scope.all_ids[crit.id] = path
    if crit.theme is not None and crit.theme not in cat.themes:
        ctx.error(doc, path + ("theme",), f"unknown theme '{crit.theme}'")
    check_cite(path + ("cite",), crit.cite)
    note_ref(path, crit.note)
    _check_year(cat, doc, ctx, path, crit)

    kind = crit.kind
    if kind in ("all", "any"):
        for j, child in enumerate(crit.of):
            _check_criterion(cat, scope, doc, ctx, path + ("of", j), child, note_ref, check_cite)
    elif kind == "not":
        _check_criterion(cat, scope, doc, ctx, path + ("of",), crit.of, note_ref, check_cite)
    elif kind == "care-type":
        for j, ct in enumerate(crit.care_types):
            if ct not in cat.care_types:
                ctx.error(doc, path + ("care_types", j), f"unknown care type '{ct}'")
            elif scope.policy_care_types and ct not in scope.policy_care_types:
                ctx.error(doc, path + ("care_types", j), f"care type '{ct}' is not one of this policy's care types")
        _check_criterion(cat, scope, doc, ctx, path + ("of",), crit.of, note_ref, check_cite)
    elif kind in ("compare", "range"):
        fact = fact_of(NUMERIC_TYPES, "a numeric fact")
        if fact is not None:
            _check_bounds(doc, ctx, path, fact, crit)
    elif kind == "quantile":
        fact_of(NUMERIC_TYPES, "a numeric fact")
        position = cat.facts.get(crit.position_fact)
        if position is None:
            ctx.error(doc, path + ("position_fact",), f"unknown fact '{crit.position_fact}'")
        elif position.type not in ("percentage", "number", "integer"):
            ctx.error(doc, path + ("position_fact",),
                      f"fact '{crit.position_fact}' is of type {position.type}; a position needs a number")
        elif bool(position.yearly) != bool(cat.facts.get(crit.fact) and cat.facts[crit.fact].yearly):
            ctx.error(doc, path + ("position_fact",),
                      f"'{crit.fact}' and its position '{crit.position_fact}' must both be yearly or both not")
    elif kind == "absent":
        fact = cat.facts.get(crit.fact)
        if fact is None:
            ctx.error(doc, path + ("fact",), f"unknown fact '{crit.fact}'")
        elif fact.absent is None:
            ctx.error(doc, path + ("fact",), f"fact '{crit.fact}' cannot be absent (it has no 'absent' wording)")
    elif kind == "held":
        fact_of({"held"}, "a 'held' fact (a registration over time)")
    elif kind == "contract-year":
        # a contract may run on into later policies' years ('continues'), so its conditions may
        # name years after this policy's own; never years before it
        for j, year in enumerate(crit.years):
            if scope.contract_years and year < min(scope.contract_years):
                ctx.error(doc, path + ("years", j),
                          f"{year} lies before this policy's contract years "
                          f"{', '.join(map(str, scope.contract_years))}")
    elif kind == "is" or kind == "registered":
        fact_of({"boolean"}, "a boolean fact")
        if kind == "registered" and crit.register_id not in cat.registers:
            ctx.error(doc, path + ("register",), f"unknown register '{crit.register_id}'")
    elif kind == "in":
        fact = fact_of({"enum"}, "an enum fact")
        if fact is not None:
            options = {o.value for o in fact.options}
            for j, value in enumerate(crit.values):
                if value not in options:
                    ctx.error(doc, path + ("values", j), f"'{value}' is not an option of fact '{crit.fact}'")
    elif kind == "region":
        fact = fact_of({"enum"}, "an enum fact")
        for j, region in enumerate(crit.regions):
            if region not in cat.regions:
                ctx.error(doc, path + ("regions", j), f"unknown region '{region}'")
            elif fact is not None and region not in {o.value for o in fact.options}:
                ctx.error(doc, path + ("regions", j), f"region '{region}' is not an option of fact '{crit.fact}'")
    elif kind == "date":
        fact_of({"date"}, "a date fact")
    elif kind == "contract":
        for j, reference in enumerate(crit.contracts):
            cid, _, tier = reference.partition("/")
            if cid in scope.continued:
                if tier and tier not in scope.continued[cid]:
                    ctx.error(doc, path + ("contracts", j), f"contract '{cid}' has no tier '{tier}'")
            elif cid not in scope.contracts:
                ctx.error(doc, path + ("contracts", j), f"unknown contract '{cid}' in this policy")
            elif tier and tier not in scope.tiers[cid]:
                ctx.error(doc, path + ("contracts", j), f"contract '{cid}' has no tier '{tier}'")


def _check_year(cat: Catalog, doc: Document, ctx: _Ctx, path: PathKey, crit: Any) -> None:
    """A criterion on a yearly fact names the measurement year; one on another fact does not."""
    fact = cat.facts.get(getattr(crit, "fact", None) or "")
    if getattr(crit, "year_offset", None) is not None:
        ctx.error(doc, path + ("year_offset",), "'year_offset' only works inside a fact's 'absent_when'")
    if fact is None or not hasattr(crit, "year"):
        return
    if fact.yearly and crit.year is None:
        ctx.error(doc, path + ("fact",), f"fact '{fact.id}' is measured per year; say which year ('year:')")
    elif not fact.yearly and crit.year is not None:
        ctx.error(doc, path + ("year",), f"fact '{fact.id}' is not measured per year; remove 'year'")


def _check_bounds(doc: Document, ctx: _Ctx, path: PathKey, fact: s.Fact, crit: Any) -> None:
    values = [("value", getattr(crit, "value", None)), ("min", getattr(crit, "min", None)),
              ("max", getattr(crit, "max", None))]
    for name, value in values:
        if value is None or not hasattr(crit, name):
            continue
        if fact.min is not None and value < fact.min or fact.max is not None and value > fact.max:
            ctx.error(doc, path + (name,),
                      f"{value} lies outside the range of fact '{fact.id}' ({fact.min} to {fact.max})")
        if fact.type == "integer" and isinstance(value, float) and not value.is_integer():
            ctx.error(doc, path + (name,), f"fact '{fact.id}' is a whole number; {value} is not")


# --------------------------------------------------------------------------- dates


def _when_dates(when: Any) -> list[tuple[str, date]]:
    """The fixed dates of a moment (a relative moment has none: it depends on the practice)."""
    if when.kind == "date":
        return [("date", when.date)]
    if when.kind in ("range", "recurring"):
        return [("start", when.start)] + ([("end", when.end)] if when.end else [])
    if when.kind == "month":
        y, m = map(int, when.month.split("-"))
        return [("month", date(y, m, 1))]
    if when.kind == "year":
        return [("year", date(when.year, 1, 1))]
    return []


def _check_deadline_window(doc: Document, ctx: _Ctx, base: PathKey, dl: s.Deadline, noted: bool) -> None:
    """A deadline for contract year Y falls between 1 January Y-1 and 31 December Y."""
    low, high = date(dl.contract_year - 1, 1, 1), date(dl.contract_year, 12, 31)
    for name, day in _when_dates(dl.when):
        if low <= day <= high:
            continue
        message = (f"{day.isoformat()} lies far outside the window of contract year {dl.contract_year} "
                   f"({low.isoformat()} to {high.isoformat()})")
        path = base + ("when", name)
        if noted:
            ctx.warn(doc, path, message + "; kept as the source states it")
        else:
            ctx.error(doc, path, message)


# --------------------------------------------------------------------------- tier bands

Interval = tuple[float, bool, float, bool]  # low, low inclusive, high, high inclusive


def _bands(crit: Any) -> list[tuple[str, Interval, Any]]:
    """Intervals on which a criterion passes on one numeric fact alone ("pure bands")."""
    if crit is None:
        return []
    if crit.kind == "range":
        low = -math.inf if crit.min is None else crit.min
        high = math.inf if crit.max is None else crit.max
        return [(_band_key(crit), (low, crit.min_inclusive, high, crit.max_inclusive), crit)]
    if crit.kind == "compare" and crit.op in ("lt", "le", "gt", "ge"):
        v = crit.value
        interval = {"lt": (-math.inf, False, v, False), "le": (-math.inf, False, v, True),
                    "gt": (v, False, math.inf, False), "ge": (v, True, math.inf, False)}[crit.op]
        return [(_band_key(crit), interval, crit)]
    if crit.kind == "any":
        return [band for child in crit.of for band in _bands(child)]
    return []


def _band_key(crit: Any) -> str:
    return crit.fact if crit.year is None else f"{crit.fact} ({crit.year})"


def _overlap(a: Interval, b: Interval) -> bool:
    low = max((a[0], not a[1]), (b[0], not b[1]))
    high = min((a[2], a[3]), (b[2], b[3]))
    if low[0] < high[0]:
        return True
    return low[0] == high[0] and not low[1] and high[1]


def _contains(a: Interval, b: Interval) -> bool:
    low_ok = a[0] < b[0] or (a[0] == b[0] and (a[1] or not b[1]))
    high_ok = a[2] > b[2] or (a[2] == b[2] and (a[3] or not b[3]))
    return low_ok and high_ok


def _fmt(iv: Interval) -> str:
    low = "" if iv[0] == -math.inf else f"{'[' if iv[1] else '('}{iv[0]:g}"
    high = "" if iv[2] == math.inf else f"{iv[2]:g}{']' if iv[3] else ')'}"
    return f"{low or '(-inf'}, {high or 'inf)'}"


def _check_tier_bands(doc: Document, ctx: _Ctx, base: PathKey, contract: s.Contract) -> None:
    """Two tiers that each accept a value by the same fact alone must not partly overlap.

    Nested bands are fine (the better tier wins); a partial overlap means the source
    assigns one value to two tiers, which needs a source note.
    """
    tiers = [(j, t, _bands(t.criterion)) for j, t in enumerate(contract.tiers)]
    for x in range(len(tiers)):
        for y in range(x + 1, len(tiers)):
            jx, tx, bx = tiers[x]
            jy, ty, by = tiers[y]
            for fact_a, iv_a, crit_a in bx:
                for fact_b, iv_b, crit_b in by:
                    if fact_a != fact_b or not _overlap(iv_a, iv_b):
                        continue
                    if _contains(iv_a, iv_b) or _contains(iv_b, iv_a):
                        continue
                    message = (f"tiers '{tx.id}' and '{ty.id}' overlap on {fact_a}: "
                               f"{_fmt(iv_a)} and {_fmt(iv_b)}")
                    path = base + ("tiers", jy, "criterion")
                    if crit_a.note or crit_b.note:
                        ctx.warn(doc, path, message + "; kept as the source states it")
                    else:
                        ctx.error(doc, path, message)
