"""The v3 fixture policy on the built site: deadline moments worded as the source words them
("vóór", "uiterlijk", relative to the practice's own date, recurring, some time in a year),
relative moments kept out of the public feeds, recurring ones as an RRULE, and v3 contract
features (caps, exhaustive tier sets, guidelines, incomplete lists, consequences) on the page."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from icalendar import Calendar

from generator.build import build_site

from .tree import make_project

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "v3"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("v3site")
    config = make_project(root)
    shutil.copytree(FIXTURE, root / "policies", dirs_exist_ok=True)
    out = root / "site"
    build_site(config, out)
    return out


def page_text(site: Path) -> str:
    html = (site / "beleid" / "acme" / "v3-2026" / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_deadline_moments_are_worded_as_the_source_words_them(site: Path):
    text = page_text(site)
    assert "uiterlijk 1 maand vóór de gewenste ingangsdatum" in text
    assert "vóór 1 oktober 2025" in text
    assert "elk kwartaal, vanaf 31 maart 2026 tot en met 31 december 2026" in text
    assert "ergens in 2026" in text


def test_v3_contract_features_are_on_the_page(site: Path):
    text = page_text(site)
    assert "Begrenzingen voor alle varianten" in text and "hoogstens Tariefgroep C" in text
    assert "Gevolg: geen overeenkomst" in text
    assert "elke praktijk die aan de voorwaarden voldoet, krijgt een van de 3 varianten" in text
    assert "richtlijn: de verzekeraar weegt dit af" in text
    assert "de bron breekt de lijst met voorwaarden af" in text
    assert "Gevolg als niet voldaan: dit deel van de zorg wordt niet vergoed" in text
    assert "einddatum niet vermeld in de bron" in text
    assert "Tegenspraak tussen bronnen" in text


def test_relative_moments_stay_out_of_public_feeds_and_recurring_ones_repeat(site: Path):
    feed = Calendar.from_ical((site / "agenda" / "acme.ics").read_bytes())
    uids = {str(ev["UID"]) for ev in feed.walk("VEVENT")}
    assert "acme/v3-2026/aanvragen-voor-start@inkoopwijzer" not in uids
    assert not (site / "agenda" / "deadline" / "acme" / "v3-2026" / "aanvragen-voor-start.ics").exists()
    (quarterly,) = [ev for ev in feed.walk("VEVENT") if str(ev["UID"]) == "acme/v3-2026/kwartaalrapportage@inkoopwijzer"]
    rule = quarterly["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["INTERVAL"] == [3]
