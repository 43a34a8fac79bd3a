// Which files of Pyodide's python_stdlib.zip the checker needs: boot Pyodide (npm package, no
// network) with the full standard library, run the checker's whole worker path (engine
// archive, bundle, every case in CASES.json through respond, the personal calendar, the
// strict profile reader), and print the zip members of every module that was imported.
// Usage: node stdlib_modules.mjs ENGINE.zip BUNDLE.json CASES.json
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const pyodideDir = path.dirname(require.resolve("pyodide/package.json"));
const { loadPyodide } = await import(path.join(pyodideDir, "pyodide.mjs"));

const [engineZip, bundleFile, casesFile] = process.argv.slice(2);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep });
const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
pyodide.unpackArchive(new Uint8Array(readFileSync(engineZip)), "zip", { extractDir: sitePackages });
pyodide.globals.set("BUNDLE_TEXT", readFileSync(bundleFile, "utf8"));
pyodide.globals.set("CASES_TEXT", readFileSync(casesFile, "utf8"));
const out = pyodide.runPython(`
import json, sys
from generator.engine import ProfileError
from generator.engine.profile import check_profile, parse_profile_json
from generator.engine.session import personal_calendar, respond
bundle = json.loads(BUNDLE_TEXT)
for case in json.loads(CASES_TEXT):
    try:
        out = respond(bundle, case)
        json.dumps(out, sort_keys=True, allow_nan=False)
    except ProfileError:
        pass
    selected = [{"policy": p["policy"], "contract": c["contract"]} for i in out["answer"]["insurers"]
                for p in i["policies"] for c in p["contracts"]]
    personal_calendar(bundle, {"selected": selected, "year": case.get("year"), "anchors": {"start-date": "2026-07-01"},
                               "site_url": "https://x/"})
for text in ('{"facts": {}}', '{"facts": [1]}', 'NaN', '{"a": 1, "a": 2}'):
    try:
        check_profile(parse_profile_json(text), bundle["facts"])
    except ProfileError:
        pass
zips = [p for p in sys.path if p.endswith(".zip")]
files = set()
for name, module in list(sys.modules.items()):
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or getattr(module, "__file__", None)
    for z in zips:
        if origin and origin.startswith(z + "/"):
            files.add(origin[len(z) + 1:])
json.dumps({"zip": zips, "files": sorted(files)})
`);
process.stdout.write(out);
