/* Inkoopwijzer: progressive enhancement for comparison tables and the home page.
 *
 * - sortable columns (click or Enter on a header), aria-sort kept up to date;
 * - filters (theme, insurer, "only differences") whose state lives in the URL query,
 *   so a filtered view can be shared and reopened;
 * - upcoming deadlines on the home page, judged by the visitor's own date;
 * - stacked cards on phones: every cell of a `table.iw-table` gets its column's name as
 *   `data-label` (the CSS shows "label: value"; generated tables carry it already);
 * - the per-profession filter on policy pages (`?zorgsoort=`), which also trims the contents lists;
 * - "nothing newer encoded" notices shown once the visitor's date reaches `data-iw-from`;
 * - copy buttons for calendar addresses.
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
    var active = [];
    box.querySelectorAll("select[data-filter]").forEach(function (el) {
      if (!el.value) return;
      var label = el.closest("label");
      var name = label ? label.firstChild.textContent.trim() : el.getAttribute("data-filter");
      active.push(name + ": " + el.options[el.selectedIndex].text);
    });
    if ("verstreken" in values && !values.verstreken) active.push("verstreken deadlines niet getoond");
    if (values.verschillen) active.push("alleen verschillen");
    box.setAttribute("data-iw-print", active.length ? "Afgedrukt met filter: " + active.join("; ") + "." : "");
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
    // a cell may carry its sort value (an ISO date, a zero-padded number): dates sort as dates
    var cell = tr.children[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
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

  /* Stacked cards on phones: each cell carries the name of its column. */
  function headerLabel(th) {
    if (th.hasAttribute("data-label")) return th.getAttribute("data-label");
    var link = th.querySelector("a");
    return (link ? link.textContent : th.textContent).replace("¶", "").trim();
  }

  function initCards(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    var labels = Array.prototype.map.call(head.cells, headerLabel);
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        Array.prototype.forEach.call(tr.cells, function (cell, i) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && labels[i]) {
            cell.setAttribute("data-label", labels[i]);
          }
        });
      });
    });
  }

  /* Policy pages: show only what concerns one care type (profession), kept in ?zorgsoort=. */
  function applyProfession(box, value) {
    var article = box.closest("article") || document;
    var hidden = 0;
    article.querySelectorAll("[data-zorgsoort]").forEach(function (el) {
      var hide = !!value && (el.getAttribute("data-zorgsoort") || "").indexOf(" " + value + " ") < 0;
      el.hidden = hide;
      if (hide && el.classList.contains("iw-item")) hidden += 1;
    });
    // contents lists (ours and the theme's) leave out what is hidden
    document.querySelectorAll(".iw-toc a[href^='#'], .md-nav--secondary a[href^='#']").forEach(function (a) {
      var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      var item = a.closest("li");
      if (item && target) item.hidden = !!target.closest("[data-zorgsoort][hidden]");
    });
    var select = box.querySelector("select");
    var status = box.querySelector(".iw-status");
    var name = select.options[select.selectedIndex] ? select.options[select.selectedIndex].text : "";
    if (status) status.textContent = value ? hidden + " onderdelen voor andere zorgsoorten verborgen" : "";
    box.setAttribute("data-iw-print", value ? "Afgedrukt: alleen wat geldt voor " + name + "." : "");
  }

  function initProfession(box) {
    var select = box.querySelector("select[data-filter]");
    if (!select) return;
    box.hidden = false;
    var wanted = params().get("zorgsoort");
    if (wanted) {
      select.value = wanted;
      if (select.value !== wanted) select.value = "";  // unknown value in the URL
    }
    select.addEventListener("change", function () {
      var q = params();
      if (select.value) q.set("zorgsoort", select.value); else q.delete("zorgsoort");
      writeParams(q);
      applyProfession(box, select.value);
    });
    applyProfession(box, select.value);
  }

  /* "Voor 2025 en later is ... nog geen inkoopbeleid opgenomen": shown from data-iw-from on,
     judged by the visitor's own date (the build never knows today's date). */
  function initStale(el) {
    var today = todayIso();
    el.hidden = today < el.getAttribute("data-iw-from");
    var past = el.querySelector(".iw-stale-past");
    if (past) past.hidden = today < (el.getAttribute("data-iw-past") || "9999");
  }

  function initCopy(button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = "Gekopieerd";
      }, function () {
        button.textContent = "Kopiëren lukte niet: selecteer het adres";
      });
    });
  }

  /* Home: the next deadlines of each list by the visitor's date. The page holds a fixed number
     (from the newest data on); agenda/komend.json and its month files hold them all, and the list
     is rebuilt from them (as text) so that a page read long after the build is still right. */
  function showUpcoming(list) {
    var iso = todayIso();
    var limit = parseInt(list.getAttribute("data-limit") || "8", 10);
    var shown = 0;
    list.querySelectorAll("li").forEach(function (li) {
      var upcoming = li.getAttribute("data-date") >= iso;
      li.hidden = !upcoming || shown >= limit;
      if (upcoming && shown < limit) shown += 1;
    });
    var old = list.previousElementSibling;
    if (old && old.classList.contains("iw-empty")) old.remove();
    if (shown === 0) {
      var note = document.createElement("p");
      note.className = "iw-empty";
      note.textContent = list.getAttribute("data-empty") || "Geen komende deadlines in de gegevens; hieronder de laatste.";
      list.parentNode.insertBefore(note, list);
      var items = list.querySelectorAll("li");
      for (var i = Math.max(0, items.length - limit); i < items.length; i++) items[i].hidden = false;
    }
  }

  function fillUpcoming(list, entries, base) {
    var iso = todayIso();
    var limit = parseInt(list.getAttribute("data-limit") || "8", 10);
    var later = entries.filter(function (e) { return e.until >= iso; });
    var chosen = later.length ? later.slice(0, limit) : entries.slice(Math.max(0, entries.length - limit));
    list.textContent = "";
    chosen.forEach(function (e) {
      var li = document.createElement("li");
      li.setAttribute("data-date", e.until);
      var when = document.createElement("strong");
      when.textContent = e.when;
      var a = document.createElement("a");
      a.href = new URL(e.href, base).href;
      a.textContent = "[" + e.insurer + "] " + e.action;
      var year = document.createElement("small");
      year.textContent = "(contractjaar " + e.contract_year + ")";
      li.append(when, " – ", a, " ", year);
      list.appendChild(li);
    });
    showUpcoming(list);
  }

  /* agenda/komend.json counts each list's deadlines per month (by their last day); the months
     themselves are in agenda/komend/<YYYY-MM>.json. Fetch only the months that hold the next
     `limit` of this list from today on (each file once per page, whatever the number of lists). */
  var upcomingFiles = {};
  function fetchJson(href) {
    if (!upcomingFiles[href]) {
      upcomingFiles[href] = fetch(href).then(function (r) { return r.ok ? r.json() : null; });
    }
    return upcomingFiles[href];
  }

  function monthsNeeded(index, kind, limit, iso) {
    var current = iso.slice(0, 7), count = 0, out = [];
    Object.keys(index.months).sort().forEach(function (month) {
      var n = index.months[month][kind] || 0;
      if (month < current || !n || count >= limit) return;
      out.push(month);
      if (month > current) count += n;  // the current month may hold days already past
    });
    return out;
  }

  function initUpcoming(list) {
    showUpcoming(list);
    var src = list.getAttribute("data-src"), kind = list.getAttribute("data-kind");
    if (!src || !kind) return;
    var url = new URL(src, window.location.href);
    var limit = parseInt(list.getAttribute("data-limit") || "8", 10), iso = todayIso();
    fetchJson(url.href).then(function (index) {
      if (!index || !index.months || !index.last) return null;
      var months = monthsNeeded(index, kind, limit, iso);
      return Promise.all(months.map(function (m) { return fetchJson(new URL("komend/" + m + ".json", url).href); }))
        .then(function (parts) {
          var entries = [];
          parts.forEach(function (part) { if (part && Array.isArray(part[kind])) entries = entries.concat(part[kind]); });
          var later = entries.filter(function (e) { return e.until >= iso; });
          fillUpcoming(list, later.length ? later : index.last[kind] || [], url);
        });
    }).then(function () {
      list.setAttribute("data-iw-loaded", "true");
    }).catch(function () { /* the list in the page stays */ });
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

  /* A long agenda comes in parts by date: mark the part that holds today's date (the build
     never knows today's date), so a visitor finds the coming deadlines in one tap. */
  function initPager(nav) {
    var today = todayIso();
    var items = nav.querySelectorAll("li[data-to]");
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-to") >= today) {
        if (!items[i].querySelector(".iw-pager-today")) {
          var mark = document.createElement("strong");
          mark.className = "iw-pager-today";
          mark.textContent = " ← komende deadlines";
          items[i].appendChild(mark);
        }
        return;
      }
    }
  }

  /* The search page: Pagefind's interface, loaded from the site itself on this page only; the
     index comes in small parts per query (generator/search.py). ?q=... searches at once. */
  function initSearch(box) {
    if (box.getAttribute("data-iw-search")) return;
    box.setAttribute("data-iw-search", "loading");
    var bundle = new URL(box.getAttribute("data-bundle") || "../pagefind/", window.location.href).href;
    function start() {
      var query = params().get("q");
      var ui = new window.PagefindUI({ element: "#iw-search", bundlePath: bundle, showSubResults: true,
                                       showImages: false, resetStyles: false, autofocus: !query,
                                       translations: { clear_search: "Wissen" } });
      var input = box.querySelector("input.pagefind-ui__search-input");
      if (input) input.id = "iw-search-input";  /* the page's visible label names it */
      if (query) ui.triggerSearch(query);
      box.setAttribute("data-iw-search", "ready");
    }
    if (window.PagefindUI) { start(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = bundle + "pagefind-ui.css";
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = bundle + "pagefind-ui.js";
    script.onload = start;
    script.onerror = function () {
      box.textContent = "Zoeken is hier niet beschikbaar: de zoekindex ontbreekt. Zoek via de lijst van al het beleid.";
      box.setAttribute("data-iw-search", "missing");
    };
    document.head.appendChild(script);
  }

  function init() {
    if (window.requestIdleCallback) window.requestIdleCallback(prefetchChecker, { timeout: 3000 });
    else setTimeout(prefetchChecker, 1500);
    document.querySelectorAll(".iw-filters[data-table]").forEach(initFilters);
    document.querySelectorAll("table.iw-table").forEach(initSorting);
    document.querySelectorAll("table.iw-table").forEach(initCards);
    document.querySelectorAll(".iw-upcoming").forEach(initUpcoming);
    document.querySelectorAll("[data-iw-profession]").forEach(initProfession);
    document.querySelectorAll(".iw-stale[data-iw-from]").forEach(initStale);
    document.querySelectorAll(".iw-stale-group").forEach(function (box) {
      box.hidden = !box.querySelector(".iw-stale:not([hidden])");
    });
    document.querySelectorAll("button.iw-copy[data-copy]").forEach(initCopy);
    document.querySelectorAll("nav.iw-pager").forEach(initPager);
    document.querySelectorAll("#iw-search").forEach(initSearch);
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
