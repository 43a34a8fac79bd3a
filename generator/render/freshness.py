"""What the site knows and how new it is: the coverage matrix and the "nothing newer yet" notice.

Everything here is computed from the data alone, never from the clock (builds are
byte-identical). Whether today's date has passed an encoded contract year is for the
visitor's browser to decide: a notice carries its dates as data attributes and starts
``hidden``; ``content/assets/inkoopwijzer.js`` shows it once the visitor's own date has
reached ``data-iw-from``. Without JavaScript the notice stays hidden, and the coverage
matrix (always visible) still tells which years are encoded.

Reusable pieces for other renderers (comparison pages, checker):

* ``coverage(catalog)``: insurer x care-type family x contract year -> full / partial / none;
* ``last_year(catalog, insurer_id, family)``: the newest contract year encoded;
* ``stale_notice(catalog, insurer_id, family, page)``: the browser-conditional notice (HTML);
* ``newer_policy_notice(catalog, rec, page)``: a static notice on a policy that has a successor;
* ``newest_data_date(catalog)``: the newest date stated in the data (publication, amendment).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from markupsafe import Markup

from ..escape import html as escape
from ..model import Catalog, PolicyRecord
from .dates import dutch_date
from .markup import safe_url

STATUS_LABEL = {"full": "volledig", "partial": "gedeeltelijk", "none": "niet opgenomen"}
# Dutch insurers publish next year's procurement policy in the spring (the NZa's rules ask for
# it by 1 April). From that day of the last encoded contract year on, the notice that nothing
# newer is encoded is worth showing; it is true at any date.
NEXT_POLICY_DUE = (4, 1)


def family_name(family: str) -> str:
    """``paramedische-zorg`` as ``paramedische zorg``."""
    return family.replace("-", " ")


def newest_data_date(catalog: Catalog) -> date | None:
    """The newest date stated in the data: a policy's or source's publication, an amendment."""
    dates = []
    for rec in catalog.policies.values():
        if rec.policy.published:
            dates.append(rec.policy.published)
        dates.extend(a.date for a in rec.policy.amendments)
    dates.extend(src.published for src in catalog.sources.values() if src.published)
    return max(dates) if dates else None


def lineage(catalog: Catalog, insurer_id: str, family: str) -> list[PolicyRecord]:
    """An insurer's policies of one care-type family, oldest first."""
    return sorted(catalog.family_policies(insurer_id, family), key=lambda r: (max(r.policy.contract_years), r.key))


def last_year(catalog: Catalog, insurer_id: str, family: str) -> int | None:
    """The newest contract year of the insurer's encoded policies of that family."""
    years = [y for r in lineage(catalog, insurer_id, family) for y in r.policy.contract_years]
    return max(years) if years else None


# ----------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class CoverageCell:
    status: str  # full | partial | none
    policies: tuple[PolicyRecord, ...]


@dataclass(frozen=True)
class CoverageRow:
    insurer_id: str
    family: str
    cells: dict[int, CoverageCell]


@dataclass(frozen=True)
class Coverage:
    years: tuple[int, ...]
    families: tuple[str, ...]
    rows: tuple[CoverageRow, ...]


def coverage(catalog: Catalog, insurers: Sequence[str] | None = None) -> Coverage:
    """Every insurer (or those of ``insurers``) x every care-type family in use x every
    contract year from the oldest to the newest encoded: full when a fully encoded policy
    covers that year, partial when only a partly encoded one does, none when nothing is
    encoded. Years and families are those of the whole catalog, for every part alike."""
    recs = list(catalog.policies.values())
    all_years = [y for r in recs for y in r.policy.contract_years]
    years = tuple(range(min(all_years), max(all_years) + 1)) if all_years else ()
    families = tuple(sorted({r.policy.family for r in recs}))
    shown = insurers_by_name(catalog) if insurers is None else list(insurers)
    rows = []
    for family in families:
        for iid in shown:
            line = lineage(catalog, iid, family)
            cells = {}
            for year in years:
                covering = tuple(r for r in line if year in r.policy.contract_years)
                status = ("full" if any(r.policy.completeness == "full" for r in covering)
                          else "partial" if covering else "none")
                cells[year] = CoverageCell(status, covering)
            rows.append(CoverageRow(iid, family, cells))
    return Coverage(years, families, tuple(rows))


