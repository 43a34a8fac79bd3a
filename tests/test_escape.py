"""generator/escape.py: one function per output format, each checked against its reader."""
from __future__ import annotations

import json

import markdown as md
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import escape
from generator.render.markup import link, md_attr, safe_url

EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "toc"]


def render(text: str) -> str:
    return md.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize("payload", [
    "[klik](javascript:alert(1))", "![x](https://evil.example/x.png)", "<https://evil.example>",
    "tekst {: onclick=\"alert(1)\" style=\"position:fixed\" }", "<script>alert(1)</script>",
    "# kop {#x .y}", "| a | b |", "*nadruk* _x_ `code`", "[a][r]\n\n[r]: javascript:alert(1)",
    "!!! danger \"x\"", "> citaat", "1. lijst", "- lijst", "===", "\\", "a\x02wzxhzdk:0\x03b",
])
def test_markdown_text_renders_as_its_own_text(payload):
    html = render("x " + escape.markdown(payload))
    assert html.startswith("<p>") and html.count("<") == 2, html  # one paragraph, no other element
    assert "javascript:" not in html or "href" not in html


@given(st.text(max_size=60))
def test_markdown_text_never_makes_markup(text):
    html = render("x " + escape.markdown(text) + " y")
    inner = html.removeprefix("<p>").removesuffix("</p>")
    assert "<" not in inner, html


def test_markdown_escapes_apostrophes_and_entities_once():
    """The table of contents showed 'Zzp&#39;er': the entity was Markdown-escaped again."""
    html = render("## " + escape.markdown("Zzp'er & co <b>") + "\n")
    assert "Zzp'er &amp; co &lt;b&gt;" in html


def test_markdown_attribute_and_link_inside_markdown():
    value = md_attr('[x](javascript:y) `c` "q"')
    html = render(f'a <span title="{value}">b</span> c')
    assert 'title="&#91;x&#93;&#40;javascript:y&#41; &#96;c&#96; &#34;q&#34;"' in html
    html = render("a " + link("[k](javascript:alert(1))", "https://x.example/[a](javascript:b)"))
    assert html.count("<a ") == 1 and 'href="https://x.example/%5Ba%5D%28javascript:b%29"' in html
    with pytest.raises(ValueError):
        safe_url("javascript:alert(1)")


def test_html_text():
    assert str(escape.html("<a href='x'>&\x1b")) == "&lt;a href=&#39;x&#39;&gt;&amp;\ufffd"


def test_ics_text_has_no_line_break_or_control_character():
    """The calendar writer's own cleaning (engine/ical.py, used by every feed and by the
    personal calendar in the browser) and the escape module's name for it."""
    from generator.engine.ical import clean

    for ics_text in (clean, escape.ics_text):
        assert ics_text("a\rb\r\nc\nd\u2028e\x00f\x1bg") == "a b c d efg"
        assert ics_text("a\rb\r\nc\nd", one_line=False) == "a\nb\nc\nd"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\uff1d1"])
def test_csv_cell_neutralises_formulas(cell):
    assert escape.csv_cell(cell) == "'" + cell
    assert escape.csv_cell("gewoon") == "gewoon"


def test_json_refuses_nan_and_infinity():
    with pytest.raises(ValueError):
        escape.json_text({"x": float("nan")})
    with pytest.raises(ValueError):
        escape.json_text([float("inf")])
    assert json.loads(escape.json_text({"x": 1.5})) == {"x": 1.5}


def test_terminal_shows_control_characters():
    assert escape.terminal("\x1b[2J\nok\r\u202e\x9b") == "\\x1b[2J\\x0aok\\x0d\\u202e\\x9b"
    assert escape.terminal("a\nb", keep_newlines=True) == "a\nb"


@pytest.mark.parametrize("bad", ["", "..", ".", "a/b", "A", "con", "aux.json", "com1", "lpt9.ics", "a b", "-a"])
def test_path_segment_refuses_what_is_not_an_id(bad):
    with pytest.raises(ValueError):
        escape.path_segment(bad)


def test_path_segment_accepts_ids_with_extensions():
    for good in ("index.md", "policy.schema.json", "vgz", "fysiotherapie-2026.csv", "console"):
        assert escape.path_segment(good) == good
