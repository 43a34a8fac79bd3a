"""Portal pages: home, comparisons (written by ``compare_pages``), glossary.

Every string from the data goes through ``escape`` (raw HTML, never parsed as Markdown) or
``md`` (Markdown).
"""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterable

from ..escape import html as escape
from ..model import Catalog, PolicyRecord
from .. import memo
from . import compare_pages
from .compare import InsurerComparison, YearComparison, insurer_comparisons, year_comparisons
from .compare_pages import compare_url, years_url
from .dates import dutch_date
from .freshness import coverage_html, coverage_summary, insurers_by_name, newest_data_date, stale_notices
from .markup import MARKET_INSURERS, chunked, md_escape as md, parts_pager
from .pages import page_link, policy_url, relative
from .upcoming import DeadlineLists, deadline_lists, upcoming_list

GLOSSARY_DIR = "begrippen"
# The home page lists every insurer (and shows the coverage matrix) up to about the size of
# the market; beyond it, a summary and links, so the home page does not grow with the data.
HOME_MAX_INSURERS = MARKET_INSURERS
# The about page shows the whole coverage matrix up to the same size; beyond it, the matrix
# comes in parts of this many insurers, each on a page of its own.
COVERAGE_PART_INSURERS = MARKET_INSURERS


# A term's lists (the insurers' own definitions, the policies that use it) show at most this
# many items on a page: a "Gebruikt in" line is about 150 bytes of HTML, a definition a few
# hundred, so a part stays under about 100 kB; past it a list continues on parts of its own.
TERM_LIST_ROWS = 250
# The two lists, as (folder of their parts, what the list holds, what it counts).
TERM_DEFINITIONS = ("definities", "definities van verzekeraars", "definities")
TERM_USERS = ("gebruikt-in", "beleidsdocumenten die het gebruiken", "beleidsdocumenten")


def term_url(term_id: str) -> str:
    return f"{GLOSSARY_DIR}/{term_id}.md"


def term_part_url(term_id: str, kind: str, number: int) -> str:
    """Part ``number`` (2 and on) of one of a term's lists; the term's page holds part 1.
    Served as ``begrippen/<term>/<kind>/<number>/``, beside the term's own ``begrippen/<term>/``."""
    return f"{GLOSSARY_DIR}/{term_id}/{kind}/{number}.md"


