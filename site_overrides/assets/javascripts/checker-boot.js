/* Inkoopwijzer: start the checker's Python worker first thing, from the page head.
 *
 * Booting Pyodide takes most of the time to a first verdict, so the worker starts before the
 * page has even been parsed; checker.js adopts it (window.__iwBoot) and the messages it sent
 * meanwhile. Loaded only on the checker page; on an instant-navigation visit checker.js
 * starts the worker itself.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.Worker || window.__iwBoot) return;
  var base = new URL("../../", script.src).href;
  var worker = new Worker(new URL("assets/javascripts/checker-worker.mjs", base), { type: "module" });
  var boot = { base: base, worker: worker, messages: [] };
  worker.onmessage = function (e) { if (boot.messages) boot.messages.push(e.data); };
  worker.postMessage({ type: "init", engineUrl: new URL("checker/engine.zip", base).href,
                       bundleUrl: new URL("checker/bundle.json", base).href });
  window.__iwBoot = boot;
})();
