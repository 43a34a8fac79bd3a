"""The agenda page: every deadline, filters, subscribe links for every feed."""
from __future__ import annotations

from markupsafe import escape

from ..model import Catalog
from .dates import when_sort_key, when_text
from .ics import Feed, deadline_care_types, event_path, feeds
from .pages import ACTORS, AUDIENCES, CHANNELS, policy_url
from .portal import WIDE, page_link

AGENDA = "agenda/index.md"


def _feed_link(feed: Feed) -> str:
    # The agenda page is served as agenda/ ; feeds live under agenda/ too.
    return feed.path.removeprefix("agenda/")


def agenda_page(catalog: Catalog, site_url: str) -> str:
    all_feeds = feeds(catalog, site_url)
    rows = []
    for rec in catalog.sorted_policies():
        ins = catalog.insurers[rec.insurer_id]
        for dl in rec.policy.deadlines:
            cts = deadline_care_types(rec, dl)
            day = when_sort_key(dl.when)
            relative_moment = dl.when.kind == "relative"
            ics = event_path(rec, dl.id).removeprefix("agenda/")
            ics_cell = ("–" if relative_moment else
                        f'<a href="{escape(ics)}" download aria-label=".ics (agenda-item): {escape(dl.action)}">.ics</a>')
            rows.append((day, rec.key, dl.id, (
                f'<tr id="{escape(rec.key.replace("/", "-"))}-{escape(dl.id)}" data-date="{"" if relative_moment else day.isoformat()}" '
                f'data-verzekeraar="{escape(rec.insurer_id)}" data-zorgsoort=" {" ".join(cts)} " '
                f'data-doelgroep=" {" ".join(dl.audience)} ">'
                f'<td data-sort="{day.isoformat()}">{escape(when_text(dl.when))}</td>'
                f'<td><a href="{escape(page_link(AGENDA, policy_url(rec), dl.id))}">{escape(dl.action)}</a></td>'
                f'<td>{escape(ins.short_name)}</td>'
                f'<td>{escape(", ".join(catalog.care_types[c].name for c in cts))}</td>'
                f'<td>{escape(ACTORS[dl.actor])}</td>'
                f'<td>{escape(", ".join(CHANNELS[c] for c in dl.channel) or "–")}</td>'
                f'<td>{escape(", ".join(AUDIENCES[a] for a in dl.audience))}</td>'
                f'<td>{dl.contract_year}</td>'
                f'<td>{ics_cell}</td>'
                "</tr>")))
    rows.sort()
    insurers = sorted({r.insurer_id for r in catalog.policies.values()})
    cts = sorted({c for r in catalog.policies.values() for c in r.policy.care_types},
                 key=lambda c: catalog.care_types[c].name)
    opt = lambda value, label: f'<option value="{escape(value)}">{escape(label)}</option>'  # noqa: E731
    feed_rows = "".join(
        f'<tr><td>{escape(f.name.removeprefix("Inkoopwijzer – "))}</td><td>{len(f.occurrences)}</td>'
        f'<td><a class="iw-webcal" href="{escape(_feed_link(f))}" data-feed="{escape(f.path)}">Abonneren</a></td>'
        f'<td><a href="{escape(_feed_link(f))}">{escape(f.path)}</a></td></tr>'
        for f in all_feeds)
    return f"""{WIDE}# Agenda: alle deadlines

Alle deadlines uit het zorginkoopbeleid, ook data die alleen in de lopende tekst staan.
Of een deadline voorbij is, bepaalt uw eigen browser aan de hand van de datum van vandaag.

<div class="iw-filters" data-table="agenda">
<label>Verzekeraar <select data-filter="verzekeraar"><option value="">Alle verzekeraars</option>{"".join(opt(i, catalog.insurers[i].short_name) for i in insurers)}</select></label>
<label>Zorgsoort <select data-filter="zorgsoort"><option value="">Alle zorgsoorten</option>{"".join(opt(c, catalog.care_types[c].name) for c in cts)}</select></label>
<label>Voor <select data-filter="doelgroep"><option value="">Iedereen</option>{"".join(opt(a, label) for a, label in AUDIENCES.items())}</select></label>
<label><input type="checkbox" data-filter="verstreken" value="ja"> Toon ook verstreken deadlines</label>
</div>

<div class="iw-table-wrap"><table class="iw-table iw-agenda" id="agenda">
<thead><tr><th scope="col">Wanneer</th><th scope="col">Wat</th><th scope="col">Verzekeraar</th><th scope="col">Zorgsoort</th><th scope="col">Wie</th><th scope="col">Via</th><th scope="col">Voor</th><th scope="col">Contractjaar</th><th scope="col">Agenda</th></tr></thead>
<tbody>
{chr(10).join(r[3] for r in rows)}
</tbody></table></div>

## Abonneren op een agenda

Een abonnement houdt uw agenda automatisch bij: wijzigt een verzekeraar een deadline, dan
verschuift het item in uw agenda (het houdt dezelfde UID en krijgt een hoger volgnummer).

<div class="iw-table-wrap"><table class="iw-table iw-feeds">
<thead><tr><th scope="col">Agenda</th><th scope="col">Items</th><th scope="col">Abonneren</th><th scope="col">Adres (https)</th></tr></thead>
<tbody>{feed_rows}</tbody></table></div>

- **Google Agenda**: kopieer het https-adres, kies *Andere agenda's* → *+* → *Via URL* en plak het adres.
- **Outlook**: kies *Agenda toevoegen* → *Abonneren via internet* en plak het https-adres.
- **Apple Agenda**: klik op *Abonneren* (webcal) of kies *Archief* → *Nieuw agenda-abonnement* en plak het adres.

## Hoe deadlines in de agenda komen

- Een datum zonder tijd is een item voor de hele dag; een datum met tijd ("17:00 uur") een
  item op dat tijdstip, Nederlandse tijd (ook rond de overgang van zomer- naar wintertijd).
- Een periode ("16 juni tot en met 8 september 17:00 uur") geeft twee items: de opening en
  de sluiting, zodat uw agenda u op beide momenten herinnert.
- Is alleen de maand bekend ("september 2025"), dan beslaat het item die maand; geldt iets
  "het hele jaar", dan staat het op 1 januari met die uitleg.
"""