class Portal:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    @functools.cached_property
    def comparisons(self) -> list[InsurerComparison]:
        """Computed when first asked: the glossary pages do not need them."""
        return insurer_comparisons(self.catalog)

    @functools.cached_property
    def year_comparisons(self) -> list[YearComparison]:
        return year_comparisons(self.catalog)

    @functools.cached_property
    def deadlines(self) -> DeadlineLists:
        """The dated deadlines per list: the home page's lists and the month files."""
        return deadline_lists(self.catalog)

    # ------------------------------------------------------------------ comparisons
    # The pages themselves are written by ``compare_pages`` (from the pieces ``compare`` computes).
    def comparison_page(self, cmp: InsurerComparison) -> str:
        """The comparison's first (usually only) page."""
        return self.comparison_pages(cmp)[compare_url(cmp)]

    def comparison_pages(self, cmp: InsurerComparison) -> dict[str, str]:
        """Every page of a comparison (more than one past ``PART_INSURERS`` insurers), each with
        the freshness notice of the insurers it shows."""
        pages = {}
        parts = compare_pages.comparison_parts(cmp)
        for part in parts:
            pages[part.url] = memo.cached(self._part_inputs(cmp, parts, part), lambda: _with_notice(
                compare_pages.comparison_page(self.catalog, cmp, part),
                stale_notices(self.catalog, [(c.rec.insurer_id, c.rec.policy.family) for c in part.cmp.columns],
                              cmp.year)))
        return pages

    def _part_inputs(self, cmp: InsurerComparison, parts: list[compare_pages.ComparisonPart],
                     part: compare_pages.ComparisonPart) -> Any:
        """What one part of a comparison reads: its own columns (their policies, those they
        continue contracts from, their lineages for the notice), the comparison's rows, and
        which insurers each part shows (its pager). A title edit changes one part of each
        comparison its policy is in, not all of them."""
        if not memo.active():
            return None
        recs = [c.rec for c in part.cmp.columns]
        return ("comparison-part", memo.context(self.catalog), cmp.care_type, cmp.year, part.number, part.per_page,
                tuple(tuple(c.rec.key for c in other.cmp.columns) for other in parts), tuple(cmp.rows),
                memo.with_continued(self.catalog, recs), self._lineages(recs))

    # What a comparison's files read, for a serve session's memo (``memo``): the policies in
    # its columns with those whose contracts they continue, and their lineages (the notices
    # that nothing newer is encoded).
    def comparison_inputs(self, cmp: InsurerComparison) -> Any:
        if not memo.active():
            return None
        recs = [c.rec for c in cmp.columns]
        return ("comparison-files", memo.context(self.catalog), cmp.care_type, cmp.year,
                memo.with_continued(self.catalog, recs), self._lineages(recs))

    def years_inputs(self, cmp: YearComparison) -> Any:
        if not memo.active():
            return None
        return ("years-page", memo.context(self.catalog), cmp.insurer_id, cmp.family,
                memo.with_continued(self.catalog, cmp.policies), self._lineages(cmp.policies))

    def about_inputs(self, intro: str) -> Any:
        """The about pages read of each policy only what the coverage matrix shows (family,
        care types, contract years, completeness) and the dates of the newest data."""
        if not memo.active():
            return None
        return ("about", memo.context(self.catalog), intro,
                tuple((r.key, r.policy.family, tuple(r.policy.care_types), tuple(r.policy.contract_years),
                       r.policy.completeness, r.policy.published, tuple(a.date for a in r.policy.amendments))
                      for r in self.catalog.sorted_policies()))

    def _lineages(self, recs: list[PolicyRecord]) -> tuple[tuple[tuple[str, bytes], ...], ...]:
        pairs = sorted({(r.insurer_id, r.policy.family) for r in recs})
        return tuple(memo.policies(self.catalog.family_policies(i, f)) for i, f in pairs)

    def comparison_csv(self, cmp: InsurerComparison) -> str:
        return compare_pages.comparison_csv(self.catalog, cmp)

    def comparison_excel(self, cmp: InsurerComparison) -> bytes:
        return compare_pages.comparison_excel(self.catalog, cmp)

    def years_page(self, cmp: YearComparison) -> str:
        notice = stale_notices(self.catalog, [(cmp.insurer_id, cmp.family)], max(cmp.policies[-1].policy.contract_years))
        return _with_notice(compare_pages.years_page(self.catalog, cmp), notice)

    def compare_index(self) -> str:
        return compare_pages.compare_index(self.catalog, self.comparisons, self.year_comparisons)

    def comparisons_of(self, rec: PolicyRecord) -> list[tuple[str, str]]:
        """(label, md path) of every comparison page a policy appears in."""
        return list(self._comparisons_by_policy.get(rec.key, ()))

    @functools.cached_property
    def _comparisons_by_policy(self) -> dict[str, list[tuple[str, str]]]:
        """Every policy's comparison pages, gathered in one pass over the comparisons (asking
        each comparison about each policy would grow with the square of the data)."""
        out: dict[str, list[tuple[str, str]]] = {}
        for cmp in self.comparisons:
            label = f"{self.catalog.care_types[cmp.care_type].name} {cmp.year}"
            label = label if cmp.is_comparison else f"{label} (overzicht)"
            for part in compare_pages.comparison_parts(cmp):  # the part that shows the policy
                for key in dict.fromkeys(c.rec.key for c in part.cmp.columns):
                    out.setdefault(key, []).append((label, part.url))
        for cmp in self.year_comparisons:
            for key in dict.fromkeys(r.key for r in cmp.policies):
                out.setdefault(key, []).append(("door de jaren", years_url(cmp)))
        return out

    # ------------------------------------------------------------------ glossary
    def term_usage(self) -> dict[str, list[PolicyRecord]]:
        """Policies that use each glossary term (via registers, facts or wording)."""
        usage: dict[str, set[str]] = {t: set() for t in self.catalog.glossary}
        # terms and aliases, case-insensitive
        words: dict[str, str] = {}
        for tid, term in sorted(self.catalog.glossary.items()):
            for word in [term.term, *term.aliases]:
                words.setdefault(word.lower(), tid)
        for rec in self.catalog.policies.values():
            key = ("terms", memo.context(self.catalog), rec.key, memo.policy(rec)) if memo.active() else None
            for tid in memo.cached(key, lambda: self._terms_of(rec, words)):
                usage[tid].add(rec.key)
        return {tid: sorted((self.catalog.policies[k] for k in keys), key=lambda r: r.key)
                for tid, keys in usage.items()}

    def _terms_of(self, rec: PolicyRecord, words: dict[str, str]) -> frozenset[str]:
        """The glossary terms one policy uses (``words``: every term and alias, lower case)."""
        dump = rec.policy.model_dump(mode="json")
        return frozenset(_terms_of_policy(self.catalog, dump)
                         | {words[word] for word in _words_in(_all_text(dump).lower(), words)})

    def glossary_pages(self) -> dict[str, str]:
        """A page per term (its definition, the insurers' own definitions, registers and the
        policies that use it) and the index. A term's two lists grow with the data: past
        ``TERM_LIST_ROWS`` items each continues on parts of its own (``term_part_url``)."""
        usage = self.term_usage()
        # The lists are raw HTML: a common term is used in most policies (870 links at 100x),
        # and Markdown's inline parsing of that many links was most of the time a site builder
        # spent on them. A policy's line in "Gebruikt in" depends only on how deep the page lies
        # (every term page lies in GLOSSARY_DIR, every part of a list two folders below it, and
        # no policy page lies under GLOSSARY_DIR): written once per policy and depth, not once
        # per term and policy.
        items_of: dict[tuple[int, str], str] = {}

        def user_item(from_page: str, r: PolicyRecord) -> str:
            key = (from_page.count("/"), r.key)
            item = items_of.get(key)
            if item is None:
                item = items_of[key] = (
                    f'<li><a href="{escape(page_link(from_page, policy_url(r)))}">'
                    f"{escape(self.catalog.insurers[r.insurer_id].short_name)}: {escape(r.policy.title)}"
                    f" ({escape(r.year_label)})</a></li>")
            return item

        def definition_item(from_page: str, r: PolicyRecord, d: Any) -> str:
            return (f'<li><a href="{escape(page_link(from_page, policy_url(r)))}">'
                    f"{escape(self.catalog.insurers[r.insurer_id].short_name)}, {escape(r.policy.title)}</a>: "
                    f"{escape(d.definition)}</li>")

        definitions: dict[str, list[tuple[PolicyRecord, Any]]] = {}
        for r in self.catalog.sorted_policies():
            for d in r.policy.definitions:
                definitions.setdefault(d.term, []).append((r, d))
        pages: dict[str, str] = {}
        index = ["# Begrippen", "", "| Begrip | Gebruikt in |", "|---|---|"]
        for tid, term in sorted(self.catalog.glossary.items(), key=lambda kv: kv[1].term.lower()):
            page = term_url(tid)
            users = usage[tid]
            lines = [f"# {md(term.term)}", "", str(md(term.definition)), ""]
            if term.aliases:
                lines += ["Ook genoemd: " + ", ".join(str(md(a)) for a in term.aliases), ""]
            if term.see_also:
                lines += ["Zie ook: " + ", ".join(
                    f"[{md(self.catalog.glossary[o].term)}]({relative(page, term_url(o))})"
                    for o in term.see_also), ""]
            own = definitions.get(tid, [])
            if own:
                lines += ["## Zo gebruikt een verzekeraar dit begrip", ""]
                shown, parts = self._term_list(tid, TERM_DEFINITIONS, [r for r, _ in own],
                                               lambda at, n, own=own: definition_item(at, *own[n]))
                lines += [*shown, ""]
                pages.update(parts)
            registers = [r for r in self.catalog.registers.values() if r.term == tid]
            if registers:
                lines += ["## Registers, netwerken en keurmerken", ""]
                lines += [f"- {md(r.name)}" + (f" ({md(r.organisation)})" if r.organisation else "")
                          for r in sorted(registers, key=lambda r: r.name)]
                lines.append("")
            lines += ["## Gebruikt in", ""]
            if users:
                shown, parts = self._term_list(tid, TERM_USERS, users,
                                               lambda at, n, users=users: user_item(at, users[n]))
                lines += shown
                pages.update(parts)
            else:
                lines.append("Nog in geen enkel beleid.")
            pages[page] = "\n".join(lines) + "\n"
            count = f"{len(users)} beleidsdocument" + ("" if len(users) == 1 else "en")
            index.append(f"| [{md(term.term)}]({relative(f'{GLOSSARY_DIR}/index.md', page)}) | {count} |")
        pages[f"{GLOSSARY_DIR}/index.md"] = "\n".join(index) + "\n"
        return pages

    def _term_list(self, tid: str, kind: tuple[str, str, str], recs: list[PolicyRecord],
                   item: Callable[[str, int], str]) -> tuple[list[str], dict[str, str]]:
        """One of a term's lists: the lines on the term's page (the whole list, or its first
        part and a pager) and the pages of its other parts. ``item(page, n)`` is the n-th item
        as linked from ``page``; ``recs`` the policy of each item (they name the parts)."""
        size = TERM_LIST_ROWS
        starts = list(range(0, len(recs), size))
        if len(starts) <= 1:
            return ["<ul>", *(item(term_url(tid), n) for n in range(len(recs))), "</ul>"], {}
        slug, title, noun = kind
        urls = [term_url(tid), *(term_part_url(tid, slug, n) for n in range(2, len(starts) + 1))]
        short = lambda r: self.catalog.insurers[r.insurer_id].short_name  # noqa: E731

        def label(start: int) -> str:
            first, last = short(recs[start]), short(recs[min(start + size, len(recs)) - 1])
            return first if first == last else f"{first} – {last}"

        def part(at: str, current: int) -> list[str]:
            links = parts_pager(f"Delen van de lijst: {title}",
                                f"De lijst telt {len(recs)} {noun}, meer dan een telefoon prettig toont; "
                                f"ze staat in delen van ten hoogste {size}, op verzekeraar:", current,
                                [(label(start), page_link(at, url), "") for url, start in zip(urls, starts)])
            start = starts[current - 1]
            return [str(links), "", "<ul>", *(item(at, n) for n in range(start, min(start + size, len(recs)))),
                    "</ul>"]

        term = md(self.catalog.glossary[tid].term)
        others = {url: "\n".join([f"# {term}: {title} (deel {n} van {len(urls)})", "",
                                  f"[Terug naar het begrip {term}]({relative(url, term_url(tid))})", "",
                                  *part(url, n)]) + "\n"
                  for n, url in enumerate(urls[1:], start=2)}
        return part(term_url(tid), 1), others

    # ------------------------------------------------------------------ home
    def home_page(self, intro: str) -> str:
        """The hand-written intro, then the deadlines a provider acts on (upcoming by the
        visitor's date), long windows and the insurers' own steps apart, the coverage of the
        data, the latest changes and the entry points per care type, insurer and year. Past
        ``HOME_MAX_INSURERS`` the coverage and the insurers are a summary and a link."""
        page = "index.md"
        lists = self.deadlines
        since = newest_data_date(self.catalog)
        amendments = sorted(((a.date, rec, a) for rec in self.catalog.policies.values()
                             for a in rec.policy.amendments), key=lambda t: (t[0], t[1].key), reverse=True)
        latest = sorted(self.catalog.policies.values(),
                        key=lambda r: (r.policy.period.start, r.key), reverse=True)[:6]
        lines = [intro.rstrip(), "", "## Eerstvolgende deadlines voor zorgaanbieders", "",
                 "Wat u als zorgaanbieder moet doen, en wanneer. Welke deadlines nog komen, bepaalt uw "
                 "browser aan de hand van de datum van vandaag.", "",
                 str(upcoming_list(lists, self.catalog, "provider", since, tag="ol",
                                   empty="Geen komende deadlines voor zorgaanbieders in de gegevens; hieronder "
                                         "de laatste.")), "",
                 "[Alle deadlines, filters en abonneren in de agenda](agenda/index.md)", ""]
        if lists.items["window"]:
            lines += ["### Lopende aanvraagperioden", "",
                      "Perioden van maanden of een heel jaar waarin u een overeenkomst kunt aanvragen of iets "
                      "kunt doen, zolang ze nog open zijn.", "",
                      str(upcoming_list(lists, self.catalog, "window", since,
                                        empty="Geen lopende perioden in de gegevens; hieronder de laatste.")), ""]
        if lists.items["insurer"]:
            lines += ["### Stappen van de verzekeraar", "",
                      "Wat de verzekeraar doet (publiceren, aanbieden, besluiten); u hoeft er niets voor te doen, "
                      "maar het bepaalt wanneer u iets kunt verwachten.", "",
                      str(upcoming_list(lists, self.catalog, "insurer", since,
                                        empty="Geen komende stappen van verzekeraars in de gegevens; hieronder "
                                              "de laatste.")), ""]
        many = len(self.catalog.insurers) > HOME_MAX_INSURERS
        lines += ["## Wat is opgenomen", ""]
        if many:
            lines += [str(coverage_summary(self.catalog)), "",
                      f"[Per verzekeraar, zorgsoort en contractjaar: het overzicht]({ABOUT}#wat-is-opgenomen)", ""]
        else:
            lines += ["Per verzekeraar, zorgsoort en contractjaar: welk inkoopbeleid Inkoopwijzer kent.", "",
                      str(coverage_html(self.catalog, lambda rec: page_link(page, policy_url(rec)))), ""]
        lines += ["## Laatste wijzigingen", ""]
        for d, rec, a in amendments[:5]:
            lines.append(f"- {dutch_date(d)}: [{md(a.title)}]({relative(page, policy_url(rec))}#{a.id})"
                         f" ({md(self.catalog.insurers[rec.insurer_id].short_name)})")
        for rec in latest:
            if rec.policy.changes:
                lines.append(f"- [{md(self.catalog.insurers[rec.insurer_id].short_name)}: "
                             f"{len(rec.policy.changes)} wijzigingen in {md(rec.policy.title)}]"
                             f"({relative(page, policy_url(rec))}#wijzigingen-ten-opzichte-van-het-vorige-jaar)")
        lines += ["", "## Per zorgsoort", ""]
        care_types = sorted({ct for r in self.catalog.policies.values() for ct in r.policy.care_types},
                            key=lambda c: self.catalog.care_types[c].name)
        for ct in care_types:
            cmps = [c for c in self.comparisons if c.care_type == ct]
            links = ", ".join(f"[{c.year}]({relative(page, compare_url(c))})" for c in cmps)
            lines.append(f"- {md(self.catalog.care_types[ct].name)}: {links}")
        lines += ["", "## Per verzekeraar", ""]
        if many:
            lines.append(f"[Alle {len(self.catalog.insurers)} verzekeraars](verzekeraars/index.md)")
        else:
            for iid, ins in sorted(self.catalog.insurers.items()):
                lines.append(f"- [{md(ins.name)}]({relative(page, f'verzekeraars/{iid}.md')})")
        lines += ["", "## Per jaar", ""]
        years = sorted({y for r in self.catalog.policies.values() for y in r.policy.contract_years}, reverse=True)
        for y in years:
            cmps = [c for c in self.comparisons if c.year == y]
            links = ", ".join(f"[{md(self.catalog.care_types[c.care_type].name)}]({relative(page, compare_url(c))})"
                              for c in cmps)
            lines.append(f"- **{y}**: {links}")
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ about
    def about_pages(self, intro: str) -> dict[str, str]:
        """The about page; past ``COVERAGE_PART_INSURERS`` insurers its coverage matrix is a
        summary and a pager, and the matrix comes in parts of that many insurers (by name),
        each on its own page, so that no page grows with the data."""
        insurers = insurers_by_name(self.catalog)
        size = COVERAGE_PART_INSURERS
        if len(insurers) <= size:
            return {ABOUT: self.about_page(intro)}
        chunks = chunked(insurers, size)
        urls = [coverage_part_url(n) for n in range(1, len(chunks) + 1)]
        short = lambda iid: self.catalog.insurers[iid].short_name  # noqa: E731

        def parts(page: str, current: int | None) -> str:
            return str(parts_pager(
                "Delen van het overzicht",
                f"Het overzicht telt {len(insurers)} verzekeraars, meer dan een telefoon prettig toont; "
                f"het staat in delen van ten hoogste {size}, op naam:", current,
                [(f"{short(chunk[0])} – {short(chunk[-1])}", page_link(page, url), "") for url, chunk in zip(urls, chunks)]))

        section = "\n".join(["## Wat is opgenomen", "", str(coverage_summary(self.catalog)), "", parts(ABOUT, None), ""])
        pages = {ABOUT: _with_coverage(intro, section)}
        for n, (url, chunk) in enumerate(zip(urls, chunks), start=1):
            pages[url] = "\n".join([
                f"# Wat is opgenomen: deel {n} van {len(chunks)}", "",
                f"Per verzekeraar, zorgsoort en contractjaar: welk inkoopbeleid Inkoopwijzer kent, van "
                f"{md(short(chunk[0]))} tot en met {md(short(chunk[-1]))} (op naam).", "",
                parts(url, n), "",
                str(coverage_html(self.catalog, lambda rec, url=url: page_link(url, policy_url(rec)), insurers=chunk)), "",
                f"[Over Inkoopwijzer]({relative(url, ABOUT)})", ""])
        return pages

    def about_page(self, intro: str) -> str:
        """The hand-written about page with the coverage matrix where it says
        ``<!-- inkoopwijzer:dekking -->`` (else at the end)."""
        matrix = "\n".join(["## Wat is opgenomen", "",
                            "Per verzekeraar, zorgsoort en contractjaar: welk inkoopbeleid Inkoopwijzer kent.", "",
                            str(coverage_html(self.catalog, lambda rec: page_link(ABOUT, policy_url(rec)))), ""])
        return _with_coverage(intro, matrix)


