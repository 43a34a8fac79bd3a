"""Comparison pages: insurers side by side (with the tier ladder), one policy across years,
the index of comparisons, and the downloads (CSV, and CSV for Excel with a Dutch locale).

Pages are Markdown with plain HTML blocks, so cells can hold nested lists; every string from
the data is written through ``generator.escape``: ``html`` inside the HTML blocks, ``markdown``
in Markdown text, ``csv_cell`` in spreadsheets, ``json_text`` in the checker link. The script
``content/assets/inkoopwijzer.js`` adds sorting, filters kept in the URL and the "only
differences" toggle; without it every page is complete and readable (and printable).
"""
from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter
from typing import Any
from urllib.parse import quote

from ..escape import csv_cell, json_text
from ..escape import html as h
from ..model import Catalog, PolicyRecord
from .compare import (ABSENT, KIND_LABELS, PARTIAL, Column, Entry, InsurerComparison, Ladder, Mark, Rung, YearCell,
                      YearComparison)
from .criteria import CONNECTIVES, Cond
from .markup import NO_SEARCH, WIDE, chunked, md_escape as md, parts_pager
from .pages import page_link, policy_url, relative

COMPARE_DIR = "vergelijk"
CHECKER_PAGE = "checker/index.md"
# A comparison of more insurers than this comes in parts, insurers in alphabetical order. With
# the real policies one insurer (its ladder and its column) is 11 to 52 kB of HTML, so a part
# stays near the 300 kB a phone renders comfortably (the agenda's parts are sized the same way).
PART_INSURERS = 6
PARTIAL_BADGE = '<span class="iw-badge iw-badge--partial">gedeeltelijk bekend</span>'


def compare_url(cmp: InsurerComparison) -> str:
    return f"{COMPARE_DIR}/{cmp.slug}.md"


@dataclasses.dataclass(frozen=True)
class ComparisonPart:
    """One page of a comparison: some of its insurers (columns and ladders), every row."""
    whole: InsurerComparison
    cmp: InsurerComparison
    number: int
    total: int
    per_page: int

    @property
    def url(self) -> str:
        return part_url(self.whole, self.number)


def part_url(cmp: InsurerComparison, number: int) -> str:
    """The first part is the comparison's own page; later parts sit below it."""
    return compare_url(cmp) if number == 1 else f"{COMPARE_DIR}/{cmp.slug}/deel-{number}.md"


def comparison_parts(cmp: InsurerComparison, per_page: int | None = None) -> list[ComparisonPart]:
    """The comparison's pages: one while it has at most ``PART_INSURERS`` insurers."""
    size = per_page or PART_INSURERS
    chunks = chunked(cmp.columns, size)
    parts = []
    for number, columns in enumerate(chunks, start=1):
        ids = {c.rec.insurer_id for c in columns}
        piece = dataclasses.replace(cmp, columns=list(columns), ladders=[lad for lad in cmp.ladders if lad.insurer_id in ids])
        parts.append(ComparisonPart(cmp, piece if len(chunks) > 1 else cmp, number, len(chunks), size))
    return parts


def _parts_pager(catalog: Catalog, part: ComparisonPart) -> str:
    """Links to every part, each with the insurers it shows."""
    parts = [(", ".join(catalog.insurers[c.rec.insurer_id].short_name for c in other.cmp.columns),
              href(part.url, other.url), "")
             for other in comparison_parts(part.whole, part.per_page)]
    return str(parts_pager("Delen van deze vergelijking",
                           f"Deze vergelijking telt {len(part.whole.columns)} verzekeraars, meer dan een telefoon "
                           f"prettig naast elkaar toont; ze staan in delen van ten hoogste {part.per_page}, op naam:",
                           part.number, parts))


def years_url(cmp: YearComparison) -> str:
    return f"{COMPARE_DIR}/jaren/{cmp.slug}.md"


href = page_link  # a link between two generated pages, for raw HTML


def checker_href(from_page: str, scope: dict[str, Any]) -> str:
    """The checker, pre-set through its URL fragment ``#selectie=<URL-encoded JSON>``."""
    return href(from_page, CHECKER_PAGE) + "#selectie=" + quote(
        json_text(scope, ensure_ascii=False, separators=(",", ":")), safe="")


def care_type_name(catalog: Catalog, cmp: InsurerComparison) -> str:
    return catalog.care_types[cmp.care_type].name


def comparison_title(catalog: Catalog, cmp: InsurerComparison) -> str:
    name = care_type_name(catalog, cmp)
    if cmp.is_comparison:
        return f"{name} {cmp.year}: verzekeraars vergeleken"
    insurer = catalog.insurers[cmp.columns[0].rec.insurer_id].short_name
    return f"{name} {cmp.year}: overzicht van {insurer}"


