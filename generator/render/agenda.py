"""The agenda page: every deadline, filters, subscribe links for every feed.

A page a phone renders comfortably holds at most ``PAGE_ROWS`` deadlines (a row is about 1.2 kB
of HTML, so 250 rows are about 300 kB): a larger agenda (the whole market over several years) is
split, in date order, into parts of that size (``agenda/alle/2/`` …), each listing the date range
of every part. The subscribe table and the notes stay on the first part; that table still grows
with insurers x care types.

The tables are raw HTML (every value through ``escape``) with a ``data-label`` on each cell,
so that on a phone each row becomes a card of "label: value" lines without JavaScript, and
with a ``data-sort`` ISO date on the date column, so that sorting sorts by date.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

from ..escape import html as escape
from ..model import Catalog, PolicyRecord
from .. import memo
from .dates import dutch_date, when_sort_key, when_text
from .ics import Feed, deadline_care_types, event_path, feeds
from .pages import ACTORS, AUDIENCES, CHANNELS, NOTE_KINDS, page_link, policy_url, relative
from .markup import MARKET_INSURERS, NO_SEARCH, WIDE, chunked, parts_pager
from .subscribe import feed_url, subscribe_links

AGENDA = "agenda/index.md"
PAGE_ROWS = 250
# The subscribe table lists a feed per insurer (and per insurer and care type) up to about the
# size of the market; beyond it, only the feed of everything and the care-type feeds, and says
# where the others are (each insurer's and policy's page), so the page does not grow with the
# number of insurers.
FEED_TABLE_MAX_INSURERS = MARKET_INSURERS
COLUMNS = ("Wanneer", "Wat", "Verzekeraar", "Zorgsoort", "Wie en via", "Voor", "Contractjaar", "Agenda")


def _feed_link(feed: Feed) -> str:
    # The agenda page is served as agenda/ ; feeds live under agenda/ too.
    return feed.path.removeprefix("agenda/")


def _cell(column: str, content: str, **attrs: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attrs.items())
    return f'<td data-label="{column}"{extra}>{content}</td>'


def part_path(number: int) -> str:
    """The Markdown path of part ``number`` (1-based) of the agenda. ``alle`` is a reserved
    insurer id, so no feed folder can take this place."""
    return AGENDA if number == 1 else f"agenda/alle/{number}/index.md"


def agenda_rows(catalog: Catalog) -> list[tuple[str, str]]:
    """Every deadline as (ISO date it sorts on, table row), in date order; links relative to
    the agenda's folder."""
    rows = []
    for rec in catalog.sorted_policies():
        key = ("agenda-rows", memo.context(catalog), rec.key, memo.policy(rec)) if memo.active() else None
        rows.extend(memo.cached(key, lambda: _policy_rows(catalog, rec)))
    rows.sort()
    return [(r[0].isoformat(), r[3]) for r in rows]


def _policy_rows(catalog: Catalog, rec: PolicyRecord) -> list[tuple[date, str, str, str]]:
    """One policy's deadlines as (day, policy, deadline id, table row)."""
    page = AGENDA
    rows = []
    ins = catalog.insurers[rec.insurer_id]
    notes = {n.id: n for n in rec.policy.source_notes}
    for dl in rec.policy.deadlines:
        cts = deadline_care_types(rec, dl)
        day = when_sort_key(dl.when)
        relative_moment = dl.when.kind == "relative"
        ics = str(relative(page, event_path(rec, dl.id)))
        ics_cell = ("–" if relative_moment else
                    f'<a href="{escape(ics)}" download aria-label=".ics (agenda-item): {escape(dl.action)}">.ics</a>')
        what = f'<a href="{escape(page_link(page, policy_url(rec), dl.id))}">{escape(dl.action)}</a>'
        if dl.note and dl.note in notes:
            what += (f' <a class="iw-note-flag" href="{escape(page_link(page, policy_url(rec), dl.note))}">'
                     f'let op: bronopmerking ({escape(NOTE_KINDS[notes[dl.note].kind])})</a>')
        who = escape(ACTORS[dl.actor]) + (f", via {escape(', '.join(CHANNELS[c] for c in dl.channel))}"
                                          if dl.channel else "")
        rows.append((day, rec.key, dl.id, (
            f'<tr id="{escape(rec.key.replace("/", "-"))}-{escape(dl.id)}" '
            f'data-date="{"" if relative_moment else day.isoformat()}" '
            f'data-verzekeraar="{escape(rec.insurer_id)}" data-zorgsoort=" {" ".join(cts)} " '
            f'data-doelgroep=" {" ".join(dl.audience)} " data-actor="{dl.actor}">'
            + _cell("Wanneer", escape(when_text(dl.when)), data_sort=day.isoformat())
            + _cell("Wat", what)
            + _cell("Verzekeraar", escape(ins.short_name))
            + _cell("Zorgsoort", escape(", ".join(catalog.care_types[c].name for c in cts)))
            + _cell("Wie en via", who)
            + _cell("Voor", escape(", ".join(AUDIENCES[a] for a in dl.audience)))
            + _cell("Contractjaar", str(dl.contract_year), data_sort=str(dl.contract_year))
            + _cell("Agenda", ics_cell)
            + "</tr>")))
    return rows


