"""The home page's next deadlines: what a provider acts on, apart from long windows and the
insurers' own steps, in a list of fixed length.

Which deadlines are "next" depends on the day the page is read, not on the day it was built
(builds are byte-identical, and a site built from old data may be read years later). So:

* ``agenda/komend.json`` counts the dated deadlines per list and month, and
  ``agenda/komend/<YYYY-MM>.json`` holds them, each with the last day it matters;
  ``content/assets/inkoopwijzer.js`` fetches the months it needs and shows the next ``LIMIT`` of
  each list by the visitor's date (as text: nothing in the files is ever parsed as HTML);
* the page itself holds, for readers without JavaScript, the first ``LIMIT`` from the newest
  date in the data on: the page does not grow with the data.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup

from .. import memo
from ..escape import html as escape
from ..model import Catalog, PolicyRecord
from .dates import when_sort_key, when_text
from .pages import page_link, policy_url

FEED = "agenda/komend.json"
MONTHS_DIR = "agenda/komend"  # one file per month: the deadlines whose last day falls in it
LIMIT = 8
# Deadlines that are windows rather than moments: a whole year, a recurring moment, an open
# range, or a range of three months or more.
WINDOW_DAYS = 90
KINDS = ("provider", "window", "insurer")


@dataclass(frozen=True)
class Upcoming:
    until: date  # the last day the deadline matters
    rec: PolicyRecord
    deadline: Any


def is_window(when: Any) -> bool:
    if when.kind in ("year", "recurring"):
        return True
    if when.kind == "range":
        return when.end is None or (when.end - when.start).days >= WINDOW_DAYS
    return False


def until(dl: Any) -> date:
    """The last day a deadline matters: its end (a range, a year, a month), else its date. An
    open range or recurrence ends with its contract year: "vanaf 30 januari 2024" for contract
    year 2024 is no open window in 2026."""
    when = dl.when
    if when.kind in ("range", "recurring"):
        return when.end or max(when.start, date(dl.contract_year, 12, 31))
    if when.kind == "year":
        return date(when.year, 12, 31)
    if when.kind == "month":
        first = when_sort_key(when)
        return date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    return when_sort_key(when)


def kind_of(dl: Any) -> str:
    if dl.actor == "insurer":
        return "insurer"
    return "window" if is_window(dl.when) else "provider"


@dataclass(frozen=True)
class _Item:
    sort_key: tuple[Any, ...]
    upcoming: Upcoming
    entry: dict[str, Any]  # as the month files hold it


@dataclass(frozen=True)
class DeadlineLists:
    """A catalog's dated deadlines per list (``KINDS``), each by the last day it matters (a
    window that closes sooner comes first), then by its start: the order of a deadline list,
    and one the month files of ``upcoming_files`` keep (they split the lists by that last day).
    The home page's lists and the month files are made of it (``deadline_lists``; computed
    once and handed to both)."""
    items: dict[str, list[_Item]]

    def of(self, kind: str) -> list[Upcoming]:
        """One list's deadlines, in list order."""
        return [item.upcoming for item in self.items[kind]]


def deadline_lists(catalog: Catalog) -> DeadlineLists:
    out: dict[str, list[_Item]] = {k: [] for k in KINDS}
    for rec in catalog.sorted_policies():
        # a serve session keeps a policy's items while its file and the context are unchanged
        inputs = ("upcoming", memo.context(catalog), rec.key, memo.policy(rec)) if memo.active() else None
        for kind, item in memo.cached(inputs, lambda: _policy_items(catalog, rec)):
            out[kind].append(item)
    for items in out.values():
        items.sort(key=lambda item: item.sort_key)
    return DeadlineLists(out)


def _policy_items(catalog: Catalog, rec: PolicyRecord) -> list[tuple[str, _Item]]:
    items = []
    for dl in rec.policy.deadlines:
        if dl.when.kind == "relative":  # no date of its own
            continue
        u = Upcoming(until(dl), rec, dl)
        entry = {"until": u.until.isoformat(), "when": when_text(dl.when),
                 "insurer": catalog.insurers[rec.insurer_id].short_name, "action": dl.action,
                 "contract_year": dl.contract_year,
                 "href": page_link("agenda/index.md", policy_url(rec), dl.id)}
        items.append((kind_of(dl), _Item((u.until, when_sort_key(dl.when), rec.key, dl.id), u, entry)))
    return items


def upcoming_files(lists: DeadlineLists) -> dict[str, str]:
    """``agenda/komend.json`` and one file per month under ``agenda/komend/``.

    The index says how many deadlines of each list end in each month (and holds the last
    ``LIMIT`` of each list, shown when nothing is ahead); the browser fetches only the months it
    needs for the next ``LIMIT`` from today, so a visit does not load every deadline of every year
    (the file grew with the data: 2.6 MB at 100x). Entries: last day, text, and a link relative
    to the index."""
    months: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for kind, items in lists.items.items():
        for item in items:
            months.setdefault(item.entry["until"][:7], {k: [] for k in lists.items})[kind].append(item.entry)
    index = {"limit": LIMIT, "last": {kind: [item.entry for item in items[-LIMIT:]] for kind, items in lists.items.items()},
             "months": {m: {kind: len(v) for kind, v in per.items()} for m, per in sorted(months.items())}}
    files = {FEED: _dump(index)}
    for month, per in months.items():
        files[f"{MONTHS_DIR}/{month}.json"] = _dump(per)
    return files


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def upcoming_list(lists: DeadlineLists, catalog: Catalog, kind: str, since: date | None, *,
                  page: str = "index.md", tag: str = "ul", empty: str = "") -> Markup:
    """The list of one kind for a page: the first ``LIMIT`` that matter on or after ``since``
    (else the last ``LIMIT``), to be replaced by the visitor's browser from ``FEED``."""
    items = lists.of(kind)
    later = [u for u in items if since is None or u.until >= since]
    shown = later[:LIMIT] if later else items[-LIMIT:]
    lis = "".join(
        f'<li data-date="{u.until.isoformat()}"><strong>{escape(when_text(u.deadline.when))}</strong> – '
        f'<a href="{escape(page_link(page, policy_url(u.rec), u.deadline.id))}">'
        f'[{escape(catalog.insurers[u.rec.insurer_id].short_name)}] {escape(u.deadline.action)}</a>'
        f' <small>(contractjaar {u.deadline.contract_year})</small></li>'
        for u in shown)
    src = page_link(page, "agenda/index.md").removesuffix("agenda/") + FEED
    return Markup(f'<{tag} class="iw-upcoming" data-kind="{kind}" data-limit="{LIMIT}" data-src="{escape(src)}" '
                  f'data-empty="{escape(empty)}">{lis}</{tag}>')