def _with_coverage(intro: str, section: str) -> str:
    if COVERAGE_MARK in intro:
        return intro.replace(COVERAGE_MARK, section, 1)
    return intro.rstrip() + "\n\n" + section


def coverage_part_url(n: int) -> str:
    return f"{COVERAGE_DIR}/{n}.md"


def _with_notice(page: str, notice: str) -> str:
    """A comparison page with the freshness notice above its first section or its filters."""
    if not notice:
        return page
    marks = [i for i in (page.find("\n## "), page.find('\n<div class="iw-filters"')) if i >= 0]
    at = min(marks) + 1 if marks else len(page)
    return page[:at] + str(notice) + "\n\n" + page[at:]


COVERAGE_MARK = "<!-- inkoopwijzer:dekking -->"
ABOUT = "over.md"
COVERAGE_DIR = "over/dekking"


_WORD = re.compile(r"\w+")


def _words_in(text: str, words: Iterable[str]) -> list[str]:
    """The words (lower case) that occur in ``text`` (lower case) as whole words (as the regex
    ``\\bword\\b`` finds them): a one-word term is looked up in the text's set of words, a
    longer one ("kwaliteitsregister paramedici") found with ``str.find`` and checked for word
    boundaries. A regex of every term over every policy was the slowest step of generation."""
    tokens = set(_WORD.findall(text))
    return [word for word in words if (word in tokens if _is_one_word(word) else _has_phrase(text, word))]