# --------------------------------------------------------------------------- conditions


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _left_out(cond: Cond) -> list[tuple[str, str]]:
    """(wording, theme) of the parts of a group shown under another theme."""
    out = []
    for theme, n in Counter(cond.left_out).items():
        if cond.kind == "any":
            out.append((f"of {_plural(n, 'andere mogelijkheid', 'andere mogelijkheden')} onder", theme))
        else:
            out.append((f"en {_plural(n, 'voorwaarde', 'voorwaarden')} onder", theme))
    return out


def _leaf_flags(node: Cond) -> str:
    out = ""
    if node.unknown:
        out = '<span class="iw-badge iw-badge--unknown">nog niet bekend</span> '
    return out


def _group_flags(node: Cond) -> str:
    out = ""
    if node.guideline:
        out += ' <small class="iw-guideline">(richtlijn: de verzekeraar weegt dit af)</small>'
    if node.incomplete:
        out += ' <small class="iw-incomplete">(de bron noemt deze lijst niet volledig)</small>'
    return out


def cond_html(cond: Cond, themes: dict[str, str], *, rows: bool = False,
              marks: dict[str, Mark] | None = None) -> str:
    """A condition tree as nested lists with their connective ("alle:", "één van:").

    ``rows``: parts left out (shown under another theme) link to that theme's row.
    ``marks``: changes against the previous year, by leaf position, shown in place.
    """
    position = iter(range(1_000_000))

    def leaf(node: Cond) -> str:
        i = str(next(position))
        text = _leaf_flags(node) + str(h(node.text)) + _group_flags(node)
        mark = (marks or {}).get(i)
        if mark is None:
            return text
        if mark.kind == "changed":
            return (f'<span class="iw-diff iw-diff--changed">{text} '
                    f'<span class="iw-badge iw-badge--changed">gewijzigd</span> '
                    f'<span class="iw-was"><del>{h(mark.old)}</del> → <ins>{h(mark.new)}</ins></span></span>')
        if mark.kind == "added":
            return f'<ins class="iw-diff iw-diff--added">{text}</ins> <span class="iw-badge iw-badge--added">nieuw</span>'
        return (f'<span class="iw-diff iw-diff--maybe">{text}</span> '
                f'<span class="iw-badge iw-badge--maybe">nieuw of niet eerder bekend</span>')

    def render(node: Cond) -> str:
        if not node.children and node.kind not in CONNECTIVES:
            return leaf(node)
        head = str(h(node.text)) + " " if node.text else ""
        connective = node.connective
        items = [f"<li>{render(child)}</li>" for child in node.children]
        for wording, theme in _left_out(node):
            label = h(themes.get(theme, theme))
            target = f'<a href="#rij-{h(theme)}">{label}</a>' if rows else f"‘{label}’"
            items.append(f'<li class="iw-elsewhere">{wording} {target}</li>')
        # one part shown: "en 1 voorwaarde onder ..." / "of 1 andere mogelijkheid ..." says the rest
        shown = connective if connective and (node.kind == "not" or len(node.children) > 1) else None
        conn = f'<span class="iw-conn">{h(shown)}:</span>' if shown else ""
        return (f'{head}{conn}{_group_flags(node)}<ul class="iw-cond iw-cond--{h(node.kind)}">'
                f'{"".join(items)}</ul>')

    return render(cond)


def cond_lines(cond: Cond, themes: dict[str, str], depth: int = 0) -> list[str]:
    """A condition tree as indented text lines (spreadsheet cells), with its connectives."""
    pad = "  " * depth
    if not cond.children and cond.kind not in CONNECTIVES:
        flags = ("[nog niet bekend] " if cond.unknown else "")
        return [f"{pad}- {flags}{cond.text}"]
    connective = cond.connective
    head = " ".join(x for x in (cond.text, f"({connective}):" if connective else "") if x)
    lines = [f"{pad}- {head}"] if head else []
    inner = depth + 1 if head else depth
    for child in cond.children:
        lines += cond_lines(child, themes, inner)
    for wording, theme in _left_out(cond):
        lines.append(f"{'  ' * inner}- {wording} ‘{themes.get(theme, theme)}’")
    return lines


# --------------------------------------------------------------------------- insurer comparison


def _themes(catalog: Catalog) -> dict[str, str]:
    return {t.id: t.label for t in catalog.themes.values()}


