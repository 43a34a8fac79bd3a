from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate import load_catalog

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def catalog():
    """The real catalog from policies/; the test run fails loudly if it has errors."""
    cat, problems = load_catalog(REPO / "policies", "policies")
    errors = [str(p) for p in problems if p.severity == "error"]
    assert not errors, "policies/ has errors:\n" + "\n".join(errors)
    return cat


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The real policies built once for the address they are served from: (base URL, folder).
    Shared by the browser tests of the portal that read the real data."""
    from generator.build import build_site

    from .browser import serve
    from .tree import make_project

    root = tmp_path_factory.mktemp("real-site")
    config = make_project(root, with_real_policies=True)
    out = root / "site"
    with serve(out) as url:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("INKOOPWIJZER_SITE_URL", f"{url}/")
            build_site(config, out)
        yield url, out


@pytest.fixture(scope="module")
def chromium():
    from .browser import browser

    with browser() as b:
        yield b


@pytest.fixture
def context(chromium):
    """A desktop browser context; afterwards no page may have thrown a JavaScript error."""
    from .browser import WIDTHS

    ctx = chromium.new_context(viewport=WIDTHS["desktop"])
    errors: list[str] = []
    ctx.on("page", lambda p: p.on("pageerror", lambda e: errors.append(f"{p.url}: {e}")))
    try:
        yield ctx
    finally:
        ctx.close()
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)


def search_fragments(site: Path) -> list[dict]:
    """Every page in a built site's search index: Pagefind's fragments (url, content, meta,
    anchors), which the search page fetches per result and shows as HTML."""
    import gzip
    import json

    out = []
    for fragment in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(fragment.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), fragment
        out.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return out