@functools.lru_cache(maxsize=4096)
def _is_one_word(word: str) -> bool:
    return _WORD.fullmatch(word) is not None


def _has_phrase(text: str, phrase: str) -> bool:
    def boundary(i: int) -> bool:
        before = i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")
        after = i < len(text) and (text[i].isalnum() or text[i] == "_")
        return before != after

    at = text.find(phrase)
    while at != -1:
        if boundary(at) and boundary(at + len(phrase)):
            return True
        at = text.find(phrase, at + 1)
    return False


def _all_text(data: Any) -> str:
    if isinstance(data, dict):
        return " ".join(_all_text(v) for k, v in data.items() if k not in ("cite", "id"))
    if isinstance(data, list):
        return " ".join(_all_text(v) for v in data)
    return str(data) if isinstance(data, str) else ""


def _terms_of_policy(catalog: Catalog, data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        if data.get("kind") == "registered":
            reg = catalog.registers.get(data.get("register", ""))
            while reg is not None:
                if reg.term:
                    found.add(reg.term)
                reg = catalog.registers.get(reg.part_of) if reg.part_of else None
        fact = catalog.facts.get(data.get("fact", "")) if isinstance(data.get("fact"), str) else None
        if fact is not None and fact.term:
            found.add(fact.term)
        for v in data.values():
            found |= _terms_of_policy(catalog, v)
    elif isinstance(data, list):
        for v in data:
            found |= _terms_of_policy(catalog, v)
    return found