def feed_rows(catalog: Catalog, site_url: str, kinds: frozenset[str] | None = None,
              all_feeds: list[Feed] | None = None) -> list[str]:
    """A table row per feed (of the ``kinds`` given, else every feed)."""
    out = []
    for f in all_feeds if all_feeds is not None else feeds(catalog, site_url):
        if kinds is not None and f.kind not in kinds:
            continue
        name = f.name.removeprefix("Inkoopwijzer – ")
        out.append(
            f'<tr id="feed-{escape(f.path.removeprefix("agenda/").removesuffix(".ics").replace("/", "-"))}">'
            f'<th scope="row">{escape(name)}</th>'
            + _cell("Items", str(len(f.occurrences)), data_sort=f"{len(f.occurrences):06d}")
            + _cell("Abonneren", str(subscribe_links(site_url, f.path, compact=True)))
            + _cell("Adres", f'<code class="iw-feed-url">{escape(_absolute(site_url, f))}</code> '
                    f'<button type="button" class="iw-copy md-button" data-copy="{escape(_absolute(site_url, f))}" '
                    f'hidden>Kopieer</button> <a href="{escape(_feed_link(f))}" download>.ics</a>')
            + "</tr>")
    return out


def _absolute(site_url: str, feed: Feed) -> str:
    return feed_url(site_url, feed.path)


def agenda_page(catalog: Catalog, site_url: str) -> str:
    """The agenda as one page (what ``agenda_pages`` gives while it fits on one)."""
    return agenda_pages(catalog, site_url, per_page=10**9)[AGENDA]


def agenda_pages(catalog: Catalog, site_url: str, per_page: int | None = None,
                 all_feeds: list[Feed] | None = None) -> dict[str, str]:
    """The agenda: one page, or parts of at most ``per_page`` deadlines in date order, each with
    the date range of every part; the subscribe table and the notes stay on the first part."""
    insurers = sorted({r.insurer_id for r in catalog.policies.values()})
    cts = sorted({c for r in catalog.policies.values() for c in r.policy.care_types},
                 key=lambda c: catalog.care_types[c].name)
    per_page = per_page or PAGE_ROWS
    every = agenda_rows(catalog)
    parts = chunked(every, per_page)
    many = len(catalog.insurers) > FEED_TABLE_MAX_INSURERS
    rows = feed_rows(catalog, site_url, frozenset({"all", "care-type"}) if many else None, all_feeds)
    # the pages are a function of these: a serve session keeps them while an edit leaves them alone
    inputs = ("agenda-pages", memo.context(catalog), site_url, per_page, tuple(cts), tuple(every), tuple(rows)) \
        if memo.active() else None
    return memo.cached(inputs, lambda: _agenda_pages(catalog, site_url, insurers, cts, parts, rows, many))


