"""The CSP allows only the theme's known inline scripts; any other script fails the build.

The allowed scripts come from a fixed list of theme templates (``generator.csp.THEME_SCRIPTS``).
``test_every_inline_script_of_the_theme_is_known`` fails when a theme upgrade adds an inline
script anywhere in its templates, so the list is looked at again rather than trusted.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import csp
from generator.build import build_site
from generator.errors import InkoopwijzerError

from .tree import make_project

THEME = Path(__import__("material").__file__).parent / "templates"
# Inline scripts of the theme for features Inkoopwijzer does not use, and why they may not run.
NOT_USED = {
    "partials/javascripts/consent.html": "cookie consent (extra.consent) is not configured",
    "partials/integrations/analytics.html": "no analytics",
    "partials/integrations/analytics/google.html": "no analytics",
    "redirect.html": "the redirects plugin is not used",
}


def test_every_inline_script_of_the_theme_is_known():
    unknown = []
    for template in sorted(THEME.rglob("*.html")):
        name = template.relative_to(THEME).as_posix()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", template.read_text(encoding="utf-8")):
            if name not in csp.THEME_SCRIPTS and name not in NOT_USED:
                unknown.append(name)
    assert not unknown, f"the theme has inline scripts generator/csp.py does not know: {unknown}"
    for name in csp.THEME_SCRIPTS:
        assert csp.template_patterns((THEME / name).read_text(encoding="utf-8")), name


def known() -> csp.KnownScripts:
    return csp.known_scripts([THEME], ["assets/inkoopwijzer.js", "assets/javascripts/checker.js"])


BASE_SCRIPT = (THEME / "partials/javascripts/base.html").read_text(encoding="utf-8")
PAGE_SCRIPT = re.search(r"<script>.*</script>", BASE_SCRIPT).group().replace(
    "{{ config.extra.scope | d(base_url) }}", "../..")


def page(extra: str = "") -> str:
    return (f"<html><head>{PAGE_SCRIPT}</head><body>"
            '<script id="__config" type="application/json">{"base": "../.."}</script>'
            '<script src="../../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
            f'<script src="../../assets/inkoopwijzer.js"></script>{extra}</body></html>')


def test_only_the_theme_scripts_are_hashed():
    policy = csp.content_security_policy(page(), known=known())
    assert len(re.findall(r"'sha256-", policy)) == 1
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" in csp.content_security_policy(page(), serving=True, known=known())


@pytest.mark.parametrize("injected", [
    "<script>alert(1)</script>", "<SCRIPT >alert(1)</SCRIPT>", "<script/x>alert(1)</script>",
    '<script type="module">alert(1)</script>', '<script src="https://evil.example/x.js"></script>',
    '<script src="../../data/index.json"></script>', '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>', '<a href=" JavaScript:alert(1)">x</a>',
    '<iframe srcdoc="x" src="data:text/html,x"></iframe>',
    '<script id="__config" type="application/json">{}</script>', "<script ",
    # a copy of a theme script with something else in its template hole
    PAGE_SCRIPT.replace('"../.."', '"x");alert(1);("'),
])
def test_any_other_script_is_refused(injected):
    with pytest.raises(csp.UnexpectedScript):
        csp.content_security_policy(page(injected), known=known())
    with pytest.raises(csp.UnexpectedScript):  # serve refuses them too
        csp.content_security_policy(page(injected), serving=True, known=known())


def test_text_that_only_looks_like_a_script_is_fine():
    text = "<p>&lt;script&gt;alert(1)&lt;/script&gt; onclick=x javascript:y</p>"
    csp.content_security_policy(page(text), known=known())


def test_a_page_with_an_unknown_script_fails_the_build(tmp_path: Path, capsys):
    config = make_project(tmp_path)
    (tmp_path / "content" / "over.md").write_text("# Over\n\n<script>alert(1)</script>\n", encoding="utf-8")
    with pytest.raises(InkoopwijzerError, match="site build failed") as failed:
        build_site(config, tmp_path / "out")
    assert "over/index.html: the page holds a script the theme did not put there" in str(failed.value)
    assert not (tmp_path / "out").exists()


def test_a_generated_file_never_overwrites_a_hand_written_one(tmp_path: Path):
    config = make_project(tmp_path)
    (tmp_path / "content" / "agenda").mkdir()
    (tmp_path / "content" / "agenda" / "alle.ics").write_text("BEGIN:VCALENDAR\r\n", encoding="utf-8")
    with pytest.raises(InkoopwijzerError, match="generated agenda/alle.ics would overwrite agenda/alle.ics"):
        build_site(config, tmp_path / "out")
