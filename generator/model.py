"""Stage 3: the validated, cross-linked catalog that every renderer reads.

The catalog is immutable and built only by ``validate.load_catalog``. Renderers ask it
questions (policies of an insurer, previous/next period, where a register is used) and
never touch YAML or the file system themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from . import schema as s
from .engine.evaluate import cite_link


@dataclass(frozen=True)
class PolicyRecord:
    """A policy together with where it came from."""

    key: str  # "<insurer>/<stem>", also its URL path
    insurer_id: str
    stem: str
    file: str
    policy: s.Policy

    @property
    def contract_names(self) -> dict[str, str]:
        """Display names of contracts and ``contract/tier`` references."""
        names: dict[str, str] = {}
        for c in self.policy.contracts:
            names[c.id] = c.name
            for t in c.tiers:
                names[f"{c.id}/{t.id}"] = f"{c.name} – {t.name}"
        return names

    @cached_property
    def json_data(self) -> dict[str, Any]:
        """The policy as plain JSON data with its identity (``Catalog.policy_json``), dumped once
        per record: a serve session keeps the record of an unchanged file, and with it this."""
        return {"id": self.key, "insurer": self.insurer_id,
                **self.policy.model_dump(mode="json", by_alias=True, exclude_none=True)}

    @property
    def year_label(self) -> str:
        p = self.policy.period
        return str(p.start) if p.start == p.end else f"{p.start}-{p.end}"


@dataclass(frozen=True)
class Catalog:
    insurers: dict[str, s.Insurer]
    policies: dict[str, PolicyRecord]
    registries: dict[str, dict[str, Any]] = field(default_factory=dict)

    # ------------------------------------------------------------------ registries
    @property
    def sources(self) -> dict[str, s.SourceDocument]:
        return self.registries["sources"]

    @property
    def care_types(self) -> dict[str, s.CareType]:
        return self.registries["care-types"]

    @property
    def themes(self) -> dict[str, s.Theme]:
        return self.registries["themes"]

    @property
    def regions(self) -> dict[str, s.Region]:
        return self.registries["regions"]

    @property
    def registers(self) -> dict[str, s.Register]:
        return self.registries["registers"]

    @property
    def glossary(self) -> dict[str, s.GlossaryTerm]:
        return self.registries["glossary"]

    @property
    def facts(self) -> dict[str, s.Fact]:
        return self.registries["facts"]

    # ------------------------------------------------------------------ questions
    def policies_of(self, insurer_id: str) -> list[PolicyRecord]:
        return sorted(self._by_insurer.get(insurer_id, ()),
                      key=lambda r: (r.policy.family, r.policy.period.start, r.key))

    def family_policies(self, insurer_id: str, family: str) -> list[PolicyRecord]:
        """An insurer's policies of one care-type family (its lineage, by start of period)."""
        return list(self._lineages.get((insurer_id, family), ()))

    # Indexes, built once (with ``_lineages`` below): asked per insurer or per policy, a scan of
    # every policy would make rendering grow with the square of the data.
    @cached_property
    def _by_insurer(self) -> dict[str, list[PolicyRecord]]:
        out: dict[str, list[PolicyRecord]] = {}
        for rec in self.policies.values():
            out.setdefault(rec.insurer_id, []).append(rec)
        return out

    @cached_property
    def _lineages(self) -> dict[tuple[str, str], list[PolicyRecord]]:
        """Policies of one insurer and family, oldest first: the 'same policy' over time."""
        out: dict[tuple[str, str], list[PolicyRecord]] = {}
        for rec in sorted(self.policies.values(), key=lambda r: (r.policy.period.start, r.key)):
            out.setdefault((rec.insurer_id, rec.policy.family), []).append(rec)
        return out

    def previous(self, rec: PolicyRecord) -> PolicyRecord | None:
        line = self._lineages[(rec.insurer_id, rec.policy.family)]
        i = line.index(rec)
        return line[i - 1] if i > 0 else None

    def next(self, rec: PolicyRecord) -> PolicyRecord | None:
        line = self._lineages[(rec.insurer_id, rec.policy.family)]
        i = line.index(rec)
        return line[i + 1] if i + 1 < len(line) else None

    def source_of(self, rec: PolicyRecord, cite: s.Cite) -> s.SourceDocument:
        return self.sources[cite.source or rec.policy.sources[0]]

    def cite_url(self, rec: PolicyRecord, cite: s.Cite) -> str:
        """The "Bron" link of a citation (the engine's ``cite_link``, so site and checker agree)."""
        source = self.source_of(rec, cite)
        return cite_link({"url": cite.url, "page": cite.page},
                         {"url": source.url, "document_url": source.document_url}) or source.url

    def sorted_policies(self) -> list[PolicyRecord]:
        return sorted(self.policies.values(), key=lambda r: r.key)

    @cached_property
    def registry_json(self) -> dict[str, dict[str, Any]]:
        """Registries as plain JSON data (what the engine and its text module read)."""
        return {kind: {k: v.model_dump(mode="json", by_alias=True, exclude_none=True) for k, v in sorted(items.items())}
                for kind, items in self.registries.items()}

    def policy_json(self, rec: PolicyRecord) -> dict[str, Any]:
        """The policy as plain JSON data, with its derived identity made explicit.

        Dumped once per policy (open data, feeds and the engine bundle all read it); each
        caller gets its own top-level dict, and none changes what lies below.
        """
        return dict(rec.json_data)


def iter_criteria(criterion: Any) -> Iterator[Any]:
    """Every node of a criterion tree, parents before children."""
    if criterion is None:
        return
    yield criterion
    kind = getattr(criterion, "kind", None)
    if kind in ("all", "any"):
        for child in criterion.of:
            yield from iter_criteria(child)
    elif kind in ("not", "care-type"):
        yield from iter_criteria(criterion.of)
