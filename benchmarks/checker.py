"""Benchmark the in-browser checker in headless Chromium and print the figures.

    .venv/bin/python benchmarks/checker.py [--site DIR] [--runs N]

Builds the real site (unless --site is given), serves it on 127.0.0.1 with cache
headers like a production host, and measures with a persistent browser profile:
  * page load -> first verdict, cold (empty cache) and warm (second visit);
  * time per re-evaluation after a change (engine time in the worker and round trip);
  * bytes transferred per load.
"""
from __future__ import annotations

import argparse
import functools
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


class CachingHandler(SimpleHTTPRequestHandler):
    """Static files with a year of caching for assets, like a CDN-less static host."""

    def end_headers(self):
        if "/assets/" in self.path or "/checker/" in self.path and not self.path.endswith("/"):
            self.send_header("Cache-Control", "public, max-age=31536000")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, *args):
        pass


def serve(directory: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CachingHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def build(out: Path) -> Path:
    from generator.build import build_site

    build_site(REPO / "mkdocs.yml", out)
    return out


def first_fact(page) -> str | None:
    return page.evaluate("""() => {
      const el = document.querySelector('.iw-field:not([hidden]) input[type=number]');
      return el ? el.id : null; }""")


SNAPSHOT_STORED = """caches.open("inkoopwijzer-pyodide-snapshot").then((c) => c.keys()).then((k) => k.length > 0)"""


def measure(url: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {"cold": [], "warm": [], "reeval_engine": [], "reeval_roundtrip": [],
                     "bytes_cold": [], "bytes_warm": []}
    with sync_playwright() as p:
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as profile:
                ctx = p.chromium.launch_persistent_context(profile, executable_path=chromium_path(),
                                                           args=CHROMIUM_ARGS, headless=True)
                for visit in ("cold", "warm"):
                    page = ctx.new_page()
                    transferred = []
                    page.on("requestfinished", lambda r: transferred.append(r.sizes()))
                    page.goto(url)
                    wait_until(page, "window.__iwChecker && window.__iwChecker.firstVerdictMs > 0", timeout=120)
                    state = page.evaluate("window.__iwChecker")
                    results[visit].append(state["firstVerdictMs"])
                    results.setdefault(f"pyodide_{visit}", []).append(state.get("pyodideMs", 0))
                    results.setdefault(f"worker_start_{visit}", []).append(state.get("workerStartedMs", 0))
                    results[f"bytes_{visit}"].append(
                        sum(s["responseBodySize"] + s["responseHeadersSize"] for s in transferred))
                    results.setdefault(f"runtime_{visit}", []).append(state.get("runtime", "?"))
                    if visit == "cold":  # let the worker store its interpreter snapshot, as a visitor's would
                        wait_until(page, SNAPSHOT_STORED, timeout=60)
                    if visit == "warm":
                        field = first_fact(page)
                        for value in range(40, 160, 12):
                            before = page.evaluate("window.__iwChecker.requests")
                            page.fill(f"#{field}", str(value))
                            wait_until(page, f"window.__iwChecker.requests > {before}")
                            wait_until(page, "document.querySelector('.iw-results').getAttribute('aria-busy') === 'false'")
                            time.sleep(0.15)
                            state = page.evaluate("window.__iwChecker")
                            results["reeval_engine"].append(state["lastEvaluationMs"])
                            results["reeval_roundtrip"].append(state["roundTripMs"])
                    page.close()
                ctx.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build(Path(tmp) / "site")
        server, base = serve(site)
        try:
            r = measure(f"{base}/checker/", args.runs)
        finally:
            server.shutdown()

    def row(name: str, values: list[float], unit: str) -> str:
        return (f"| {name:<38} | {statistics.median(values):>10.1f} | {min(values):>10.1f} | "
                f"{max(values):>10.1f} | {unit:<5} | {len(values):>3} |")

    print("| measure                                | median     | min        | max        | unit  | n   |")
    print("|----------------------------------------|------------|------------|------------|-------|-----|")
    print(row("page load -> first verdict (cold cache)", r["cold"], "ms"))
    print(row("page load -> first verdict (warm cache)", r["warm"], "ms"))
    print(row("  of which: loadPyodide (cold)", r["pyodide_cold"], "ms"))
    print(row("  of which: loadPyodide (warm)", r["pyodide_warm"], "ms"))
    print(row("  worker started after page start (warm)", r["worker_start_warm"], "ms"))
    for visit in ("cold", "warm"):
        print(f"| interpreter on {visit} visits: {', '.join(r[f'runtime_{visit}']):<44} |")
    print(row("re-evaluation, engine in worker", r["reeval_engine"], "ms"))
    print(row("re-evaluation, change -> verdict", r["reeval_roundtrip"], "ms"))
    print(row("bytes transferred, cold load", [b / 1024 for b in r["bytes_cold"]], "KiB"))
    print(row("bytes transferred, warm load", [b / 1024 for b in r["bytes_warm"]], "KiB"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
