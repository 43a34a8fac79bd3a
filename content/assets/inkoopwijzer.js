/* Inkoopwijzer: progressive enhancement for comparison tables and the home page.
 *
 * - sortable columns (click or Enter on a header), aria-sort kept up to date;
 * - filters (theme, insurer, "only differences") whose state lives in the URL query,
 *   so a filtered view can be shared and reopened;
 * - upcoming deadlines on the home page, judged by the visitor's own date;
 * - the "scroll sideways" hint above a table, shown only while the table is wider than its box.
 * Works with mkdocs-material's instant navigation: everything is (re)initialised on
 * each page switch through the `document$` observable.
 */
(function () {
  "use strict";

  function params() { return new URLSearchParams(window.location.search); }

  function writeParams(p) {
    var query = p.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", url);
  }

  function todayIso() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
           String(d.getDate()).padStart(2, "0");
  }

  function applyFilters(box, table) {
    var values = {};
    box.querySelectorAll("[data-filter]").forEach(function (el) {
      values[el.getAttribute("data-filter")] = el.type === "checkbox" ? el.checked : el.value;
    });
    var byColumn = !!table.querySelector("td[data-insurer]");
    var today = todayIso();
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var hide = false;
      if (values.thema && tr.getAttribute("data-theme") !== values.thema) hide = true;
      if (values.verzekeraar && !byColumn && tr.getAttribute("data-verzekeraar") !== values.verzekeraar) hide = true;
      ["zorgsoort", "doelgroep"].forEach(function (name) {
        if (values[name] && (tr.getAttribute("data-" + name) || "").indexOf(" " + values[name] + " ") < 0) hide = true;
      });
      if (values.verschillen && tr.getAttribute("data-changed") === "nee") hide = true;
      // possible differences (a partial policy can not rule them out) only when asked for
      if (values.verschillen && "mogelijk" in values && !values.mogelijk &&
          tr.getAttribute("data-changed") === "onbekend") hide = true;
      if ("verstreken" in values && tr.hasAttribute("data-date")) {
        var past = tr.getAttribute("data-date") < today;
        tr.classList.toggle("iw-past", past);
        if (past && !values.verstreken) hide = true;
      }
      tr.hidden = hide;
    });
    if (byColumn) {
      table.querySelectorAll("[data-insurer]").forEach(function (cell) {
        cell.hidden = !!values.verzekeraar && cell.getAttribute("data-insurer") !== values.verzekeraar;
      });
    }
    var visible = table.querySelectorAll("tbody tr:not([hidden])").length;
    var status = box.querySelector(".iw-status");
    if (!status) {
      status = document.createElement("span");
      status.className = "iw-status";
      status.setAttribute("role", "status");
      box.appendChild(status);
    }
    status.textContent = visible + " rij" + (visible === 1 ? "" : "en") + " zichtbaar";
  }

  function initFilters(box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table) return;
    var p = params();
    box.querySelectorAll("[data-filter]").forEach(function (el) {
      var name = el.getAttribute("data-filter");
      if (el.type === "checkbox") {
        el.checked = p.get(name) === "ja";
      } else if (p.has(name)) {
        el.value = p.get(name);
        if (el.value !== p.get(name)) el.value = "";  // unknown value in the URL
      }
      el.addEventListener("change", function () {
        var q = params();
        var value = el.type === "checkbox" ? (el.checked ? "ja" : "") : el.value;
        if (value) q.set(name, value); else q.delete(name);
        writeParams(q);
        applyFilters(box, table);
      });
    });
    applyFilters(box, table);
  }

  function cellText(tr, index) {
    var cell = tr.children[index];
    return cell ? cell.textContent.trim() : "";
  }

  function initSorting(table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      th.tabIndex = 0;
      th.classList.add("iw-sortable");
      th.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellText(a, index), y = cellText(b, index);
          var cmp = x.localeCompare(y, "nl", { numeric: true, sensitivity: "base" });
          return ascending ? cmp : -cmp;
        });
        rows.forEach(function (tr) { body.appendChild(tr); });
      }
      th.addEventListener("click", function (event) {
        if (event.target.closest("a")) return;  // header links still navigate
        sort();
      });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function initWebcal(a) {
    // webcal:// needs an absolute address; the site does not know its own host at build time.
    var url = new URL(a.getAttribute("href"), window.location.href);
    a.setAttribute("data-https", url.href);
    a.href = "webcal://" + url.host + url.pathname;
  }

  function initUpcoming(list) {
    var iso = todayIso();
    var limit = parseInt(list.getAttribute("data-limit") || "8", 10);
    var shown = 0;
    list.querySelectorAll("li").forEach(function (li) {
      var upcoming = li.getAttribute("data-date") >= iso;
      li.hidden = !upcoming || shown >= limit;
      if (upcoming && shown < limit) shown += 1;
    });
    if (shown === 0) {
      var note = document.createElement("p");
      note.className = "iw-empty";
      note.textContent = "Geen komende deadlines in de gegevens; hieronder de laatste.";
      list.parentNode.insertBefore(note, list);
      var items = list.querySelectorAll("li");
      for (var i = Math.max(0, items.length - limit); i < items.length; i++) items[i].hidden = false;
    }
  }

  /* On any other page, in idle time, warm the checker's files into the browser's cache, so a
     visitor who reads a policy first meets a fast checker. Never on a connection that asks to
     save data, never twice per page view. */
  var CHECKER_FILES = ["assets/pyodide/pyodide.asm.wasm", "assets/pyodide/pyodide.asm.mjs", "assets/pyodide/pyodide.mjs",
                       "assets/pyodide/python_stdlib.zip", "assets/javascripts/checker-worker.mjs",
                       "assets/javascripts/checker-config.mjs", "checker/engine.zip", "checker/bundle.json"];

  function prefetchChecker() {
    if (document.getElementById("iw-checker") || document.querySelector("link[data-iw-prefetch]")) return;
    var connection = navigator.connection || {};
    if (connection.saveData || /(^|-)2g$/.test(connection.effectiveType || "")) return;
    var config = document.getElementById("__config");
    var base = new URL((config ? JSON.parse(config.textContent).base : ".").replace(/\/?$/, "/"), window.location.href);
    var pending = CHECKER_FILES.length;
    CHECKER_FILES.forEach(function (path) {
      var link = document.createElement("link");
      link.rel = "prefetch";
      link.href = new URL(path, base).href;
      link.setAttribute("data-iw-prefetch", "");
      link.onload = link.onerror = function () { pending -= 1; if (pending === 0) window.__iwPrefetched = true; };
      document.head.appendChild(link);
    });
  }

  /* A table that scrolls sideways says so; its hint is hidden while everything fits. */
  function updateScrollHints() {
    document.querySelectorAll(".iw-table-wrap[data-iw-scroll]").forEach(function (wrap) {
      var hint = wrap.previousElementSibling;
      if (hint && hint.classList.contains("iw-scroll-hint")) hint.hidden = wrap.scrollWidth <= wrap.clientWidth + 1;
    });
  }
  var hintsListening = false;

  /* Printing shows everything: folded details of the tier ladder open for the print. */
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    openedForPrint = [].slice.call(document.querySelectorAll("details.iw-more:not([open])"));
    openedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });

  function init() {
    if (window.requestIdleCallback) window.requestIdleCallback(prefetchChecker, { timeout: 3000 });
    else setTimeout(prefetchChecker, 1500);
    document.querySelectorAll(".iw-filters[data-table]").forEach(initFilters);
    document.querySelectorAll("table.iw-table").forEach(initSorting);
    document.querySelectorAll("ol.iw-upcoming").forEach(initUpcoming);
    document.querySelectorAll("a.iw-webcal").forEach(initWebcal);
    updateScrollHints();
    if (!hintsListening) { window.addEventListener("resize", updateScrollHints); hintsListening = true; }
    document.documentElement.setAttribute("data-iw-ready", String(Date.now()));
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
