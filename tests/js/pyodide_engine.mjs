// Run the Inkoopwijzer engine in Pyodide under Node (the npm package, no network) and
// print its answers as JSON. Usage: node pyodide_engine.mjs ENGINE.zip BUNDLE.json CASES.json
// [STDLIB.zip CONFIG.json]: with the site's pruned standard library and its inlined lock, as
// the browser boots it.
// CASES.json: [{"profile": {...}, "insurers": [...]|null, "care_types": [...]|null, "year": N|null}]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const pyodideDir = path.dirname(require.resolve("pyodide/package.json"));
const { loadPyodide } = await import(path.join(pyodideDir, "pyodide.mjs"));

const [engineZip, bundleFile, casesFile, stdlibZip, configFile] = process.argv.slice(2);
const started = Date.now();
const options = { indexURL: pyodideDir + path.sep };
if (stdlibZip) options.stdLibURL = stdlibZip;
if (configFile) options.lockFileContents = JSON.parse(readFileSync(configFile, "utf8")).lock;
const pyodide = await loadPyodide(options);
const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
pyodide.unpackArchive(new Uint8Array(readFileSync(engineZip)), "zip", { extractDir: sitePackages });
pyodide.globals.set("BUNDLE_TEXT", readFileSync(bundleFile, "utf8"));
pyodide.globals.set("CASES_TEXT", readFileSync(casesFile, "utf8"));
const out = pyodide.runPython(`
import json, sys
from generator.engine import evaluate, ProfileError
bundle = json.loads(BUNDLE_TEXT)
answers = []
for case in json.loads(CASES_TEXT):
    try:
        answers.append(evaluate(bundle, case["profile"], case.get("insurers"), case.get("care_types"), case.get("year")))
    except ProfileError as exc:
        answers.append({"error": exc.problems})
json.dumps({"python": sys.version.split()[0], "answers": answers}, sort_keys=True)
`);
process.stdout.write(out);
process.stderr.write(`pyodide: ${Date.now() - started} ms\n`);
