"""One-click subscribing to a calendar feed: the same links on the agenda and on policy pages.

A subscription needs the feed's absolute address, so it is built from the site's configured
address (``INKOOPWIJZER_SITE_URL`` / ``site_url``), never guessed in the browser:

* ``webcal://``: opens the calendar app (Apple Agenda, Outlook for Windows/Mac, Thunderbird);
* Google Agenda and Outlook on the web: their own "add by URL" pages with the address filled in;
* the https address itself, as selectable text with a copy button (the button needs JavaScript
  and stays hidden without it).

Feed paths are built from validated ids and the site address comes from the configuration, not
from policy data; every value is escaped for HTML all the same.
"""
from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

from markupsafe import Markup

from ..escape import html as escape

GOOGLE = "https://calendar.google.com/calendar/render?cid="
OUTLOOK = "https://outlook.live.com/calendar/0/addfromweb?url="
MICROSOFT_365 = "https://outlook.office.com/calendar/0/addfromweb?url="


def feed_url(site_url: str, feed_path: str) -> str:
    """The feed's absolute http(s) address."""
    return urljoin(site_url.rstrip("/") + "/", feed_path)


def webcal_url(site_url: str, feed_path: str) -> str:
    """The same address with the ``webcal://`` scheme calendar apps register for."""
    parts = urlsplit(feed_url(site_url, feed_path))
    return "webcal://" + parts.netloc + parts.path


def subscribe_links(site_url: str, feed_path: str, *, label: str = "", compact: bool = False) -> Markup:
    """The subscribe links of one feed as inline HTML (one line, no block of its own).

    ``label``: visible text before the links (escaped); ``compact`` leaves out the address."""
    https = feed_url(site_url, feed_path)
    webcal = webcal_url(site_url, feed_path)
    links = [
        f'<a class="iw-webcal" href="{escape(webcal)}" data-feed="{escape(feed_path)}">Agenda-app</a>',
        f'<a class="iw-google" href="{escape(GOOGLE + quote(webcal, safe=""))}" rel="noopener noreferrer external">'
        "Google Agenda</a>",
        f'<a class="iw-outlook" href="{escape(OUTLOOK + quote(https, safe=""))}" rel="noopener noreferrer external">'
        "Outlook.com</a>",
        f'<a class="iw-outlook365" href="{escape(MICROSOFT_365 + quote(https, safe=""))}" '
        'rel="noopener noreferrer external">Outlook (Microsoft 365)</a>',
    ]
    head = f'<span class="iw-subscribe-label">{escape(label)}</span> ' if label else ""
    address = "" if compact else (
        f' <span class="iw-feed-address">Adres: <code class="iw-feed-url">{escape(https)}</code>'
        f' <button type="button" class="iw-copy md-button" data-copy="{escape(https)}" hidden>Kopieer adres</button>'
        "</span>")
    return Markup(f'<span class="iw-subscribe">{head}<span class="iw-subscribe-links">'
                  + " · ".join(links) + "</span>" + address + "</span>")