def insurers_by_name(catalog: Catalog) -> list[str]:
    """Insurer ids in the order of their short names, as the coverage matrix lists them."""
    return sorted(catalog.insurers, key=lambda i: catalog.insurers[i].short_name.lower())


def care_type_scope(catalog: Catalog, rec: PolicyRecord) -> str:
    """Which care types of its family a policy covers, when not all: "alleen fysiotherapie",
    "alle behalve paramedische zorg in instellingen"; empty when it covers the whole family."""
    family = sorted(ct for ct, c in catalog.care_types.items() if c.family == rec.policy.family)
    own = [ct for ct in family if ct in rec.policy.care_types]
    missing = [ct for ct in family if ct not in rec.policy.care_types]
    if not missing:
        return ""
    names = lambda ids: _and([catalog.care_types[c].name.lower() for c in ids])  # noqa: E731
    if len(own) <= len(missing):
        return "alleen " + names(own)
    return "alle zorgsoorten behalve " + names(missing)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]


def _newest_line(catalog: Catalog) -> str:
    newest = newest_data_date(catalog)
    if newest is None:
        return ""
    return (f'<p class="iw-newest">Nieuwste gegevens: <strong>{escape(dutch_date(newest))}</strong> '
            "(de publicatiedatum van het nieuwste opgenomen document of de nieuwste wijziging). "
            "Wat hier niet staat, is niet opgenomen; dat zegt niets over wat een verzekeraar inkoopt.</p>")


def coverage_summary(catalog: Catalog) -> Markup:
    """What the matrix says in one paragraph (its size does not grow with the data): how many
    policies of how many insurers, which contract years, and the newest data's date."""
    recs = list(catalog.policies.values())
    years = sorted({y for r in recs for y in r.policy.contract_years})
    full = sum(1 for r in recs if r.policy.completeness == "full")
    span = f", contractjaren {years[0]} tot en met {years[-1]}" if years else ""
    text = (f'<p class="iw-coverage-summary">Inkoopwijzer kent {len(recs)} beleidsdocumenten '
            f"({full} volledig opgenomen, {len(recs) - full} gedeeltelijk) van {len(catalog.insurers)} "
            f"verzekeraars{span}.</p>")
    return Markup("\n".join(part for part in (_newest_line(catalog), text) if part))


def coverage_html(catalog: Catalog, link, insurers: Sequence[str] | None = None) -> Markup:
    """The coverage matrix as one table per care-type family (raw HTML, every value escaped),
    of every insurer or of those of ``insurers``.

    ``link(rec)`` gives the URL of a policy page from the page the matrix is on."""
    cov = coverage(catalog, insurers)
    out = [line for line in (_newest_line(catalog),) if line]
    head = "".join(f'<th scope="col">{y}</th>' for y in cov.years)
    for family in cov.families:
        body = []
        for row in (r for r in cov.rows if r.family == family):
            ins = catalog.insurers[row.insurer_id]
            cells = []
            for year in cov.years:
                cell = row.cells[year]
                if cell.status == "none":
                    content = f'<span class="iw-cov iw-cov--none">{STATUS_LABEL["none"]}</span>'
                else:
                    parts = []
                    for rec in cell.policies:
                        scope = care_type_scope(catalog, rec)
                        parts.append(f'<a class="iw-cov iw-cov--{rec.policy.completeness}" href="{escape(link(rec))}">'
                                     f'{STATUS_LABEL[rec.policy.completeness]}</a>'
                                     + (f' <small>{escape(scope)}</small>' if scope else ""))
                    content = "<br>".join(parts)
                cells.append(f'<td data-label="{year}" data-status="{cell.status}">{content}</td>')
            body.append(f'<tr><th scope="row">{escape(ins.short_name)}</th>{"".join(cells)}</tr>')
        out.append(
            f'<div class="iw-table-wrap iw-coverage-wrap"><table class="iw-table iw-fit iw-coverage" '
            f'data-family="{escape(family)}">'
            f'<caption>{escape(family_name(family).capitalize())}: opgenomen inkoopbeleid per contractjaar</caption>'
            f'<thead><tr><th scope="col">Verzekeraar</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')
    out.append('<p class="iw-legend"><span class="iw-cov iw-cov--full">volledig</span> het hele document is '
               'opgenomen · <span class="iw-cov iw-cov--partial">gedeeltelijk</span> alleen wat een (later) '
               'document erover zegt · <span class="iw-cov iw-cov--none">niet opgenomen</span> nog niets '
               'opgenomen</p>')
    return Markup("\n".join(out))