def entry_html(entry: Entry, page: str, themes: dict[str, str]) -> str:
    link = f'<a href="{h(href(page, policy_url(entry.rec), entry.anchor))}">{h(entry.title)}</a>'
    kind = f'<span class="iw-kind">{h(entry.kind)}</span> ' if entry.kind else ""
    unknown = '<span class="iw-badge iw-badge--unknown">nog niet bekend</span> ' if entry.unknown else ""
    continued = (f' <small class="iw-continued">(loopt door uit het beleid {h(entry.rec.year_label)})</small>'
                 if entry.continued else "")
    head = f"{unknown}{kind}{link}{continued}"
    if entry.dated:  # a step of the planning: the moment first
        return f"<strong>{h(entry.text)}</strong>: {link}{continued}"
    body = ""
    if entry.text:
        body = f": {h(entry.text)}"
    if entry.parts:
        body += '<ul class="iw-cond">' + "".join(
            f'<li><a href="{h(href(page, policy_url(entry.rec), anchor))}">{h(name)}</a></li>'
            for name, anchor in entry.parts) + "</ul>"
    if entry.cond is not None:
        inner = cond_html(entry.cond, themes, rows=True)
        if not entry.cond.children and entry.cond.kind not in CONNECTIVES:
            if entry.cond.text != entry.title:
                body += f": {inner}"
        else:
            body += f" <div class=\"iw-cond-wrap\">{inner}</div>"
    return head + body


def entry_text(entry: Entry, themes: dict[str, str]) -> str:
    """The entry as spreadsheet text: one line, then its conditions indented below it."""
    kind = f"[{entry.kind}] " if entry.kind else ""
    unknown = "[nog niet bekend] " if entry.unknown else ""
    cont = f" (loopt door uit het beleid {entry.rec.year_label})" if entry.continued else ""
    if entry.dated:
        return f"• {entry.text}: {entry.title}{cont}"
    line = f"• {unknown}{kind}{entry.title}{cont}" + (f": {entry.text}" if entry.text else "")
    lines = [line] + [f"  - {name}" for name, _ in entry.parts]
    if entry.cond is not None:
        if not entry.cond.children and entry.cond.kind not in CONNECTIVES:
            if entry.cond.text != entry.title:
                lines[0] += f": {entry.cond.text}"
        else:
            lines += cond_lines(entry.cond, themes, 1)
    return "\n".join(lines)