def _agenda_pages(catalog: Catalog, site_url: str, insurers: list[str], cts: list[str],
                  parts: list[Sequence[tuple[str, str]]], rows: list[str], many: bool) -> dict[str, str]:
    opt = lambda value, label: f'<option value="{escape(value)}">{escape(label)}</option>'  # noqa: E731
    head = "".join(f'<th scope="col">{c}</th>' for c in COLUMNS)
    ranges = [(part[0][0], part[-1][0]) if part else ("", "") for part in parts]
    rest = _REST.format(feeds=chr(10).join(rows), NO_SEARCH=NO_SEARCH, elsewhere=_FEEDS_ELSEWHERE if many else "")
    pages: dict[str, str] = {}
    for number, part in enumerate(parts, start=1):
        page = part_path(number)
        several = len(parts) > 1
        title = "Agenda: alle deadlines" + (f" (deel {number} van {len(parts)})" if several else "")
        pager = _pager(page, number, ranges) if several else ""
        subscribe = "#abonneren-op-een-agenda" if number == 1 else page_link(page, AGENDA, "abonneren-op-een-agenda")
        # the rows' links are relative to agenda/; a part two folders deeper reaches them from there
        rows = chr(10).join(row if number == 1 else row.replace(' href="', ' href="../../') for _, row in part)
        pages[page] = f"""{WIDE}# {title}

Alle deadlines uit het zorginkoopbeleid, ook data die alleen in de lopende tekst staan.
Of een deadline voorbij is, bepaalt uw eigen browser aan de hand van de datum van vandaag.

<p class="iw-subscribe-all">{subscribe_links(site_url, "agenda/alle.ics", label="Abonneren op alle deadlines:", compact=True)}
<br><a href="{escape(subscribe)}">Per verzekeraar of zorgsoort abonneren</a></p>

<div class="iw-filters" data-table="agenda" {NO_SEARCH}>
<label>Verzekeraar <select data-filter="verzekeraar"><option value="">Alle verzekeraars</option>{"".join(opt(i, catalog.insurers[i].short_name) for i in insurers)}</select></label>
<label>Zorgsoort <select data-filter="zorgsoort"><option value="">Alle zorgsoorten</option>{"".join(opt(c, catalog.care_types[c].name) for c in cts)}</select></label>
<label>Voor <select data-filter="doelgroep"><option value="">Iedereen</option>{"".join(opt(a, label) for a, label in AUDIENCES.items())}</select></label>
<label><input type="checkbox" data-filter="verstreken" value="ja"> Toon ook verstreken deadlines</label>
</div>

{pager}<div class="iw-table-wrap"><table class="iw-table iw-fit iw-agenda" id="agenda" {NO_SEARCH}>
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody></table></div>

{pager}{rest if number == 1 else ""}"""
    return pages


def _pager(page: str, number: int, ranges: list[tuple[str, str]]) -> str:
    """Links to every part with its date range (ISO dates in data attributes: the browser marks
    the part that holds today's date)."""
    parts = [(f"{_day(first)} – {_day(last)}", page_link(page, part_path(other)), f' data-from="{first}" data-to="{last}"')
             for other, (first, last) in enumerate(ranges, start=1)]
    return str(parts_pager("Delen van de agenda", "De agenda telt meer deadlines dan een telefoon prettig toont; ze "
                           "staan in delen, op datum:", number, parts)) + "\n\n"


def _day(iso: str) -> str:
    """A part's first or last date; relative moments (no fixed date) sort last."""
    if not iso:
        return "–"
    day = date.fromisoformat(iso)
    return "zonder vaste datum" if day == date.max else dutch_date(day)


_FEEDS_ELSEWHERE = """
Een agenda per verzekeraar staat op de pagina van die verzekeraar ([alle verzekeraars](../verzekeraars/index.md)),
een agenda per verzekeraar en zorgsoort op de pagina van het beleid.
"""

_REST = """## Abonneren op een agenda

Een abonnement houdt uw agenda automatisch bij: wijzigt een verzekeraar een deadline, dan
verschuift het item in uw agenda (het houdt dezelfde UID en krijgt een hoger volgnummer).

- **Agenda-app** opent het abonnement in de agenda van uw computer of telefoon (Apple Agenda,
  Outlook voor Windows en Mac, Thunderbird).
- **Google Agenda** en **Outlook** openen hun eigen pagina "agenda toevoegen" met het adres al ingevuld.
- Werkt geen van beide? Kopieer het adres en plak het bij *Agenda toevoegen* → *Via URL* /
  *Abonneren via internet*.

<div class="iw-table-wrap"><table class="iw-table iw-fit iw-feeds" id="feeds" {NO_SEARCH}>
<thead><tr><th scope="col">Agenda</th><th scope="col">Items</th><th scope="col">Abonneren</th><th scope="col">Adres</th></tr></thead>
<tbody>
{feeds}
</tbody></table></div>
{elsewhere}
## Hoe deadlines in de agenda komen

- Een datum zonder tijd is een item voor de hele dag; een datum met tijd ("17:00 uur") een
  item op dat tijdstip, Nederlandse tijd (ook rond de overgang van zomer- naar wintertijd).
- Een periode ("16 juni tot en met 8 september 17:00 uur") geeft twee items: de opening en
  de sluiting, zodat uw agenda u op beide momenten herinnert.
- Is alleen de maand bekend ("september 2025"), dan beslaat het item die maand; geldt iets
  "het hele jaar", dan staat het op 1 januari met die uitleg.
- Staat er bij een deadline een bronopmerking (de bron spreekt zichzelf tegen of is onduidelijk),
  dan staat die ook in de beschrijving van het agenda-item.
"""
