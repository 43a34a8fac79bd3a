"""Stage 4: Markdown pages from the catalog, through Jinja2 templates.

``render_pages`` returns every generated page as ``{path: markdown}``; nothing here
writes files, so the mkdocs hook and tests share one code path. Template output is
escaped by default (``finalize``): policy text can never become markup.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..engine.deadlines import ACTORS, AUDIENCES, CHANNELS  # one wording, shared with the calendar
from ..model import Catalog, PolicyRecord, iter_criteria
from .criteria import CriterionText, describe, number
from .dates import MONTHS, dutch_date, when_sort_key, when_text
from .markup import link, md_attr, md_escape, safe_url

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

KINDS = {"contract": "Overeenkomst", "module": "Module", "addendum": "Addendum", "arrangement": "Aanvullende afspraak"}
NOTE_KINDS = {"inconsistency": "tegenstrijdigheid", "ambiguity": "onduidelijkheid", "typo": "verschrijving",
              "omission": "ontbrekend gegeven", "conflict": "tegenspraak tussen bronnen"}
CONSEQUENCES = {"contract": "geen overeenkomst", "care": "dit deel van de zorg wordt niet vergoed of niet toegestaan",
                "tariff": "een ander tarief", "none": "geen: een verwachting of verzoek van de verzekeraar"}


def policy_url(rec: PolicyRecord) -> str:
    return f"beleid/{rec.key}.md"


def insurer_url(insurer_id: str) -> str:
    return f"verzekeraars/{insurer_id}.md"


def relative(from_page: str, to_page: str) -> Markup:
    """Relative link between two generated Markdown paths (mkdocs resolves .md links)."""
    import posixpath

    # Page paths are built from validated ids, so the result is safe to print as is.
    return Markup(posixpath.relpath(to_page, posixpath.dirname(from_page) or "."))


class PageRenderer:
    """Renders all generated pages for one catalog."""

    def __init__(self, catalog: Catalog, related: dict[str, list[tuple[str, str]]] | None = None):
        self.catalog = catalog
        self.related = related or {}
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            undefined=StrictUndefined,
            finalize=md_escape,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            when=lambda w: when_text(w),
            number=number,
            dutch_date=dutch_date,
            actor=lambda a: ACTORS[a],
            channels=lambda cs: ", ".join(CHANNELS[c] for c in cs),
            audiences=lambda aus: ", ".join(AUDIENCES[a] for a in aus),
            contract_kind=lambda k: KINDS[k],
            consequence=lambda k: CONSEQUENCES[k],
            note_kind=lambda k: NOTE_KINDS[k],
            care_type_name=lambda cid: catalog.care_types[cid].name,
            ext_link=lambda text, url: link(text, url),
            # Only for strings built from validated ids; never for policy text.
            safe_attr=lambda value: Markup(value),
        )

    # -------------------------------------------------------------- helpers for templates
    def cite(self, rec: PolicyRecord, cite: Any) -> Markup:
        source = self.catalog.source_of(rec, cite)
        url = self.catalog.cite_url(rec, cite)
        return Markup(
            f'<span class="iw-cite">Bron: {link(source.title, url)}, '
            f"§ {md_escape(cite.section)}</span>"
        )

    def ics_link(self, rec: PolicyRecord, deadline: Any) -> Markup:
        return relative(policy_url(rec), f"agenda/deadline/{rec.key}/{deadline.id}.ics")

    def cite_short(self, rec: PolicyRecord, cite: Any) -> Markup:
        """Compact citation for table cells: the section, linked to the source."""
        source = self.catalog.source_of(rec, cite)
        url = self.catalog.cite_url(rec, cite)
        return Markup(f'<span class="iw-cite" title="{md_attr(source.title)}">'
                      f'{link("§ " + cite.section, url)}</span>')

    def term_of(self, node: Any) -> str | None:
        """Glossary term explaining a leaf criterion (its register's, else its fact's)."""
        if getattr(node, "kind", None) == "registered":
            reg = self.catalog.registers.get(node.register_id)
            while reg is not None:
                if reg.term:
                    return reg.term
                reg = self.catalog.registers.get(reg.part_of) if reg.part_of else None
        fact = self.catalog.facts.get(getattr(node, "fact", "") or "")
        return fact.term if fact is not None else None

    def criterion_lines(self, rec: PolicyRecord, crit: Any, indent: int = 0) -> Markup:
        """A criterion tree as a nested Markdown list, with term links, notes and citations."""
        if crit is None:
            return Markup("")
        names = rec.contract_names
        page = policy_url(rec)
        lines: list[str] = []

        def walk(node: CriterionText, depth: int) -> None:
            extra = ""
            term = self.term_of(node.node) if not node.children else None
            if term and term in self.catalog.glossary:
                target = relative(page, f"begrippen/{term}.md")
                extra += (f' <span class="iw-term">([{md_escape(self.catalog.glossary[term].term)}]'
                          f'({target}))</span>')
            if getattr(node.node, "binding", "hard") == "guideline":
                extra += ' <span class="iw-guideline">(richtlijn: de verzekeraar weegt dit af, geen harde eis)</span>'
            if getattr(node.node, "incomplete", False):
                extra += ' <span class="iw-incomplete">(de bron noemt deze lijst niet volledig)</span>'
            if node.node.note:
                extra += f' <span class="iw-note">(zie bronopmerking <a href="#{node.node.note}">{node.node.note}</a>)</span>'
            if node.node.cite:
                extra += " " + str(self.cite(rec, node.node.cite))
            anchor = f'<a id="{node.node.id}"></a>' if node.node.id else ""
            lines.append("    " * (depth + indent) + f"- {anchor}{md_escape(node.text)}{extra}")
            for child in node.children:
                walk(child, depth + 1)

        walk(describe(self.catalog, crit, names), 0)
        return Markup("\n".join(lines))

    # -------------------------------------------------------------- pages
    def render_all(self) -> dict[str, str]:
        pages: dict[str, str] = {}
        for rec in self.catalog.sorted_policies():
            pages[policy_url(rec)] = self.policy_page(rec)
        for insurer_id in sorted(self.catalog.insurers):
            pages[insurer_url(insurer_id)] = self.insurer_page(insurer_id)
        pages["beleid/index.md"] = self.policy_index()
        pages["verzekeraars/index.md"] = self.insurer_index()
        return pages

    def policy_page(self, rec: PolicyRecord) -> str:
        p = rec.policy
        page = policy_url(rec)
        prev_rec, next_rec = self.catalog.previous(rec), self.catalog.next(rec)
        requirements_by_contract = {
            c.id: [r for r in p.requirements if "all" in r.applies_to or c.id in r.applies_to]
            for c in p.contracts
        }
        amendments = {a.id: a for a in p.amendments}
        continued = [(self.catalog.policies[cont.policy], relative(page, policy_url(self.catalog.policies[cont.policy])),
                      [c for c in self.catalog.policies[cont.policy].policy.contracts if c.id in cont.contracts])
                     for cont in p.continues]
        return self.env.get_template("policy.md.j2").render(
            rec=rec, p=p, r=self, catalog=self.catalog, amendments=amendments, continued=continued,
            insurer=self.catalog.insurers[rec.insurer_id],
            insurer_link=relative(page, insurer_url(rec.insurer_id)),
            prev=(prev_rec, relative(page, policy_url(prev_rec))) if prev_rec else None,
            next=(next_rec, relative(page, policy_url(next_rec))) if next_rec else None,
            care_types=[self.catalog.care_types[c] for c in p.care_types],
            deadlines=sorted(p.deadlines, key=lambda d: (when_sort_key(d.when), d.id)),
            requirements_by_contract=requirements_by_contract,
            json_link=relative(page, f"data/beleid/{rec.key}.json"),
            criteria_count=sum(1 for _ in self._all_criteria(rec)),
            related=[(label, relative(page, path)) for label, path in self.related.get(rec.key, [])],
            agenda_link=relative(page, "agenda/index.md"),
        )

    def _all_criteria(self, rec: PolicyRecord):
        p = rec.policy
        for req in p.requirements:
            yield from iter_criteria(req.criterion)
        for c in p.contracts:
            yield from iter_criteria(c.criterion)
            for t in c.tiers:
                yield from iter_criteria(t.criterion)
        for rule in p.selective_procurement:
            yield from iter_criteria(rule.requirement)

    def insurer_page(self, insurer_id: str) -> str:
        page = insurer_url(insurer_id)
        recs = self.catalog.policies_of(insurer_id)
        return self.env.get_template("insurer.md.j2").render(
            insurer=self.catalog.insurers[insurer_id], insurer_id=insurer_id,
            policies=[(rec, relative(page, policy_url(rec))) for rec in recs],
            catalog=self.catalog,
        )

    def policy_index(self) -> str:
        page = "beleid/index.md"
        rows = [(rec, self.catalog.insurers[rec.insurer_id], relative(page, policy_url(rec)))
                for rec in sorted(self.catalog.policies.values(),
                                  key=lambda r: (-r.policy.period.start, r.insurer_id, r.key))]
        return self.env.get_template("policy_index.md.j2").render(rows=rows, catalog=self.catalog)

    def insurer_index(self) -> str:
        page = "verzekeraars/index.md"
        rows = [(iid, ins, relative(page, insurer_url(iid)), len(self.catalog.policies_of(iid)))
                for iid, ins in sorted(self.catalog.insurers.items())]
        return self.env.get_template("insurer_index.md.j2").render(rows=rows)


def render_pages(catalog: Catalog, related: dict[str, list[tuple[str, str]]] | None = None) -> dict[str, str]:
    return PageRenderer(catalog, related).render_all()


__all__ = ["render_pages", "PageRenderer", "when_text", "dutch_date", "safe_url"]