def _facts(pairs: list[tuple[str, str]], stacked: bool = False) -> str:
    """Label: value pairs (values are HTML already)."""
    klass = "iw-facts iw-facts--stacked" if stacked else "iw-facts"
    return f'<dl class="{klass}">' + "".join(f"<dt>{h(k)}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"


def rung_html(rung: Rung, page: str, themes: dict[str, str], partial: bool) -> str:
    partial = partial or rung.rec.policy.completeness == "partial"  # a contract run on from a partial policy
    link = f'<a href="{h(href(page, policy_url(rung.rec), rung.anchor))}">{h(rung.name)}</a>'
    kind = KIND_LABELS[rung.kind]
    continued = (f' <small class="iw-continued">(loopt door uit het beleid {h(rung.rec.year_label)})</small>'
                 if rung.continued else "")
    meta = ([f"Looptijd: {h(rung.term)}"] if rung.term else []) + [f"Onderhandelbaar: {h(rung.negotiable)}"]
    facts: list[tuple[str, str]] = []
    if rung.requirements:
        items = "".join(
            f'<li><a href="{h(href(page, policy_url(rung.rec), anchor))}">{h(title)}</a>'
            + (f' <small>({h(k)})</small>' if k != "minimumeis" else "") + "</li>"
            for title, anchor, k in rung.requirements)
        facts.append((f"Minimumeisen ({len(rung.requirements)})", f'<ul class="iw-reqs">{items}</ul>'))
    if rung.cond is not None:
        facts.append(("Eigen voorwaarden", cond_html(rung.cond, themes)))
    elif not rung.requirements:
        facts.append(("Voorwaarden", PARTIAL if partial else "geen voorwaarden genoemd"))
    if rung.incomplete:
        facts.append(("Let op", "de bron noemt de voorwaarden niet volledig"))
    if rung.tariffs:
        facts.append(("Tarief", "<br>".join(str(h(t)) for t in rung.tariffs)))
    steps = ""
    if rung.tiers:
        items = []
        for i, step in enumerate(rung.tiers, 1):
            where = " (hoogste)" if i == 1 and len(rung.tiers) > 1 else " (laagste)" if i == len(rung.tiers) > 1 else ""
            sfacts: list[tuple[str, str]] = []
            if step.cond is not None:
                sfacts.append(("Voorwaarden", cond_html(step.cond, themes)))
            else:
                sfacts.append(("Voorwaarden", PARTIAL if partial else
                               "geen voorwaarden naast die van de overeenkomst"))
            sfacts.append(("Tarief", str(h(step.tariff)) if step.tariff else
                           (PARTIAL if partial else "de bron noemt geen tarief voor deze tariefgroep")))
            if step.caps:
                sfacts.append(("Begrensd door", '<ul class="iw-reqs">' + "".join(
                    f"<li>{h(c)}</li>" for c in step.caps) + "</ul>"))
            title = f'<a href="{h(href(page, policy_url(rung.rec), step.anchor))}">{h(step.name)}</a>'
            items.append(f'<li class="iw-step"><p class="iw-step-title"><span class="iw-rank">{i}</span> '
                         f'{title}<small>{where}</small></p>{_facts(sfacts, stacked=True)}</li>')
        steps = ('<p class="iw-steps-title">Tariefgroepen, van hoog naar laag:</p>'
                 f'<ol class="iw-steps">{"".join(items)}</ol>')
    if rung.procurement:
        facts.append(("Inkoopprocedure", str(h(rung.procurement))))
    # What the contract as a whole asks sits behind one click (the tiers are the ladder, so
    # they stay open); a module or addendum shows its name, term and negotiability first.
    what = "Minimumeisen, voorwaarden en tarief" if rung.requirements else "Voorwaarden en tarief"
    details = (f'<details class="iw-more" {NO_SEARCH}><summary>{what}</summary>{_facts(facts, stacked=True)}</details>'
               if facts else "")
    return (f'<li class="iw-rung iw-rung--{h(rung.kind)}"><p class="iw-rung-title">'
            f'<span class="iw-kind">{kind}</span> {link}{continued}</p>'
            f'<p class="iw-rung-meta">{" · ".join(meta)}</p>{details}{steps}</li>')


def ladder_html(catalog: Catalog, cmp: InsurerComparison, ladder: Ladder, page: str) -> str:
    themes = _themes(catalog)
    insurer = catalog.insurers[ladder.insurer_id]
    partial = ladder.rec.policy.completeness == "partial"
    policy = (f'<a href="{h(href(page, policy_url(ladder.rec)))}">{h(ladder.rec.policy.title)}</a>'
              + (f" {PARTIAL_BADGE}" if partial else ""))
    check = (f'<a class="md-button iw-checker-link" href="{h(checker_href(page, ladder.scope))}">'
             f'Kom ik in aanmerking bij {h(insurer.short_name)}?</a>')
    if ladder.rungs:
        rungs = '<ol class="iw-rungs">' + "".join(rung_html(r, page, themes, partial) for r in ladder.rungs) + "</ol>"
    else:
        rungs = (f'<p>{PARTIAL if partial else "Dit beleid noemt voor deze zorgsoort en dit jaar geen overeenkomst."}</p>')
    anchor = f"ladder-{ladder.insurer_id}"
    return (f'<section class="iw-ladder" id="{h(anchor)}" data-insurer="{h(ladder.insurer_id)}" '
            f'aria-labelledby="{h(anchor)}-titel"><h3 id="{h(anchor)}-titel">{h(insurer.short_name)}</h3>'
            f'<p class="iw-ladder-policy">{policy}</p><p class="iw-ladder-check">{check}</p>{rungs}</section>')


def _cell_html(col: Column, row_id: str, page: str, themes: dict[str, str]) -> str:
    entries = col.rules.get(row_id, [])
    insurer = h(col.rec.insurer_id)
    if not entries:
        klass = "iw-partial" if col.partial else "iw-absent"
        badge = "iw-badge--partial" if col.partial else "iw-badge--absent"
        return (f'<td data-insurer="{insurer}" class="{klass}">'
                f'<span class="iw-badge {badge}">{h(col.empty_text)}</span></td>')
    items = "".join(f"<li>{entry_html(e, page, themes)}</li>" for e in entries)
    unknown = any(e.unknown for e in entries)
    return (f'<td data-insurer="{insurer}"{" class=iw-has-unknown" if unknown else ""}>'
            f'<ul class="iw-entries">{items}</ul></td>')


def comparison_page(catalog: Catalog, cmp: InsurerComparison, part: ComparisonPart | None = None) -> str:
    """The comparison's page, or one part of it (``part``, from ``comparison_parts``)."""
    whole = cmp
    if part is not None and part.total > 1:
        cmp = part.cmp
    else:
        part = None
    page = part.url if part else compare_url(cmp)
    themes = _themes(catalog)
    ct = catalog.care_types[cmp.care_type]
    insurers = [catalog.insurers[c.rec.insurer_id] for c in cmp.columns]
    table_id = f"vergelijk-{cmp.slug}"
    head = "".join(
        f'<th scope="col" data-insurer="{h(c.rec.insurer_id)}">'
        f'<a href="{h(href(page, policy_url(c.rec)))}">{h(ins.short_name)}</a>'
        f'<br><small>{h(c.rec.policy.title)}{" (gedeeltelijk bekend)" if c.partial else ""}</small></th>'
        for c, ins in zip(cmp.columns, insurers))
    body = []
    for row_id, label in cmp.rows:
        cells = "".join(_cell_html(col, row_id, page, themes) for col in cmp.columns)
        body.append(
            f'<tr id="rij-{h(row_id)}" data-theme="{h(row_id)}">'
            f'<th scope="row">{h(label)} <a class="iw-permalink" href="#rij-{h(row_id)}" '
            f'title="Link naar deze rij" aria-label="Link naar rij {h(label)}">¶</a></th>{cells}</tr>')
    theme_options = "".join(f'<option value="{h(r)}">{h(lbl)}</option>' for r, lbl in cmp.rows)
    insurer_filter = ""
    if whole.is_comparison:
        options = "".join(f'<option value="{h(c.rec.insurer_id)}">{h(ins.short_name)}</option>'
                          for c, ins in zip(cmp.columns, insurers))
        insurer_filter = (f'<label>Verzekeraar <select data-filter="verzekeraar"><option value="">Alle verzekeraars'
                          f'</option>{options}</select></label>')
    names = [ins.short_name for ins in insurers]
    who = ", ".join(names[:-1]) + " en " + names[-1] if len(names) > 1 else names[0]
    partial = [(c, ins) for c, ins in zip(cmp.columns, insurers) if c.partial]
    title = md(comparison_title(catalog, whole)) + (f" (deel {part.number} van {part.total})" if part else "")
    lines = [WIDE + f"# {title}", ""]
    if whole.is_comparison:
        lines.append(f"Wat {md(who)} in contractjaar {cmp.year} vragen en bieden voor "
                     f"{md(ct.name.lower())}: eerst de overeenkomsten en tariefgroepen per verzekeraar, "
                     "daarna alle voorwaarden per thema naast elkaar.")
    else:
        lines.append(f"Van {md(who)} is voor {md(ct.name.lower())} in contractjaar {cmp.year} beleid opgenomen; "
                     "van andere verzekeraars nog niet, dus dit is een overzicht en geen vergelijking.")
    lines += ["", "Elke regel linkt naar de plek in het beleid, met de bronvermelding.", ""]
    if part:
        lines += [_parts_pager(catalog, part), ""]
    if partial:
        links = [f"[{md(ins.short_name)}]({relative(page, policy_url(c.rec))})" for c, ins in partial]
        who_partial = ", ".join(links[:-1]) + " en " + links[-1] if len(links) > 1 else links[0]
        lines += ['!!! note "Gedeeltelijk bekend beleid"', "",
                  f"    Van {who_partial} is het beleid maar gedeeltelijk bekend; wat er ontbreekt, staat op de "
                  f"beleidspagina. Waar zo'n beleid niets zegt, staat „{PARTIAL}”: de regel kan in het "
                  "onbekende deel staan. „niet in dit beleid” staat alleen bij een volledig bekend beleid.", ""]
    ladders = "".join(ladder_html(catalog, cmp, ladder, page) for ladder in cmp.ladders)
    csv_name = href(page, f"{COMPARE_DIR}/{cmp.slug}.csv")  # the whole comparison, in every part
    excel_name = href(page, f"{COMPARE_DIR}/{cmp.slug}-excel.csv")
    lines += [
        "## Overeenkomsten en tariefgroepen { #tariefgroepen }", "",
        "Per verzekeraar de overeenkomsten en modules, met de tariefgroepen van hoog naar laag: "
        "wat elke groep vraagt, wat ze betaalt (waar de bron dat zegt), de looptijd en of er te "
        "onderhandelen valt. De minimumeisen gelden voor alle tariefgroepen van een overeenkomst.", "",
        f'<div class="iw-ladders">{ladders}</div>', "",
        "## Voorwaarden per thema { #per-thema }", "",
        "Een voorwaarde staat bij het thema waar ze over gaat, ook als ze binnen een tariefgroep staat; "
        "wat bij een ander thema hoort, wordt genoemd met een link naar die rij. "
        '<span class="iw-badge iw-badge--unknown">nog niet bekend</span> betekent dat de verzekeraar een '
        'waarde nog niet heeft gepubliceerd; <span class="iw-badge iw-badge--absent">niet in dit beleid</span> '
        "dat een volledig bekend beleid er niets over zegt.", "",
        f'<div class="iw-filters" data-table="{table_id}" {NO_SEARCH}>',
        f'<label>Thema <select data-filter="thema"><option value="">Alle thema\'s</option>{theme_options}'
        f"</select></label>{insurer_filter}",
        f'<a class="md-button iw-csv" href="{h(csv_name)}" download>CSV downloaden</a>',
        f'<a class="md-button iw-csv" href="{h(excel_name)}" download>CSV voor Excel (;)</a>',
        "</div>", "",
    ]
    lines += ['<p class="iw-scroll-hint" aria-hidden="true">Schuif de tabel opzij voor '
              + ("de andere verzekeraars" if cmp.is_comparison else "de hele tabel") + " →</p>", ""]
    lines += [
        f'<div class="iw-table-wrap" data-iw-scroll role="region" tabindex="0" '
        f'aria-label="Voorwaarden per thema (schuift opzij)"><table class="iw-table iw-compare" id="{table_id}" {NO_SEARCH}>',
        f'<thead><tr><th scope="col">Thema</th>{head}</tr></thead>',
        "<tbody>", "\n".join(body), "</tbody></table></div>", "",
        ("De downloads bevatten de hele vergelijking, alle delen samen" if part else "De downloads bevatten dezelfde tabel")
        + ": de CSV volgt RFC 4180 (UTF-8, komma's); de versie voor "
        "Excel gebruikt puntkomma's en een UTF-8-markering, zodat Excel met Nederlandse instellingen haar "
        "direct goed opent.", ""]
    return "\n".join(lines)


def comparison_rows(catalog: Catalog, cmp: InsurerComparison) -> list[list[str]]:
    """The comparison table as rows of text (the downloads), every cell neutralised."""
    themes = _themes(catalog)
    rows = [["thema"] + [catalog.insurers[c.rec.insurer_id].short_name for c in cmp.columns]]
    for row_id, label in cmp.rows:
        cells = [label]
        for col in cmp.columns:
            entries = col.rules.get(row_id, [])
            cells.append("\n".join(entry_text(e, themes) for e in entries) if entries else col.empty_text)
        rows.append(cells)
    return [[csv_cell(c) for c in row] for row in rows]


def comparison_csv(catalog: Catalog, cmp: InsurerComparison) -> str:
    """RFC 4180-style CSV (commas, UTF-8 without a byte-order mark)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(comparison_rows(catalog, cmp))
    return buf.getvalue()


def comparison_excel(catalog: Catalog, cmp: InsurerComparison) -> bytes:
    """CSV as Excel with Dutch settings opens it: ``;`` between cells, CRLF line ends and a
    UTF-8 byte-order mark (without it Excel reads the file as Windows-1252)."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(comparison_rows(catalog, cmp))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- across years

MARK_TEXT = {"removed": "vervallen", "maybe-removed": "niet meer genoemd (beleid gedeeltelijk bekend)"}


def _regrouped_html(mark: Mark, rows: dict[str, tuple[str, str]], removed: bool) -> str:
    links = ", ".join(f'<a href="#{h(rows[k][0])}">{h(rows[k][1])}</a>' for k in mark.new.split("|") if k in rows)
    return ('<span class="iw-badge iw-badge--maybe">anders ingedeeld</span> '
            f'<small class="iw-regrouped">{"Wat dit onderdeel vroeg, staat nu (deels) bij" if removed else "Eerder (deels) bij"}: '
            f"{links}</small>")


def _year_cell(cell: YearCell, rec: PolicyRecord, page: str, themes: dict[str, str],
               rows: dict[str, tuple[str, str]] | None = None) -> str:
    klass = "iw-changed" if cell.changed else "iw-maybe" if cell.marks else ""
    parts: list[str] = []
    rows = rows or {}
    item_mark = next((m for m in cell.marks if m.label == "onderdeel"), None)
    if cell.state != "present" or cell.version is None:
        text = PARTIAL if cell.state == "unknown" else ABSENT
        badge = "iw-badge--partial" if cell.state == "unknown" else "iw-badge--absent"
        parts.append(f'<span class="iw-badge {badge}">{text}</span>')
        if item_mark is not None and item_mark.kind == "regrouped" and cell.state == "absent":
            parts[-1] = '<span class="iw-badge iw-badge--absent">niet als apart onderdeel</span>'
        if item_mark is not None and item_mark.kind == "regrouped":
            parts.append(_regrouped_html(item_mark, rows, removed=True))
        elif item_mark is not None:
            parts.append(f'<span class="iw-badge iw-badge--removed">{MARK_TEXT[item_mark.kind]}</span>')
        if cell.against:
            parts.append(f'<small class="iw-against">(sinds {h(cell.against)})</small>')
        klass = (klass + " iw-absent").strip()
    else:
        v = cell.version
        link = f'<a href="{h(href(page, policy_url(rec), v.anchor))}">in het beleid</a>'
        if item_mark is not None and item_mark.kind == "regrouped":
            parts.append(_regrouped_html(item_mark, rows, removed=False))
        elif item_mark is not None:
            word = "nieuw" if item_mark.kind == "added" else "nieuw of niet eerder bekend"
            kind = "added" if item_mark.kind == "added" else "maybe"
            parts.append(f'<span class="iw-badge iw-badge--{kind}">{word}</span>')
        marks = {m.key: m for m in cell.marks if m.key}
        if v.cond is not None:
            parts.append(cond_html(v.cond, themes, marks=marks))
        else:
            parts.append(f'<span class="iw-none">{h(v.empty)}</span>')
        if not v.known and v.cond is not None:
            parts.append('<small class="iw-incomplete">(voorwaarden mogelijk niet volledig bekend)</small>')
        facts = []
        fact_marks = {m.label: m for m in cell.marks if not m.key and m.label != "onderdeel"}
        for label, value in v.facts:
            m = fact_marks.get(label)
            shown = str(h(value))
            if m is not None and m.kind == "changed":
                shown = (f'<span class="iw-diff iw-diff--changed"><del>{h(m.old)}</del> → <ins>{h(m.new)}</ins></span> '
                         '<span class="iw-badge iw-badge--changed">gewijzigd</span>')
            elif m is not None:
                word = "nieuw" if m.kind == "added" else "nieuw of niet eerder bekend"
                shown += f' <span class="iw-badge iw-badge--{"added" if m.kind == "added" else "maybe"}">{word}</span>'
            facts.append((label, shown))
        if facts:
            parts.append(_facts(facts))
        gone = [m for m in cell.marks if m.kind in MARK_TEXT and m.label != "onderdeel"]
        if gone:
            parts.append('<ul class="iw-gone">' + "".join(
                f'<li><span class="iw-badge iw-badge--removed">{MARK_TEXT[m.kind]}</span> '
                f'<del>{h(m.label or m.old)}</del></li>'
                for m in gone) + "</ul>")
        if any(m.kind == "logic" for m in cell.marks):
            parts.append('<p class="iw-logic"><span class="iw-badge iw-badge--changed">gewijzigd</span> '
                         "de voorwaarden zijn anders samengesteld (dezelfde voorwaarden, andere samenhang)</p>")
        if cell.source_changes:
            parts.append('<div class="iw-source-change"><strong>Volgens de bron:</strong><ul>'
                         + "".join(f"<li>{h(t)}</li>" for t in cell.source_changes) + "</ul></div>")
        if cell.against:
            parts.append(f'<p class="iw-against"><small>Vergeleken met {h(cell.against)}: het beleid daartussen '
                         "noemt dit onderdeel niet (gedeeltelijk bekend).</small></p>")
        parts.append(f'<p class="iw-year-link">{link}</p>')
    return (f'<td class="{klass}">' if klass else "<td>") + " ".join(parts) + "</td>"


def years_page(catalog: Catalog, cmp: YearComparison) -> str:
    page = years_url(cmp)
    themes = _themes(catalog)
    insurer = catalog.insurers[cmp.insurer_id]
    table_id = f"jaren-{cmp.slug}"
    head = "".join(
        f'<th scope="col"><a href="{h(href(page, policy_url(r)))}">{h(r.year_label)}</a>'
        f'{"<br><small>gedeeltelijk bekend</small>" if r.policy.completeness == "partial" else ""}</th>'
        for r in cmp.policies)
    body = []
    row_ids = {row.key: (f"rij-{i + 1}", row.label) for i, row in enumerate(cmp.rows)}
    for i, row in enumerate(cmp.rows):
        cells = "".join(_year_cell(cell, rec, page, themes, row_ids) for cell, rec in zip(row.cells, cmp.policies))
        row_id = f"rij-{i + 1}"
        body.append(f'<tr id="{row_id}" data-changed="{row.status}">'
                    f'<th scope="row">{h(row.label)} <a class="iw-permalink" href="#{row_id}" '
                    f'aria-label="Link naar deze rij">¶</a></th>{cells}</tr>')
    changed = sum(1 for r in cmp.rows if r.status == "ja")
    maybe = sum(1 for r in cmp.rows if r.status == "onbekend")
    family = cmp.policies[-1].policy.family.replace("-", " ")
    partial = [r for r in cmp.policies if r.policy.completeness == "partial"]
    lines = [WIDE + f"# {md(insurer.short_name)}: {md(family)} door de jaren", "",
             f"Wat er veranderde tussen {len(cmp.policies)} beleidsperioden, voorwaarde voor voorwaarde "
             f"berekend uit de gegevens: {changed} van de {len(cmp.rows)} onderdelen zijn zeker veranderd"
             + (f", bij {maybe} kan dat niet worden uitgesloten omdat een beleid maar gedeeltelijk bekend is"
                if maybe else "") + ".", "",
             '<ul class="iw-legend">'
             '<li><span class="iw-badge iw-badge--added">nieuw</span> voorwaarde die er het jaar ervoor niet was</li>'
             '<li><span class="iw-badge iw-badge--removed">vervallen</span> voorwaarde die niet meer geldt</li>'
             '<li><span class="iw-badge iw-badge--changed">gewijzigd</span> andere waarde: '
             "<del>oud</del> → <ins>nieuw</ins></li>"
             '<li><span class="iw-badge iw-badge--maybe">nieuw of niet eerder bekend</span> het beleid ervoor '
             "is maar gedeeltelijk bekend: de voorwaarde kan er ook al zijn geweest</li>"
             '<li><span class="iw-badge iw-badge--maybe">anders ingedeeld</span> wat dit onderdeel vraagt, staat '
             "(deels) bij een ander onderdeel van het andere jaar</li></ul>", ""]
    if partial:
        lines += ["Van " + ", ".join(f"{md(r.year_label)}" for r in partial)
                  + " is het beleid maar gedeeltelijk bekend. Wat daar ontbreekt, heet „onbekend”, "
                  "niet „vervallen” of „geen voorwaarden”.", ""]
    lines += [
        "De planning en de tarieven van elk jaar staan op de beleidspagina's zelf.", "",
        f'<div class="iw-filters" data-table="{table_id}" {NO_SEARCH}>',
        '<label><input type="checkbox" data-filter="verschillen" value="ja"> Toon alleen verschillen</label>',
        *(['<label><input type="checkbox" data-filter="mogelijk" value="ja"> ook mogelijke verschillen '
           "(beleid gedeeltelijk bekend)</label>"] if maybe else []),
        "</div>", "",
        '<p class="iw-scroll-hint" aria-hidden="true">Schuif de tabel opzij voor de andere jaren →</p>', "",
        f'<div class="iw-table-wrap" data-iw-scroll role="region" tabindex="0" '
        f'aria-label="Onderdelen per jaar (schuift opzij)"><table class="iw-table iw-years" id="{table_id}" {NO_SEARCH}>',
        f'<thead><tr><th scope="col">Onderdeel</th>{head}</tr></thead>',
        "<tbody>", "\n".join(body), "</tbody></table></div>", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- index


def compare_index(catalog: Catalog, comparisons: list[InsurerComparison],
                  year_comparisons: list[YearComparison]) -> str:
    page = f"{COMPARE_DIR}/index.md"
    real = [c for c in comparisons if c.is_comparison]
    single = [c for c in comparisons if not c.is_comparison]

    def by_care_type(cmps: list[InsurerComparison]) -> list[str]:
        groups: dict[str, list[InsurerComparison]] = {}
        for cmp in cmps:
            groups.setdefault(cmp.care_type, []).append(cmp)
        out = []
        for ct, group in sorted(groups.items(), key=lambda kv: catalog.care_types[kv[0]].name):
            links = ", ".join(
                f"[{c.year}]({relative(page, compare_url(c))}) ("
                + ", ".join(md(catalog.insurers[col.rec.insurer_id].short_name) for col in c.columns) + ")"
                for c in group)
            out.append(f"- **{md(catalog.care_types[ct].name)}**: {links}")
        return out

    lines = ["# Vergelijken", "",
             "Per zorgsoort en contractjaar de overeenkomsten, tariefgroepen en voorwaarden van de "
             "verzekeraars naast elkaar, en per verzekeraar hoe het beleid door de jaren veranderde.", "",
             "## Verzekeraars vergeleken per zorgsoort en contractjaar", ""]
    lines += by_care_type(real) or ["Nog geen zorgsoort en jaar waarvan het beleid van twee of meer "
                                    "verzekeraars is opgenomen."]
    lines += ["", "## Overzichten: één verzekeraar bekend", "",
              "Van deze zorgsoorten en jaren is het beleid van één verzekeraar opgenomen; er valt (nog) "
              "niets te vergelijken.", ""]
    lines += by_care_type(single) or ["Geen."]
    lines += ["", "## Beleid door de jaren", ""]
    for cmp in year_comparisons:
        ins = catalog.insurers[cmp.insurer_id]
        years = " → ".join(r.year_label for r in cmp.policies)
        lines.append(f"- [{md(ins.short_name)}: {md(cmp.family.replace('-', ' '))} ({years})]"
                     f"({relative(page, years_url(cmp))})")
    return "\n".join(lines) + "\n"
