// Inkoopwijzer checker worker: runs the Python engine in Pyodide, off the main thread.
// Everything is loaded from the site's own origin: the Pyodide runtime (npm package,
// published under assets/pyodide/, with a standard library pruned to what the checker
// imports), the engine archive and the data: an index (bundle.json) and, as requests need them,
// the files of single scopes (care type and contract year: scope/<key>.json; see
// generator/engine/scopes.py). The lock file's needed part comes inlined
// in checker-config.mjs, so it is never fetched.
import { loadPyodide, version as pyodideVersion } from "../pyodide/pyodide.mjs";
import { LOCK, STDLIB_ID } from "./checker-config.mjs";

// Starting Pyodide means compiling its wasm and booting the interpreter: most of the
// time to a first verdict. After the first visit the worker keeps a memory snapshot of
// the freshly booted interpreter (taken before any engine code or practice data runs, so
// it holds nothing of the user's) in the browser's Cache Storage; later visits restore it
// instead of booting. Any failure falls back to a normal boot.
const SNAPSHOT_CACHE = "inkoopwijzer-pyodide-snapshot";
const INDEX_URL = new URL("../pyodide/", import.meta.url).href;
const SNAPSHOT_KEY = new URL(`memory-snapshot-${pyodideVersion}-${STDLIB_ID}.bin`, INDEX_URL).href;
const BOOT = { indexURL: INDEX_URL, packages: [], lockFileContents: LOCK };

async function snapshotCache() {
  try { return self.caches ? await self.caches.open(SNAPSHOT_CACHE) : null; } catch (err) { return null; }
}

async function readSnapshot() {
  const cache = await snapshotCache();
  if (!cache) return null;
  try {
    const hit = await cache.match(SNAPSHOT_KEY);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
  } catch (err) { return null; }
}

async function storeSnapshot(bytes) {
  const cache = await snapshotCache();
  if (!cache) return;
  try {
    for (const old of await cache.keys()) if (old.url !== SNAPSHOT_KEY) await cache.delete(old);
    await cache.put(SNAPSHOT_KEY, new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } }));
  } catch (err) { /* quota or private mode: the next visit boots normally */ }
}

async function dropSnapshot() {
  const cache = await snapshotCache();
  if (cache) { try { await cache.delete(SNAPSHOT_KEY); } catch (err) { /* nothing to drop */ } }
}

async function bootPython() {
  const snapshot = await readSnapshot();
  if (snapshot) {
    try {
      return { pyodide: await loadPyodide({ ...BOOT, _loadSnapshot: snapshot }), runtime: "snapshot" };
    } catch (err) {
      await dropSnapshot();
    }
  }
  const pyodide = await loadPyodide({ ...BOOT, _makeSnapshot: true });
  let made = null;
  try { made = pyodide.makeMemorySnapshot(); } catch (err) { made = null; }
  return { pyodide, runtime: "boot", made };
}

let py = null;
let ready = null;
let scopeBase = null;
const scopeLoads = new Map();  // scope key -> the promise of its file, fetched once

/* The scope files a request needs (one care type in one contract year, as the checker asks),
   fetched and handed to Python before the engine answers. */
async function loadScopes(request) {
  const keys = JSON.parse(py.missing(JSON.stringify(request)));
  await Promise.all(keys.map((key) => {
    if (!scopeLoads.has(key)) {
      scopeLoads.set(key, fetch(new URL(key + ".json", scopeBase))
        .then((r) => { if (!r.ok) throw new Error("scope " + key + " " + r.status); return r.text(); })
        .then((text) => { py.add(text); })
        .catch((err) => { scopeLoads.delete(key); throw err; }));
    }
    return scopeLoads.get(key);
  }));
}

function progress(step, detail) {
  self.postMessage({ type: "progress", step, detail });
}

