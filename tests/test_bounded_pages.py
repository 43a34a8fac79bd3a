"""Pages that would grow with the whole data set stay bounded (issue 16): past about the size
of the Dutch market, the home page summarises the coverage and links to the full overview and
to the insurer index instead of listing every insurer."""
from __future__ import annotations

import re

from generator.render import portal as portal_module
from generator.render.portal import HOME_MAX_INSURERS, Portal

INTRO = "# Inkoopwijzer\n"


def test_the_real_home_page_lists_every_insurer_and_the_coverage_matrix(catalog):
    assert len(catalog.insurers) <= HOME_MAX_INSURERS
    home = Portal(catalog).home_page(INTRO)
    assert 'class="iw-table iw-fit iw-coverage"' in home
    for iid in catalog.insurers:
        assert f"(verzekeraars/{iid}.md)" in home


def test_past_the_limit_the_home_page_summarises_and_links(catalog, monkeypatch):
    monkeypatch.setattr(portal_module, "HOME_MAX_INSURERS", len(catalog.insurers) - 1)
    home = Portal(catalog).home_page(INTRO)
    assert "iw-coverage\"" not in home and "<table" not in home.split("## Laatste wijzigingen")[0]
    summary = re.search(r'<p class="iw-coverage-summary">(.*?)</p>', home).group(1)
    full = sum(1 for r in catalog.policies.values() if r.policy.completeness == "full")
    years = sorted({y for r in catalog.policies.values() for y in r.policy.contract_years})
    assert summary == (f"Inkoopwijzer kent {len(catalog.policies)} beleidsdocumenten ({full} volledig opgenomen, "
                       f"{len(catalog.policies) - full} gedeeltelijk) van {len(catalog.insurers)} verzekeraars, "
                       f"contractjaren {years[0]} tot en met {years[-1]}.")
    assert "(over.md#wat-is-opgenomen)" in home
    assert f"[Alle {len(catalog.insurers)} verzekeraars](verzekeraars/index.md)" in home
    assert not any(f"(verzekeraars/{iid}.md)" in home for iid in catalog.insurers)


def test_the_about_page_keeps_the_whole_matrix_past_the_limit(catalog, monkeypatch):
    monkeypatch.setattr(portal_module, "HOME_MAX_INSURERS", 0)
    about = Portal(catalog).about_page("# Over\n\n<!-- inkoopwijzer:dekking -->\n")
    assert "## Wat is opgenomen" in about and 'class="iw-table iw-fit iw-coverage"' in about
