"""Benchmark the in-browser checker in headless Chromium against plain Pyodide, in one run.

    .venv/bin/python benchmarks/checker.py [--site DIR] [--runs N]

Absolute times differ between machines (about 1.7x here), so the checker is measured side by
side with references on the same origin, files and server, and reported as ratios:
  * the checker: navigation start -> first question interactive, -> first verdict; cold
    (fresh browser profile) and warm (second visit, HTTP cache and interpreter snapshot);
  * a plain Pyodide page (the npm package exactly as published, served from the same origin
    and server): navigation start -> loadPyodide() + one runPython, cold and warm;
  * the floor: navigation start -> WebAssembly.compileStreaming(pyodide.asm.wasm);
  * each unthrottled and under Chrome's "Fast 4G" network emulation (9 Mbit/s down,
    1.5 Mbit/s up, 60 ms latency);
  * a visitor who reads a policy page first (the page prefetches the checker's files in idle
    time) and then opens the checker;
  * re-evaluation after a change, and bytes transferred (the server compresses like a static
    host: brotli when the browser accepts it, else gzip).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import shutil
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser import CHROMIUM_ARGS, chromium_path, wait_until  # noqa: E402

try:  # most static hosts serve brotli to browsers that accept it; gzip otherwise
    import brotli
except ImportError:  # pragma: no cover - the test extra installs it
    brotli = None

FAST_4G = {"offline": False, "latency": 60, "downloadThroughput": 9_000_000 / 8,
           "uploadThroughput": 1_500_000 / 8, "connectionType": "cellular4g"}
COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".json", ".wasm", ".zip", ".svg", ".xml", ".txt", ".ics", ".map")

PLAIN_PAGE = """<!doctype html><meta charset="utf-8"><title>plain pyodide</title>
<script type="module">
import { loadPyodide } from "../pyodide/pyodide.mjs";
const py = await loadPyodide({ indexURL: new URL("../pyodide/", location.href).href });
py.runPython("1 + 1");
window.__plain = performance.now();
</script>"""
FLOOR_PAGE = """<!doctype html><meta charset="utf-8"><title>wasm floor</title>
<script type="module">
await WebAssembly.compileStreaming(fetch("../pyodide/pyodide.asm.wasm"));
window.__floor = performance.now();
</script>"""


class HostHandler(SimpleHTTPRequestHandler):
    """Static files as a static host serves them: gzip on the wire, long caching for assets."""

    cache: dict[tuple[str, str], bytes] = {}
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".mjs": "text/javascript"}

    def send_head(self):  # noqa: D401 - http.server API
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepted = self.headers.get("Accept-Encoding") or ""
        encoding = "br" if "br" in accepted and brotli is not None else "gzip" if "gzip" in accepted else None
        if not (encoding and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = self.cache.get((str(path), encoding))
        if body is None:
            raw = path.read_bytes()
            body = brotli.compress(raw, quality=11) if encoding == "br" else gzip.compress(raw, compresslevel=6, mtime=0)
            self.cache[(str(path), encoding)] = body
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)

    def end_headers(self):
        if "/assets/" in self.path or "/checker/" in self.path and not self.path.endswith("/"):
            self.send_header("Cache-Control", "public, max-age=31536000")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, *args):
        pass


def serve(directory: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(HostHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def build(out: Path) -> Path:
    from generator.build import build_site

    build_site(REPO / "mkdocs.yml", out)
    return out


def prepare(site: Path, into: Path) -> Path:
    """A copy of the site plus the two reference pages (never part of the real site)."""
    shutil.copytree(site, into)
    # the reference: the npm package exactly as published (full standard library, lock file)
    stock = REPO / "node_modules" / "pyodide"
    (into / "__bench" / "pyodide").mkdir(parents=True)
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"):
        shutil.copy(stock / name, into / "__bench" / "pyodide" / name)
    for name, html in (("plain", PLAIN_PAGE), ("floor", FLOOR_PAGE)):
        (into / "__bench" / name).mkdir(parents=True)
        (into / "__bench" / name / "index.html").write_text(html, encoding="utf-8")
    return into


def transferred(sizes: list[dict]) -> int:
    return sum(max(s["responseBodySize"], 0) + max(s["responseHeadersSize"], 0) for s in sizes)


def visit(ctx, url: str, ready: str, value: str, throttle: bool, timeout: float = 240) -> tuple[float, int, dict]:
    page = ctx.new_page()
    if throttle:
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", FAST_4G)
    sizes: list[dict] = []
    page.on("requestfinished", lambda r: sizes.append(r.sizes()))
    page.goto(url)
    wait_until(page, ready, timeout=timeout)
    ms = page.evaluate(value)
    extra = page.evaluate("window.__iwChecker || {}")
    time.sleep(0.3)  # let late responses finish for the byte count
    return ms, transferred(sizes), {"page": page, **extra}


def measure(base: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    r: dict[str, list] = {}

    def add(key: str, value) -> None:
        r.setdefault(key, []).append(value)

    checker_ready = "window.__iwChecker && window.__iwChecker.firstEngineVerdictMs > 0"
    with sync_playwright() as p:
        for _ in range(runs):
            for throttle in (False, True):
                net = "4g" if throttle else "lan"
                for name, path, ready, value in (
                        ("plain", "/__bench/plain/", "window.__plain > 0", "window.__plain"),
                        ("floor", "/__bench/floor/", "window.__floor > 0", "window.__floor"),
                        ("checker", "/checker/", checker_ready, "window.__iwChecker.firstEngineVerdictMs")):
                    with tempfile.TemporaryDirectory() as profile:
                        ctx = p.chromium.launch_persistent_context(profile, executable_path=chromium_path(),
                                                                   args=CHROMIUM_ARGS, headless=True)
                        for when in ("cold", "warm"):
                            ms, size, extra = visit(ctx, base + path, ready, value, throttle)
                            add(f"{name}_{when}_{net}", ms)
                            add(f"{name}_{when}_{net}_bytes", size)
                            if name == "checker":
                                add(f"checker_question_{when}_{net}", extra.get("firstQuestionMs", 0))
                                add(f"checker_shown_{when}_{net}", extra.get("firstVerdictMs", 0))
                                add(f"checker_worker_{when}_{net}", extra.get("workerStartedMs", 0))
                                if when == "cold":  # a visitor's browser stores the interpreter snapshot
                                    wait_until(extra["page"], "caches.open('inkoopwijzer-pyodide-snapshot')"
                                               ".then(c => c.keys()).then(k => k.length > 0)", timeout=120)
                                if when == "warm" and not throttle:
                                    reevaluate(extra["page"], add)
                            extra["page"].close()
                        ctx.close()
                # a reader of a policy page who opens the checker afterwards (prefetched files)
                with tempfile.TemporaryDirectory() as profile:
                    ctx = p.chromium.launch_persistent_context(profile, executable_path=chromium_path(),
                                                               args=CHROMIUM_ARGS, headless=True)
                    page = ctx.new_page()
                    if throttle:
                        cdp = ctx.new_cdp_session(page)
                        cdp.send("Network.enable")
                        cdp.send("Network.emulateNetworkConditions", FAST_4G)
                    page.goto(base + "/beleid/")
                    wait_until(page, "window.__iwPrefetched === true", timeout=240)
                    page.close()
                    ms, _, extra = visit(ctx, base + "/checker/", checker_ready,
                                         "window.__iwChecker.firstEngineVerdictMs", throttle)
                    add(f"checker_prefetched_{net}", ms)
                    extra["page"].close()
                    ctx.close()
    return r


def reevaluate(page, add) -> None:
    """Answer a few questions on the card and time each new verdict."""
    for _ in range(6):
        before = page.evaluate("window.__iwChecker.requests")
        choice = page.locator(".iw-question .iw-choice").first
        if not choice.count():
            return
        choice.click()
        try:
            wait_until(page, f"window.__iwChecker.requests > {before} && window.__iwChecker.idle", timeout=30)
        except TimeoutError:
            return
        state = page.evaluate("window.__iwChecker")
        add("reeval_engine", state["lastEvaluationMs"])
        add("reeval_roundtrip", state["roundTripMs"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build(Path(tmp) / "site")
        served = prepare(site, Path(tmp) / "served")
        server, base = serve(served)
        try:
            r = measure(base, args.runs)
        finally:
            server.shutdown()

    med = {k: statistics.median(v) for k, v in r.items() if v and all(isinstance(x, (int, float)) for x in v)}
    print(f"encoding on the wire: {'brotli' if brotli else 'gzip'}; {args.runs} run(s); medians")
    print("| measure                                             | LAN        | Fast 4G    |")
    print("|-----------------------------------------------------|------------|------------|")

    def row(label: str, key: str, unit: str = "ms", scale: float = 1.0) -> None:
        cells = []
        for net in ("lan", "4g"):
            k = key.format(net=net)
            cells.append(f"{med[k] / scale:>8.0f} {unit}" if k in med else "       –   ")
        print(f"| {label:<51} | {cells[0]:>10} | {cells[1]:>10} |")

    def ratio(label: str, num: str, den: str) -> None:
        cells = []
        for net in ("lan", "4g"):
            a, b = num.format(net=net), den.format(net=net)
            cells.append(f"{med[a] / med[b]:>9.2f}x" if a in med and b in med and med[b] else "        – ")
        print(f"| {label:<51} | {cells[0]:>10} | {cells[1]:>10} |")

    row("checker: first question interactive, cold", "checker_question_cold_{net}")
    row("checker: first verdict shown (precomputed), cold", "checker_shown_cold_{net}")
    row("checker: first verdict from Python in the browser, cold", "checker_cold_{net}")
    row("checker: first verdict from Python in the browser, warm", "checker_warm_{net}")
    row("checker: first verdict after reading a policy page", "checker_prefetched_{net}")
    row("plain Pyodide page (loadPyodide + runPython), cold", "plain_cold_{net}")
    row("plain Pyodide page, warm", "plain_warm_{net}")
    row("floor: compileStreaming(pyodide.asm.wasm), cold", "floor_cold_{net}")
    ratio("ratio shown / plain, cold (target <= 0.6)", "checker_shown_cold_{net}", "plain_cold_{net}")
    ratio("ratio Python verdict / plain, cold", "checker_cold_{net}", "plain_cold_{net}")
    ratio("ratio Python verdict / plain, warm (target <= 0.25)", "checker_warm_{net}", "plain_warm_{net}")
    ratio("ratio checker / floor, cold", "checker_cold_{net}", "floor_cold_{net}")
    row("bytes transferred, checker cold", "checker_cold_{net}_bytes", "kB", 1000)
    row("bytes transferred, checker warm", "checker_warm_{net}_bytes", "kB", 1000)
    row("bytes transferred, plain Pyodide cold", "plain_cold_{net}_bytes", "kB", 1000)
    if "reeval_engine" in med:
        print(f"| {'re-evaluation: engine in the worker':<51} | {med['reeval_engine']:>7.1f} ms |            |")
        print(f"| {'re-evaluation: change -> new verdict on screen':<51} | {med['reeval_roundtrip']:>7.1f} ms |"
              "            |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