async function start(engineUrl, bundleUrl) {
  const t0 = performance.now();
  progress("runtime", "Python-omgeving laden");
  let pyodideMs = 0;
  const [booted, engine, bundle] = await Promise.all([
    bootPython().then((b) => { pyodideMs = performance.now() - t0; return b; }),
    fetch(engineUrl).then((r) => { if (!r.ok) throw new Error("engine " + r.status); return r.arrayBuffer(); }),
    fetch(bundleUrl).then((r) => { if (!r.ok) throw new Error("bundle " + r.status); return r.text(); }),
  ]);
  progress("engine", "Regels laden");
  const pyodide = booted.pyodide;
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(new Uint8Array(engine), "zip", { extractDir: sitePackages });
  pyodide.globals.set("BUNDLE_TEXT", bundle);
  pyodide.runPython(`
import json
from generator.engine import ProfileError, scopes
from generator.engine.profile import check_profile, parse_profile_json
from generator.engine.session import personal_calendar, respond
BUNDLE = json.loads(BUNDLE_TEXT)  # the index: the questions, registers and scope names; no policy
del BUNDLE_TEXT
LOADED = {}  # scope key -> the scope's file (its policies, their insurers and sources), as loaded so far

def missing_scopes(text):
    return json.dumps([key for key in scopes.needed(BUNDLE, json.loads(text)) if key not in LOADED])

def add_scope(text):
    part = json.loads(text)
    LOADED[part["scope"]] = part

def run_respond(text):
    try:
        out = respond(scopes.view(BUNDLE, LOADED.values()), json.loads(text))
    except ProfileError as exc:
        out = {"error": exc.problems}
    return json.dumps(out, sort_keys=True, allow_nan=False)

def run_calendar(text):
    return personal_calendar(scopes.view(BUNDLE, LOADED.values()), json.loads(text))

def parse_profile(text):
    # A profile from the URL fragment or an uploaded file: the CLI's strict reader and checks.
    # Facts this site does not know are left out (another site version may have them).
    try:
        data = parse_profile_json(text)
        if isinstance(data, dict) and isinstance(data.get("facts"), dict):
            data = dict(data, facts={k: v for k, v in data["facts"].items() if k in BUNDLE["facts"]})
        elif isinstance(data, dict) and "facts" not in data:
            data = {k: v for k, v in data.items() if k in BUNDLE["facts"]}
        answer = {"facts": check_profile(data, BUNDLE["facts"])}
    except ProfileError as exc:
        answer = {"error": exc.problems}
    return json.dumps(answer, sort_keys=True, allow_nan=False)
`);
  py = { respond: pyodide.globals.get("run_respond"), calendar: pyodide.globals.get("run_calendar"),
         parse: pyodide.globals.get("parse_profile"), missing: pyodide.globals.get("missing_scopes"),
         add: pyodide.globals.get("add_scope") };
  scopeBase = new URL("scope/", bundleUrl);
  const total = performance.now() - t0;
  progress("ready", `klaar in ${Math.round(total)} ms`);
  if (booted.made) storeSnapshot(booted.made);  // in the background, after the engine is ready
  return { ms: total, pyodideMs, runtime: booted.runtime, startedAt: performance.timeOrigin + t0 };
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      ready = ready || start(msg.engineUrl, msg.bundleUrl);
      const timing = await ready;
      self.postMessage({ type: "ready", ...timing });
    } else if (msg.type === "parse") {
      await ready;
      self.postMessage({ type: "parsed", id: msg.id, result: py.parse(String(msg.text)) });
    } else if (msg.type === "respond") {
      await ready;
      await loadScopes(msg.request);
      const t0 = performance.now();
      const result = py.respond(JSON.stringify(msg.request));
      self.postMessage({ type: "result", id: msg.id, result, ms: performance.now() - t0 });
    } else if (msg.type === "calendar") {
      await ready;
      self.postMessage({ type: "calendar", id: msg.id, text: py.calendar(JSON.stringify(msg.request)) });
    }
  } catch (err) {
    self.postMessage({ type: "error", id: msg.id, message: String(err && err.message || err) });
  }
};
