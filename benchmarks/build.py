"""Benchmark the build at 1x, 10x and 100x the real data: time and peak memory.

    .venv/bin/python benchmarks/build.py [--scales 1 10 100]

For each scale a synthetic corpus is written (benchmarks/corpus.py), then two stages are
measured, each in a fresh process so peak memory (max RSS) is its own:
  * generation: load + validate + render all pages, tables, feeds, JSON (our code);
  * full build: the same plus mkdocs-material writing the site.
Figures are printed as a table with the growth factor against 1x.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import make_corpus  # noqa: E402

STAGE = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
stage, project = sys.argv[1], Path(sys.argv[2])
t0 = time.perf_counter()
if stage == "generate":
    from generator.validate import load_catalog
    from generator.render.site import render_site
    from generator.render.checker import checker_files, pyodide_dir
    cat, problems = load_catalog(project / "policies")
    assert cat is not None, [str(p) for p in problems if p.severity == "error"][:5]
    files = render_site(cat, "# Inkoopwijzer\n", "http://127.0.0.1:8000/")
    files.update(checker_files(cat, pyodide_dir(Path({repo!r})), "http://127.0.0.1:8000/"))
    extra = {{"files": len(files), "policies": len(cat.policies)}}
else:
    from generator.build import build_site
    result = build_site(project / "mkdocs.yml", project / "site")
    extra = {{"pages": result.pages}}
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(seconds=elapsed, peak_mb=peak, **extra)))
"""


def run_stage(stage: str, project: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", STAGE.format(repo=str(REPO)), stage, str(project)],
                          capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"{stage} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            project = Path(tmp) / f"x{scale}"
            project.mkdir()
            # scale = clones x year shifts: 10x = 4 clones x 2 years (+ the real data), 100x = 24 x 4
            years = 1 if scale < 10 else 2 if scale < 100 else 4
            insurers = max(0, scale // years - 1)
            counts = make_corpus(project, insurers, years)
            gen = run_stage("generate", project)
            full = run_stage("build", project)
            rows.append((scale, counts["policies"], gen, full))
    base_gen, base_full = rows[0][2]["seconds"], rows[0][3]["seconds"]
    print("| scale | policies | pages | generation s | generation MB | full build s | full build MB | "
          "growth gen | growth build | ours/total |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for scale, policies, gen, full in rows:
        print(f"| {scale}x | {policies} | {full['pages']} | {gen['seconds']:.2f} | {gen['peak_mb']:.0f} | "
              f"{full['seconds']:.2f} | {full['peak_mb']:.0f} | {gen['seconds'] / base_gen:.1f}x | "
              f"{full['seconds'] / base_full:.1f}x | {gen['seconds'] / full['seconds']:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
