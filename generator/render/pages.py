"""Stage 4: Markdown pages from the catalog, through Jinja2 templates.

``render_pages`` returns every generated page as ``{path: markdown}``; nothing here
writes files, so the mkdocs hook and tests share one code path. Template output is
escaped by default (``finalize``): policy text can never become markup.
"""
from __future__ import annotations

import functools
import posixpath
from pathlib import Path
from typing import Any, Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..engine.deadlines import ACTORS, AUDIENCES, CHANNELS  # one wording, shared with the calendar
from ..engine.deadlines import deadline_care_types
from ..escape import html as escape
from ..model import Catalog, PolicyRecord, iter_criteria
from .criteria import CriterionText, describe, number
from .dates import dutch_date, when_sort_key, when_text
from .. import memo
from ..compiled import CompiledTemplates
from .freshness import newer_policy_notice, stale_notice, stale_notices
from .markup import chunked, link, md_attr, md_escape, parts_pager, safe_url
from .subscribe import subscribe_links

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
POLICY_INDEX_ROWS = 250  # rows per part of the list of every policy (see policy_index_pages)


def policy_index_path(number: int) -> str:
    return "beleid/index.md" if number == 1 else f"beleid/alle/{number}/index.md"

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
    # Page paths are built from validated ids, so the result is safe to print as is.
    return Markup(relpath(to_page, posixpath.dirname(from_page)))


def relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for the generator's own relative paths, without its calls to
    ``abspath`` and the working directory: a page links to thousands of others (a fifth of
    a policy page's time went to it). Paths with empty, ``.`` or ``..`` parts go to the
    library."""
    parts, base = path.split("/"), start.split("/") if start and start != "." else []
    if "" in parts or "" in base or any(p in (".", "..") for p in (*parts, *base)):
        return posixpath.relpath(path, start or ".")
    common = 0
    for a, b in zip(parts, base):
        if a != b:
            break
        common += 1
    rel = [".."] * (len(base) - common) + parts[common:]
    return "/".join(rel) if rel else "."


def page_link(from_page: str, to_md: str, anchor: str | None = None) -> str:
    """Link to a generated page as its final URL (directory URLs), for raw HTML."""
    rel = str(relative(from_page, to_md))
    rel = rel[:-3] + "/" if rel.endswith(".md") else rel
    # a folder's index.md is served as the folder itself (only a whole "index" part: a term
    # page such as behandelindex.md is a page of its own)
    if rel == "index/" or rel.endswith("/index/"):
        rel = rel[:-len("index/")]
    # relative() is computed between .md paths; with directory URLs every page except an
    # index.md is served one level deeper, so it needs one more '../'.
    if posixpath.basename(from_page) != "index.md":
        rel = "../" + rel
    return rel + (f"#{anchor}" if anchor else "")


def html_table(columns: list[str], rows: list[list[Any]], *, cls: str = "", title_column: int | None = 0,
               row_attrs: list[str] | None = None) -> Markup:
    """A table as raw HTML for a Markdown page: every cell is escaped unless it is ``Markup``,
    carries its column's name as ``data-label`` (a card per row on phones), and the
    ``title_column`` is the row's header (the card's title)."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = []
    for r, row in enumerate(rows):
        cells = []
        for i, (column, value) in enumerate(zip(columns, row)):
            if i == title_column:
                cells.append(f'<th scope="row">{escape(value)}</th>')
            else:
                cells.append(f'<td data-label="{escape(column)}">{escape(value)}</td>')
        attrs = f" {row_attrs[r]}" if row_attrs else ""
        body.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    return Markup(f'<div class="iw-table-wrap"><table class="iw-table iw-fit {cls}">'
                  f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def html_link(text: Any, href: str) -> Markup:
    """An internal link in raw HTML (``href`` built from validated ids)."""
    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>')


def term_text(term: Any) -> str:
    """A contract's running period in words."""
    if term is None:
        return "–"
    text = str(term.start)
    if term.end == "unknown":
        text += " (einde niet vermeld)"
    elif term.end and term.end != term.start:
        text += f"–{term.end}"
    elif not term.end:
        text += " (doorlopend)"
    return text


# each renderer makes its own environment (its filters read its catalog), with the same settings
_COMPILED = CompiledTemplates()


class PageRenderer:
    """Renders all generated pages for one catalog."""

    def __init__(self, catalog: Catalog, related: dict[str, list[tuple[str, str]]] | None = None,
                 site_url: str = "http://127.0.0.1:8000/", feed_paths: frozenset[str] = frozenset()):
        self.catalog = catalog
        self.related = related or {}
        self.site_url = site_url
        self.feed_paths = feed_paths
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            bytecode_cache=_COMPILED,
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

    def note_link(self, rec: PolicyRecord, note_id: str) -> Markup:
        """A link to a source note that reads as its kind, never as its id (HTML, also valid
        inside Markdown: the id is a validated id, the kind a fixed Dutch word)."""
        note = next((n for n in rec.policy.source_notes if n.id == note_id), None)
        kind = NOTE_KINDS[note.kind] if note is not None else "opmerking"
        return Markup(f'<a class="iw-note-link" href="#{note_id}">bronopmerking: {kind}</a>')

    def cite_html(self, rec: PolicyRecord, cite: Any) -> Markup:
        """``cite_short`` for raw HTML (no Markdown parser will see it)."""
        source = self.catalog.source_of(rec, cite)
        url = self.catalog.cite_url(rec, cite)
        return Markup(f'<span class="iw-cite" title="{escape(source.title)}">'
                      f'<a href="{safe_url(url)}" rel="noopener noreferrer external">§ {escape(cite.section)}</a></span>')

    def care_types_attr(self, care_types: Any) -> Markup:
        """``data-zorgsoort=" a b "`` for the profession filter (care type ids are validated ids)."""
        return Markup(f'data-zorgsoort=" {" ".join(sorted(set(care_types)))} "')

    def requirement_care_types(self, rec: PolicyRecord, req: Any) -> set[str]:
        p = rec.policy
        if "all" in req.applies_to:
            return set(p.care_types) | {ct for c in p.contracts for ct in c.care_types}
        return {ct for c in p.contracts if c.id in req.applies_to for ct in c.care_types} or set(p.care_types)

    def profession_filter(self, rec: PolicyRecord) -> Markup:
        """A select "Toon wat geldt voor ..." (kept in the URL as ?zorgsoort=); hidden until the
        script runs, and absent when the policy concerns one care type."""
        cts = rec.policy.care_types
        if len(cts) < 2:
            return Markup("")
        options = "".join(
            f'<option value="{ct}">{escape(self.catalog.care_types[ct].name)}'
            f' ({escape(self.catalog.care_types[ct].profession)})</option>' for ct in cts)
        return Markup(
            '<div class="iw-filters iw-profession" data-iw-profession hidden>'
            '<label>Toon alleen wat geldt voor <select data-filter="zorgsoort">'
            f'<option value="">alle zorgsoorten</option>{options}</select></label>'
            '<span class="iw-status" role="status"></span></div>')

    def subscribe(self, rec: PolicyRecord) -> Markup:
        """Subscribe links for the insurer's feed, and per care type of this policy."""
        ins = self.catalog.insurers[rec.insurer_id]
        main = f"agenda/{rec.insurer_id}.ics"
        if main not in self.feed_paths:
            return Markup("")
        per_type = [
            f'<li {self.care_types_attr([ct])}>'
            + str(subscribe_links(self.site_url, f"agenda/{rec.insurer_id}/{ct}.ics",
                                  label=f"{ins.short_name}, alleen {self.catalog.care_types[ct].name.lower()}:",
                                  compact=True)) + "</li>"
            for ct in rec.policy.care_types if f"agenda/{rec.insurer_id}/{ct}.ics" in self.feed_paths]
        more = (f'<details class="iw-subscribe-more"><summary>Per zorgsoort abonneren</summary>'
                f'<ul>{"".join(per_type)}</ul></details>') if len(per_type) > 1 else ""
        return Markup(f'<div class="iw-subscribe-box">'
                      f'<p>{subscribe_links(self.site_url, main, label=f"Abonneren op {ins.short_name}:")}</p>'
                      f'{more}</div>')

    def deadline_table(self, rec: PolicyRecord, deadlines: list[Any], amendments: dict[str, Any]) -> Markup:
        """The planning as an HTML table: a card per deadline on phones, all columns on desktop."""
        policy_json = rec.policy.model_dump(mode="json", include={"care_types", "contracts"})
        rows = []
        for d in deadlines:
            when = escape(when_text(d.when))
            if d.previous:
                when += escape(" (was: " + "; ".join(when_text(w) for w in d.previous) + ")")
            what = escape(d.action)
            if d.introduced_by:
                what += escape(f" (toegevoegd door de wijziging van {dutch_date(amendments[d.introduced_by].date)})")
            elif d.amended_by:
                what += escape(f" (verplaatst door de wijziging van {dutch_date(amendments[d.amended_by].date)})")
            if d.note:
                what += Markup(" (let op: ") + self.note_link(rec, d.note) + Markup(")")
            who = escape(ACTORS[d.actor]) + (escape(", via " + ", ".join(CHANNELS[c] for c in d.channel))
                                             if d.channel else "")
            ics = ("–" if d.when.kind == "relative" else
                   f'<a href="../{escape(str(self.ics_link(rec, d)))}" download>.ics</a>')
            cts = deadline_care_types(policy_json, d.model_dump(mode="json"))
            rows.append(
                f'<tr id="{d.id}" {self.care_types_attr(cts)}>'
                f'<td data-label="Wanneer" data-sort="{when_sort_key(d.when).isoformat()}">{when}</td>'
                f'<td data-label="Wat">{what} <br>{self.cite_html(rec, d.cite)}</td>'
                f'<td data-label="Wie en voor wie">{who}<br><span class="iw-audience">voor '
                f'{escape(", ".join(AUDIENCES[a] for a in d.audience))}</span></td>'
                f'<td data-label="Contractjaar" data-sort="{d.contract_year}">{d.contract_year}</td>'
                f'<td data-label="Agenda">{ics}</td></tr>')
        head = "".join(f'<th scope="col">{c}</th>' for c in
                       ("Wanneer", "Wat (en bron)", "Wie (via) en voor wie", "Contract\u00adjaar", "Agenda"))
        return Markup(f'<div class="iw-table-wrap"><table class="iw-table iw-fit iw-planning">'
                      f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')

    def changes_table(self, rec: PolicyRecord) -> Markup:
        rows = [[Markup(f'<span id="{ch.id}"></span>') + escape(f"{ch.subject} ({ch.from_year} → {ch.to_year})"),
                 ch.before or "–", ch.after or "–", self.cite_html(rec, ch.cite)] for ch in rec.policy.changes]
        return html_table(["Onderwerp", "Daarvoor", "Nu", "Bron"], rows, cls="iw-changes")

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
            if term and term in self.catalog.glossary and not _names_term(node.text, self.catalog.glossary[term]):
                # a term the text names itself gets its link on the page (first use), not twice
                target = relative(page, f"begrippen/{term}.md")
                extra += (f' <span class="iw-term">([{md_escape(self.catalog.glossary[term].term)}]'
                          f'({target}))</span>')
            if getattr(node.node, "binding", "hard") == "guideline":
                extra += ' <span class="iw-guideline">(richtlijn: de verzekeraar weegt dit af, geen harde eis)</span>'
            if getattr(node.node, "incomplete", False):
                extra += ' <span class="iw-incomplete">(de bron noemt deze lijst niet volledig)</span>'
            if node.node.note:
                extra += f' <span class="iw-note">(zie {self.note_link(rec, node.node.note)})</span>'
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
            pages[policy_url(rec)] = memo.cached(self._policy_page_inputs(rec), lambda: self.policy_page(rec))
        for insurer_id in sorted(self.catalog.insurers):
            pages[insurer_url(insurer_id)] = memo.cached(
                self._insurer_page_inputs(insurer_id), lambda: self.insurer_page(insurer_id))
        pages.update(memo.cached(self._policy_index_inputs(), self.policy_index_pages))
        pages["verzekeraars/index.md"] = self.insurer_index()
        return pages

    # What each page reads, for a serve session's memo (``memo``; called only when it is on).
    def _feeds_of(self, insurer_id: str) -> tuple[str, ...]:
        return self._insurer_feeds.get(insurer_id, ())

    @functools.cached_property
    def _insurer_feeds(self) -> dict[str, tuple[str, ...]]:
        """The feeds of each insurer (the links a policy or insurer page shows)."""
        out: dict[str, list[str]] = {}
        for path in sorted(self.feed_paths):
            parts = path.split("/")
            if len(parts) == 2 and parts[1].endswith(".ics"):
                out.setdefault(parts[1][:-4], []).append(path)
            elif len(parts) == 3:
                out.setdefault(parts[1], []).append(path)
        return {insurer_id: tuple(paths) for insurer_id, paths in out.items()}

    def _policy_page_inputs(self, rec: PolicyRecord) -> Any:
        if not memo.active():
            return None
        continued = [self.catalog.policies[cont.policy] for cont in rec.policy.continues]
        return ("policy-page", memo.context(self.catalog), self.site_url, rec.key,
                memo.policies(self.catalog.family_policies(rec.insurer_id, rec.policy.family)),
                memo.policies(continued), tuple(self.related.get(rec.key, ())), self._feeds_of(rec.insurer_id))

    def _insurer_page_inputs(self, insurer_id: str) -> Any:
        if not memo.active():
            return None
        return ("insurer-page", memo.context(self.catalog), self.site_url, insurer_id,
                memo.policies(self.catalog.policies_of(insurer_id)), self._feeds_of(insurer_id))

    def _policy_index_inputs(self) -> Any:
        if not memo.active():
            return None
        return ("policy-index", memo.context(self.catalog),
                tuple((r.key, r.policy.title, r.policy.period, tuple(r.policy.care_types), r.policy.completeness)
                      for r in self.catalog.sorted_policies()))

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
            notice=newer_policy_notice(self.catalog, rec, lambda other: page_link(page, policy_url(other)))
            or stale_notice(self.catalog, rec.insurer_id, p.family),
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
        ins = self.catalog.insurers[insurer_id]
        link = lambda rec, anchor=None: page_link(page, policy_url(rec), anchor)  # noqa: E731
        policies = html_table(
            ["Beleid", "Zorgsoorten", "Periode", "Volledigheid"],
            [[html_link(rec.policy.title, link(rec)), ", ".join(self.catalog.care_types[c].name for c in rec.policy.care_types),
              rec.year_label, "volledig" if rec.policy.completeness == "full" else "gedeeltelijk"] for rec in recs],
            cls="iw-policies")
        contracts = html_table(
            ["Overeenkomst", "Soort", "Looptijd", "Beleid"],
            [[html_link(c.name, link(rec, c.id)), KINDS[c.kind], term_text(c.term), rec.year_label]
             for rec in recs for c in rec.policy.contracts],
            cls="iw-contracts-table")
        families = sorted({rec.policy.family for rec in recs})
        newest = max((y for rec in recs for y in rec.policy.contract_years), default=0)
        notices = (stale_notice(self.catalog, insurer_id, families[0]) if len(families) == 1 else
                   stale_notices(self.catalog, [(insurer_id, f) for f in families], newest))
        feed = f"agenda/{insurer_id}.ics"
        subscribe = (Markup('<p class="iw-subscribe-box">')
                     + subscribe_links(self.site_url, feed, label=f"Deadlines van {ins.short_name} in uw agenda:")
                     + Markup("</p>")) if feed in self.feed_paths else Markup("")
        return self.env.get_template("insurer.md.j2").render(
            insurer=ins, insurer_id=insurer_id, notices=notices, subscribe=subscribe,
            policies_table=policies, contracts_table=contracts,
        )

    def policy_index_pages(self, per_page: int | None = None) -> dict[str, str]:
        """Every policy, newest first: one page, or parts of at most ``per_page`` rows (about
        360 bytes of HTML each: 250 rows stay near 90 kB) with a pager naming each part's
        periods; ``alle`` is a reserved insurer id, so ``beleid/alle/N/`` takes no insurer's place."""
        size = per_page or POLICY_INDEX_ROWS
        recs = sorted(self.catalog.policies.values(), key=lambda r: (-r.policy.period.start, r.insurer_id, r.key))
        chunks = chunked(recs, size)
        paths = [policy_index_path(n) for n in range(1, len(chunks) + 1)]
        pages = {}
        for nth, (page, chunk) in enumerate(zip(paths, chunks), start=1):
            table = html_table(
                ["Beleid", "Verzekeraar", "Zorgsoorten", "Periode", "Volledigheid"],
                [[html_link(f"{self.catalog.insurers[rec.insurer_id].short_name}: {rec.policy.title}",
                            page_link(page, policy_url(rec))),
                  self.catalog.insurers[rec.insurer_id].short_name,
                  ", ".join(self.catalog.care_types[c].name for c in rec.policy.care_types),
                  rec.year_label, "volledig" if rec.policy.completeness == "full" else "gedeeltelijk"] for rec in chunk],
                cls="iw-policies")
            links = Markup("")
            if len(chunks) > 1:
                links = parts_pager("Delen van de lijst", "De lijst telt meer beleidsdocumenten dan een telefoon "
                                    "prettig toont; ze staan in delen, nieuwste eerst:", nth,
                                    [(_start_years(part), page_link(page, target), "")
                                     for target, part in zip(paths, chunks)])
            pages[page] = self.env.get_template("policy_index.md.j2").render(
                count=len(recs), catalog=self.catalog, table=table, pager=links,
                part=Markup(f" (deel {nth} van {len(chunks)})" if len(chunks) > 1 else ""))
        return pages

    def insurer_index(self) -> str:
        page = "verzekeraars/index.md"
        rows = [(iid, ins, relative(page, insurer_url(iid)), len(self.catalog.policies_of(iid)))
                for iid, ins in sorted(self.catalog.insurers.items())]
        return self.env.get_template("insurer_index.md.j2").render(rows=rows)


def _names_term(text: str, term: Any) -> bool:
    """Does the text name the glossary term (or an alias) itself?"""
    lowered = text.lower()
    return any(name.lower() in lowered for name in (term.term, *term.aliases))


def render_pages(catalog: Catalog, related: dict[str, list[tuple[str, str]]] | None = None,
                 site_url: str = "http://127.0.0.1:8000/", feed_paths: frozenset[str] = frozenset()) -> dict[str, str]:
    return PageRenderer(catalog, related, site_url, feed_paths).render_all()


def _start_years(part: Sequence[PolicyRecord]) -> str:
    """The years a part of the policy list starts in, newest first as the list is ("2025 – 2024";
    one year once: "2024")."""
    newest, oldest = part[0].policy.period.start, part[-1].policy.period.start
    return str(newest) if newest == oldest else f"{newest} – {oldest}"


__all__ = ["render_pages", "PageRenderer", "when_text", "dutch_date", "safe_url"]