# ----------------------------------------------------------------------------- notices


def stale_notice(catalog: Catalog, insurer_id: str, family: str) -> Markup:
    """A notice, shown by the visitor's browser from 1 April of the insurer's last encoded
    contract year of this family on: "Voor 2025 en later is van VGZ nog geen inkoopbeleid voor
    paramedische zorg opgenomen." Raw HTML (every value escaped); empty without any policy."""
    last = last_year(catalog, insurer_id, family)
    if last is None:
        return Markup("")
    ins = catalog.insurers[insurer_id]
    show_from = date(last, *NEXT_POLICY_DUE).isoformat()
    past = date(last + 1, 1, 1).isoformat()
    return Markup(
        f'<div class="admonition warning iw-stale" data-iw-from="{show_from}" data-iw-past="{past}" '
        f'data-iw-last-year="{last}" data-insurer="{escape(insurer_id)}" data-family="{escape(family)}" hidden>'
        f'<p class="admonition-title">Nog geen nieuwer beleid opgenomen</p>'
        f'<p>Voor {last + 1} en later is van {escape(ins.short_name)} nog geen inkoopbeleid voor '
        f'{escape(family_name(family))} opgenomen.<span class="iw-stale-past"> Contractjaar {last} is voorbij; '
        f'wat hier staat, kan achterhaald zijn.</span> Het actuele beleid staat op '
        f'<a href="{safe_url(ins.website)}" rel="noopener noreferrer external">de website van '
        f'{escape(ins.short_name)}</a>.</p></div>')


def stale_notices(catalog: Catalog, pairs: list[tuple[str, str]], year: int) -> Markup:
    """On a page about contract ``year`` (a comparison): one notice listing, per (insurer,
    family) whose newest encoded contract year is ``year`` or earlier, that nothing newer is
    encoded. Each line is shown by the visitor's browser from its own ``data-iw-from`` on; the
    box stays hidden while none is. Raw HTML (every value escaped); empty when every insurer
    has a newer policy."""
    items = []
    for insurer_id, family in sorted(set(pairs)):
        last = last_year(catalog, insurer_id, family)
        if last is None or last > year:
            continue
        ins = catalog.insurers[insurer_id]
        items.append(
            f'<li class="iw-stale" data-iw-from="{date(last, *NEXT_POLICY_DUE).isoformat()}" '
            f'data-iw-past="{date(last + 1, 1, 1).isoformat()}" data-iw-last-year="{last}" '
            f'data-insurer="{escape(insurer_id)}" data-family="{escape(family)}" hidden>'
            f'Voor {last + 1} en later is van {escape(ins.short_name)} nog geen inkoopbeleid voor '
            f'{escape(family_name(family))} opgenomen<span class="iw-stale-past"> (contractjaar {last} is '
            f'voorbij)</span>; het actuele beleid staat op <a href="{safe_url(ins.website)}" '
            f'rel="noopener noreferrer external">de website van {escape(ins.short_name)}</a>.</li>')
    if not items:
        return Markup("")
    return Markup('<div class="admonition warning iw-stale-group" hidden>'
                  '<p class="admonition-title">Nog geen nieuwer beleid opgenomen</p>'
                  f'<ul>{"".join(items)}</ul></div>')


def newer_policy_notice(catalog: Catalog, rec: PolicyRecord, link) -> Markup:
    """On a policy with a later one of the same insurer and family: say so, and link it
    (true at any date, so shown without JavaScript)."""
    line = lineage(catalog, rec.insurer_id, rec.policy.family)
    later = [r for r in line if min(r.policy.contract_years) > max(rec.policy.contract_years)]
    if not later:
        return Markup("")
    newest = later[-1]
    ins = catalog.insurers[rec.insurer_id]
    return Markup(
        f'<div class="admonition note iw-newer"><p class="admonition-title">Er is nieuwer beleid</p>'
        f'<p>Dit is niet het nieuwste inkoopbeleid van {escape(ins.short_name)} voor '
        f'{escape(family_name(rec.policy.family))}. Het nieuwste dat hier is opgenomen: '
        f'<a href="{escape(link(newest))}">{escape(newest.policy.title)} ({escape(newest.year_label)})</a>.</p></div>')
