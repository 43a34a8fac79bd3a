// Inkoopwijzer checker worker: runs the Python engine in Pyodide, off the main thread.
// Everything is loaded from the site's own origin: the Pyodide runtime (npm package,
// published under assets/pyodide/), the engine archive and the data bundle.
import { loadPyodide } from "../pyodide/pyodide.mjs";

let runRequest = null;
let ready = null;

function progress(step, detail) {
  self.postMessage({ type: "progress", step, detail });
}

async function start(engineUrl, bundleUrl) {
  const t0 = performance.now();
  progress("runtime", "Python-omgeving laden");
  let pyodideMs = 0;
  const [pyodide, engine, bundle] = await Promise.all([
    loadPyodide({ indexURL: new URL("../pyodide/", import.meta.url).href, packages: [] })
      .then((p) => { pyodideMs = performance.now() - t0; return p; }),
    fetch(engineUrl).then((r) => { if (!r.ok) throw new Error("engine " + r.status); return r.arrayBuffer(); }),
    fetch(bundleUrl).then((r) => { if (!r.ok) throw new Error("bundle " + r.status); return r.text(); }),
  ]);
  progress("engine", "Regels laden");
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.unpackArchive(new Uint8Array(engine), "zip", { extractDir: sitePackages });
  pyodide.globals.set("BUNDLE_TEXT", bundle);
  pyodide.runPython(`
import json
from generator.engine import evaluate, ProfileError
BUNDLE = json.loads(BUNDLE_TEXT)
del BUNDLE_TEXT

def run_request(text):
    request = json.loads(text)
    try:
        answer = evaluate(BUNDLE, request["profile"], request.get("insurers"), request.get("care_types"), request.get("year"))
    except ProfileError as exc:
        answer = {"error": exc.problems}
    return json.dumps(answer, sort_keys=True)
`);
  runRequest = pyodide.globals.get("run_request");
  const total = performance.now() - t0;
  progress("ready", `klaar in ${Math.round(total)} ms`);
  return { ms: total, pyodideMs, startedAt: performance.timeOrigin + t0 };
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      ready = ready || start(msg.engineUrl, msg.bundleUrl);
      const timing = await ready;
      self.postMessage({ type: "ready", ...timing });
    } else if (msg.type === "evaluate") {
      await ready;
      const t0 = performance.now();
      const answer = runRequest(JSON.stringify(msg.request));
      self.postMessage({ type: "result", id: msg.id, answer, ms: performance.now() - t0 });
    }
  } catch (err) {
    self.postMessage({ type: "error", id: msg.id, message: String(err && err.message || err) });
  }
};
