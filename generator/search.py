"""Stage 5d: the site's search index, built over the finished pages by Pagefind.

mkdocs-material's own search puts the text of every page in one JSON file that each visitor's
browser downloads whole before the first result: 0.8 MB for today's data, 61 MB at five years
of the whole market. Pagefind (the npm package ``pagefind``, run from ``node_modules``) indexes
the finished HTML into small shards that the search page fetches per query, from the site's
own origin. Only the content of a page is indexed (``data-pagefind-body``, set in
``site_overrides/main.html``); tables and blocks that repeat the policy pages
(``render.markup.NO_SEARCH``) are left out.
"""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from .errors import InkoopwijzerError
from .escape import terminal
from .npm import npm_path
from .render.markup import NO_SEARCH

BUNDLE_DIR = "pagefind"  # the search page (content/zoeken.md) loads ../pagefind/
# Not indexed: blocks that repeat the policy pages, and the headings' permalink signs.
EXCLUDED = f"[{NO_SEARCH}], .headerlink"


def pagefind_command(project_root: Path) -> Path:
    """The npm package's launcher; a clear error when npm packages are not installed."""
    return npm_path(project_root, "pagefind", ".bin/pagefind", Path.is_file)


def index_site(site_dir: Path, project_root: Path) -> None:
    """Write the search index into ``site_dir/pagefind``, from the site's finished pages."""
    command = [str(pagefind_command(project_root)), "--site", str(site_dir), "--output-subdir", BUNDLE_DIR,
               "--force-language", "nl", "--exclude-selectors", EXCLUDED, "--silent"]
    try:
        # its own process group: the npm launcher runs the Pagefind binary as its child, and an
        # interrupted build (a signal, Ctrl+C) must stop both before the staging folder goes
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
    except OSError as exc:
        raise InkoopwijzerError(f"cannot run Pagefind ({command[0]}): {exc.strerror}") from None
    try:
        out, err = proc.communicate(timeout=1800)
    except BaseException:
        _stop_group(proc)
        raise
    if proc.returncode != 0:
        message = (err or out).strip().splitlines()[-5:]
        raise InkoopwijzerError(terminal("the search index failed (Pagefind): " + " / ".join(message)))


def _stop_group(proc: subprocess.Popen) -> None:
    """Kill the launcher and the binary it started, and wait until they are gone."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):  # gone already; no killpg
        proc.kill()
    proc.wait()
