/* Inkoopwijzer checker: a guided check that ends in an action plan.
 *
 * The engine (Python, in a Web Worker running Pyodide) decides everything: the verdicts,
 * which question to ask next (the one that settles the most verdicts), the conditional
 * verdicts ("Generiek, als u ook …") and the action plan. This script only asks and shows.
 * Before the engine has started, the first questions come from the bundle (ranked by the
 * same engine at build time), so the user can answer while Python loads.
 *
 * The practice's answers never leave the browser: they live on the page, in the URL fragment
 * (never sent to a server) and, on request, in a downloaded JSON file. Works with
 * mkdocs-material's instant navigation.
 */
(function () {
  "use strict";

  var VERDICT = { "eligible": "komt in aanmerking", "not-eligible": "komt niet in aanmerking", "unknown": "nog onbekend" };
  var SELECTIVE = { "may-provide": "mag u leveren en declareren", "may-not-provide": "mag u niet leveren",
                    "unknown": "nog onbekend" };
  var ICON = { "met": "✓", "not-met": "✗", "unknown": "?", "eligible": "✓", "not-eligible": "✗",
               "may-provide": "✓", "may-not-provide": "✗", "conditional": "◐" };
  var STATUS = { "met": "voldaan", "not-met": "niet voldaan", "unknown": "onbekend" };
  var SUBJECT = { "practice": "de praktijk", "every-practitioner": "elke therapeut in de praktijk",
                  "some-practitioner": "ten minste één therapeut", "collaboration": "het samenwerkingsverband",
                  "organisation": "de organisatie (rechtspersoon)", "location": "de behandellocatie" };
  var FLAG = { "inconsistency": "Tegenstrijdigheid in de bron", "ambiguity": "Onduidelijkheid in de bron",
               "typo": "Verschrijving in de bron", "omission": "Ontbrekend gegeven in de bron",
               "conflict": "Bronnen spreken elkaar tegen", "guideline": "Richtlijn, door de verzekeraar gewogen",
               "incomplete": "De verzekeraar beslist mee of de bron is onvolledig",
               "unconditioned": "Geen toetsbare voorwaarden", "gap": "Gat in de tariefgroepen",
               "term-end-unknown": "Einddatum onbekend", "settled": "Beslist" };
  var state = { worker: null, workerBase: null, booted: null };

  /* ------------------------------------------------------------------ small helpers */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (key === "text") node.textContent = value;
      else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined && child !== false) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  function splitKey(key) {
    var at = key.indexOf("@");
    return at < 0 ? { fact: key, year: null } : { fact: key.slice(0, at), year: parseInt(key.slice(at + 1), 10) };
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function dutchDate(iso) {
    var months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                  "oktober", "november", "december"];
    var p = iso.split("-");
    return parseInt(p[2], 10) + " " + months[parseInt(p[1], 10) - 1] + " " + p[0];
  }

  function showValue(value) {
    if (value === true) return "ja";
    if (value === false) return "nee";
    if (value === "absent") return "bestaat niet";
    if (value && typeof value === "object" && value.since) {
      return "sinds " + dutchDate(value.since) + (value.until ? " tot en met " + dutchDate(value.until) : "");
    }
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return dutchDate(value);
    return String(value);
  }

  /* ------------------------------------------------------------------ the worker */

  function getWorker() {
    var base = siteBase().href;
    if (state.worker && state.workerBase === base) return state.worker;
    var boot = window.__iwBoot;  // started by checker-boot.js in the page head, first thing
    state.worker = boot && boot.base === base ? boot.worker
      : new Worker(new URL("assets/javascripts/checker-worker.mjs", base), { type: "module" });
    state.booted = boot && boot.base === base ? boot : null;
    state.workerBase = base;
    if (!state.booted) {
      state.worker.postMessage({ type: "init", engineUrl: new URL("checker/engine.zip", base).href,
                                 bundleUrl: new URL("checker/bundle.json", base).href });
    }
    return state.worker;
  }

  /* ------------------------------------------------------------------ URL fragment */

  function readFragment() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    var out = { profileText: params.get("profiel"), scope: null, skipped: [], anchors: {} };
    try { if (params.get("selectie")) out.scope = JSON.parse(params.get("selectie")); } catch (e) { out.scope = null; }
    try { if (params.get("onbekend")) out.skipped = JSON.parse(params.get("onbekend")); } catch (e) { out.skipped = []; }
    if (params.get("start") && /^\d{4}-\d{2}-\d{2}$/.test(params.get("start"))) out.anchors["start-date"] = params.get("start");
    if (!Array.isArray(out.skipped)) out.skipped = [];
    return out;
  }

  function writeFragment(c) {
    var params = new URLSearchParams();
    params.set("selectie", JSON.stringify(c.scope));
    params.set("profiel", JSON.stringify(c.profile));
    if (c.skipped.length) params.set("onbekend", JSON.stringify(c.skipped));
    if (c.anchors["start-date"]) params.set("start", c.anchors["start-date"]);
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search +
                                "#" + params.toString());
  }

  /* ------------------------------------------------------------------ scopes and their menus */

  /* The index names the scopes ("fysiotherapie-2025"); what a scope offers to pick (its
     insurers) and what the "nothing newer" notice needs comes from its own small file,
     checker/menu/<scope>.json, so that the index does not grow with the market. */
  function scopeParts(key) {
    var m = /^(.+)-(\d{4})$/.exec(key);
    return m ? { care_type: m[1], year: parseInt(m[2], 10) } : null;
  }

  function careTypes(bundle) {
    var cts = {};
    bundle.scopes.forEach(function (key) { var p = scopeParts(key); if (p) cts[p.care_type] = true; });
    return Object.keys(cts).sort(function (a, b) {
      return (bundle.care_types[a] || { name: a }).name.localeCompare((bundle.care_types[b] || { name: b }).name, "nl");
    });
  }

  function yearsFor(bundle, careType) {
    var years = {};
    bundle.scopes.forEach(function (key) { var p = scopeParts(key); if (p && p.care_type === careType) years[p.year] = true; });
    return Object.keys(years).map(Number).sort();
  }

  /* The newest encoded contract year that has not ended; when every year has ended, the newest. */
  function defaultYear(bundle, careType) {
    var years = yearsFor(bundle, careType), now = new Date().getFullYear();
    var open = years.filter(function (y) { return y >= now; });
    return (open.length ? open : years)[(open.length ? open : years).length - 1];
  }

  /* The care type and year a visit starts with: the fragment's when the site has them, else the defaults. */
  function startScope(bundle, wanted) {
    if (wanted && typeof wanted === "object" && careTypes(bundle).indexOf(wanted.care_type) >= 0 &&
        yearsFor(bundle, wanted.care_type).indexOf(wanted.year) >= 0) return { care_type: wanted.care_type, year: wanted.year };
    var cts = careTypes(bundle);
    var ct = cts.indexOf("fysiotherapie") >= 0 ? "fysiotherapie" : cts[0];
    return { care_type: ct, year: defaultYear(bundle, ct) };
  }

  var fetched = {};  // URL -> the promise of its text, fetched once per page load (each caller parses its own copy)
  function fetchJSON(path) {
    var url = new URL(path, siteBase()).href;
    if (!fetched[url]) {
      fetched[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.text();
      });
      fetched[url].catch(function () { delete fetched[url]; });
    }
    return fetched[url].then(JSON.parse);
  }

  function loadMenu(careType, year) { return fetchJSON("checker/menu/" + careType + "-" + year + ".json"); }
  function loadFirstAnswer(careType, year) { return fetchJSON("checker/start/" + careType + "-" + year + ".json"); }

  /* ------------------------------------------------------------------ the checker */

  function Checker(root, bundle, menu) {
    this.root = root;
    this.bundle = bundle;
    this.menus = {};
    this.menus[menu.scope] = menu;
    this.scopeTicket = 0;
    this.requestId = 0;
    this.response = null;
    this.ready = false;
    this.firstVerdictMs = null;
    this.firstQuestionMs = null;
    this.showAll = false;
    this.current = null;   // the question on the card (a key), or null: the engine's next
    var frag = readFragment();
    this.profile = {};
    this.pendingProfileText = frag.profileText;
    this.skipped = frag.skipped.filter(function (k) { return typeof k === "string"; });
    this.anchors = frag.anchors;
    this.scope = this.validScope(frag.scope) || this.defaultScope();
    this.chosen = null;    // contracts picked for the personal calendar (null: the defaults)
    this.firstEngineVerdictMs = null;
    this.build();
  }

  /* The engine's first round for an empty profile, computed by the same engine at build time:
     shown (and its first question asked) until Python has started in this browser. */
  Checker.prototype.loadStart = function () {
    var self = this, scope = JSON.stringify(this.scope);
    var defaults = this.insurersFor(this.scope.care_type, this.scope.year);
    if (this.pendingProfileText || Object.keys(this.profile).length || this.skipped.length ||
        JSON.stringify(this.scope.insurers) !== JSON.stringify(defaults)) return;
    loadFirstAnswer(this.scope.care_type, this.scope.year).then(function (out) {
      if (!out || JSON.stringify(self.scope) !== scope || Object.keys(self.profile).length || self.skipped.length) return;
      if (self.response && !self.response.precomputed) return;  // the engine has already answered
      out.precomputed = true;
      self.show(out);
    }).catch(function () { /* the engine answers when it is ready */ });
  };

  /* The insurers with a policy in the scope (its menu is loaded before the scope is chosen). */
  Checker.prototype.insurersFor = function (careType, year) {
    return this.menus[careType + "-" + year].insurers.map(function (i) { return i.id; });
  };

  Checker.prototype.menu = function () {
    return this.menus[this.scope.care_type + "-" + this.scope.year];
  };

  Checker.prototype.shortName = function (insurer, fallback) {
    var hit = this.menu().insurers.filter(function (i) { return i.id === insurer; })[0];
    return hit ? hit.short_name : (fallback || insurer);
  };

  Checker.prototype.defaultScope = function () {
    var start = startScope(this.bundle, null);
    return { care_type: start.care_type, year: start.year, insurers: this.insurersFor(start.care_type, start.year) };
  };

  Checker.prototype.validScope = function (scope) {
    if (!scope || typeof scope !== "object" || careTypes(this.bundle).indexOf(scope.care_type) < 0) return null;
    if (yearsFor(this.bundle, scope.care_type).indexOf(scope.year) < 0) return null;
    var known = this.insurersFor(scope.care_type, scope.year);
    var insurers = (Array.isArray(scope.insurers) ? scope.insurers : []).filter(function (i) { return known.indexOf(i) >= 0; });
    return { care_type: scope.care_type, year: scope.year, insurers: insurers.length ? insurers : known };
  };

  /* ---------------- layout */

  Checker.prototype.build = function () {
    var self = this;
    this.root.innerHTML = "";
    this.status = el("p", { "class": "iw-checker-status", role: "status", "aria-live": "polite",
                            text: "De rekenregels worden geladen; u kunt alvast beginnen." });
    this.scopeBox = el("fieldset", { "class": "iw-scope" });
    this.card = el("section", { "class": "iw-question", "aria-labelledby": "iw-question-title" });
    this.answered = el("details", { "class": "iw-answered" });
    this.form = el("form", { "class": "iw-checker-form", novalidate: "novalidate", hidden: "hidden",
                             onsubmit: function (e) { e.preventDefault(); } });
    this.summary = el("aside", { "class": "iw-summary", "aria-label": "Uitkomst in het kort", "aria-live": "polite" });
    this.results = el("section", { "class": "iw-results", "aria-busy": "true", "aria-labelledby": "iw-results-title" });
    this.plan = el("section", { "class": "iw-plan", "aria-labelledby": "iw-plan-title" });
    var tools = el("div", { "class": "iw-profile-tools" }, [
      el("button", { type: "button", "class": "md-button iw-all-toggle", onclick: function () { self.toggleAll(); },
                     text: "Alle vragen tonen" }),
      el("button", { type: "button", "class": "md-button", onclick: function () { self.save(); },
                     text: "Profiel opslaan (JSON)" }),
      el("label", { "class": "md-button", "for": "iw-profile-file" }, ["Profiel laden"]),
      el("input", { type: "file", id: "iw-profile-file", accept: "application/json,.json", "class": "iw-visually-hidden",
                    onchange: function (e) { self.load(e.target.files[0]); } }),
      el("button", { type: "button", "class": "md-button", onclick: function () { self.reset(); },
                     text: "Opnieuw beginnen" }),
    ]);
    this.root.appendChild(this.scopeBox);
    this.root.appendChild(el("div", { "class": "iw-checker-grid" }, [
      el("div", { "class": "iw-ask" }, [this.card, this.answered, this.form, tools, this.status]),
      this.summary]));
    this.root.appendChild(this.results);
    this.root.appendChild(this.plan);
    this.buildScope();
    this.renderCard();
    this.renderSummary();
    if (this.pendingProfileText) this.parseProfile(this.pendingProfileText);
    else { this.loadStart(); this.evaluate(); }
  };

  Checker.prototype.buildScope = function () {
    var self = this, b = this.bundle, s = this.scope;
    this.scopeBox.innerHTML = "";
    this.scopeBox.appendChild(el("legend", { text: "Uw praktijk" }));
    var ctSelect = el("select", { id: "iw-scope-care-type", onchange: function (e) {
      self.switchScope(e.target.value, defaultYear(b, e.target.value));
    } }, careTypes(b).map(function (c) {
      return el("option", { value: c, selected: c === s.care_type ? "selected" : null, text: (b.care_types[c] || { name: c }).name });
    }));
    var yearSelect = el("select", { id: "iw-scope-year", onchange: function (e) {
      self.switchScope(s.care_type, parseInt(e.target.value, 10));
    } }, yearsFor(b, s.care_type).slice().reverse().map(function (y) {
      return el("option", { value: String(y), selected: y === s.year ? "selected" : null, text: String(y) });
    }));
    var boxes = this.insurersFor(s.care_type, s.year).map(function (id) {
      var box = el("input", { type: "checkbox", id: "iw-scope-insurer-" + id, value: id,
                              checked: s.insurers.indexOf(id) >= 0 ? "checked" : null,
                              onchange: function (e) {
                                var list = s.insurers.filter(function (x) { return x !== id; });
                                if (e.target.checked) list.push(id);
                                self.scope.insurers = list.sort();
                                self.rescope();
                              } });
      return el("label", { "for": "iw-scope-insurer-" + id, "class": "iw-inline" }, [box, " " + self.shortName(id)]);
    });
    this.scopeBox.appendChild(el("div", { "class": "iw-scope-row" }, [
      el("label", { "for": "iw-scope-care-type" }, ["Zorgsoort"]), ctSelect,
      el("label", { "for": "iw-scope-year" }, ["Contractjaar"]), yearSelect]));
    this.scopeBox.appendChild(el("div", { "class": "iw-insurers", role: "group", "aria-label": "Verzekeraars" }, boxes));
  };

  /* Another care type or year: its menu first (fetched once), then the scope with all its
     insurers; when choices follow each other quickly, the last one wins. */
  Checker.prototype.switchScope = function (careType, year) {
    var self = this, ticket = ++this.scopeTicket;
    loadMenu(careType, year).then(function (menu) {
      if (ticket !== self.scopeTicket) return;
      self.menus[menu.scope] = menu;
      self.scope = { care_type: careType, year: year, insurers: self.insurersFor(careType, year) };
      self.rescope();
    }, function (err) {
      if (ticket === self.scopeTicket) self.status.textContent = "Deze selectie kon niet worden geladen: " + err;
    });
  };

  Checker.prototype.rescope = function () {
    this.current = null;
    this.chosen = null;
    this.response = null;
    this.buildScope();
    if (this.showAll) this.buildForm();
    this.renderCard();
    this.loadStart();
    this.evaluate();
  };

  /* ---------------- questions */

  Checker.prototype.value = function (key) {
    var k = splitKey(key), v = this.profile[k.fact];
    if (k.year === null) return v;
    return v && typeof v === "object" && !v.since ? v[String(k.year)] : undefined;
  };

  Checker.prototype.setValue = function (key, value) {
    var k = splitKey(key);
    if (k.year === null) {
      if (value === undefined) delete this.profile[k.fact]; else this.profile[k.fact] = value;
      return;
    }
    var per = Object.assign({}, this.profile[k.fact] && typeof this.profile[k.fact] === "object" ? this.profile[k.fact] : {});
    if (value === undefined) delete per[String(k.year)]; else per[String(k.year)] = value;
    if (Object.keys(per).length) this.profile[k.fact] = per; else delete this.profile[k.fact];
  };

  Checker.prototype.answeredKeys = function () {
    var out = [], facts = this.bundle.facts;
    Object.keys(this.profile).forEach(function (fact) {
      var v = this.profile[fact];
      if (facts[fact] && facts[fact].yearly && v && typeof v === "object") {
        Object.keys(v).sort().forEach(function (y) { out.push(fact + "@" + y); });
      } else out.push(fact);
    }, this);
    return out;
  };

  /* The question on the card: the one being changed, else the engine's next question. */
  Checker.prototype.nextKey = function () {
    var self = this;
    if (this.current) return this.current;
    var answered = this.answeredKeys();
    var open = function (k) { return answered.indexOf(k) < 0 && self.skipped.indexOf(k) < 0 && self.bundle.facts[splitKey(k).fact]; };
    if (this.response && !this.response.error) {
      var next = this.response.questions.filter(function (q) { return open(q.key); })[0];
      return next ? next.key : null;
    }
    return null;
  };

  Checker.prototype.questionText = function (fact, year) {
    return fact.label + (year ? " (over " + year + ")" : "");
  };

  Checker.prototype.renderCard = function () {
    var self = this, key = this.nextKey();
    this.card.innerHTML = "";
    if (!this.response) {
      this.card.appendChild(el("h2", { id: "iw-question-title", text: "Even geduld" }));
      this.card.appendChild(el("p", { text: "De eerste vraag wordt klaargezet…" }));
      return;
    }
    var left = this.response && !this.response.error ? this.response.remaining : null;
    this.card.appendChild(el("p", { "class": "iw-progress", text: left === null ? "" : left === 0
      ? (key ? "De hoofduitkomst staat vast; de volgende vragen verfijnen haar nog." : "Genoeg antwoorden voor de uitkomst.")
      : "Nog ongeveer " + left + (left === 1 ? " vraag" : " vragen") + "." }));
    if (!key) {
      var skippedOpen = this.skipped.length;
      this.card.appendChild(el("h2", { id: "iw-question-title", text: "Geen vragen meer" }));
      this.card.appendChild(el("p", { text: skippedOpen
        ? "Alle vragen die de uitkomst nog kunnen veranderen zijn beantwoord of met 'weet ik niet' overgeslagen. U kunt een overgeslagen vraag hieronder alsnog beantwoorden."
        : "Geen vraag kan de uitkomst nog veranderen." }));
      this.renderAnswered();
      return;
    }
    var k = splitKey(key), fact = this.bundle.facts[k.fact];
    var id = "iw-q-" + key.replace("@", "-");
    var who = fact.subject && fact.subject !== "practice" ? "Over " + SUBJECT[fact.subject] + "." : "";
    this.card.appendChild(el("h2", { id: "iw-question-title", "class": "iw-visually-hidden", text: "Vraag" }));
    var input = this.inputFor(key, fact, k.year, id, function (value) { self.answer(key, value); });
    this.card.appendChild(el("div", { "class": "iw-question-body", "data-key": key }, [
      el("label", { "for": id, "class": "iw-question-label", text: this.questionText(fact, k.year) }),
      who ? el("p", { "class": "iw-question-who", text: who }) : null,
      fact.help ? el("details", { "class": "iw-question-help" }, [el("summary", { text: "Waar vindt u dit?" }),
                                                                  el("p", { text: fact.help })]) : null,
      input.node,
      el("div", { "class": "iw-question-actions" }, [
        input.submit ? el("button", { type: "button", "class": "md-button md-button--primary", text: "Volgende",
                                      onclick: function () { input.submit(); } }) : null,
        el("button", { type: "button", "class": "md-button iw-dont-know", text: "Weet ik niet",
                       onclick: function () { self.skip(key); } }),
        this.current ? el("button", { type: "button", "class": "md-button", text: "Annuleren",
                                      onclick: function () { self.current = null; self.renderCard(); } }) : null,
      ]),
      input.error,
    ]));
    if (this.firstQuestionMs === null) {
      this.firstQuestionMs = performance.now();
      this.publish();
    }
    this.renderAnswered();
  };

  /* One answer control for a fact: buttons for yes/no and options, a field for numbers and dates. */
  Checker.prototype.inputFor = function (key, fact, year, id, done) {
    var current = this.value(key), error = el("p", { "class": "iw-input-error", role: "alert", hidden: "hidden" });
    function fail(text) { error.textContent = text; error.hidden = false; }
    if (fact.type === "boolean" || fact.type === "enum") {
      var options = fact.type === "boolean" ? [{ value: true, label: "Ja" }, { value: false, label: "Nee" }] : fact.options;
      var group = el("div", { id: id, "class": "iw-choices", role: "group" }, options.map(function (o) {
        return el("button", { type: "button", "class": "md-button iw-choice" + (current === o.value ? " iw-chosen" : ""),
                              "aria-pressed": current === o.value ? "true" : "false", text: o.label,
                              onclick: function () { done(o.value); } });
      }));
      if (fact.absent) {
        group.appendChild(el("button", { type: "button", "class": "md-button iw-choice", text: fact.absent,
                                         onclick: function () { done("absent"); } }));
      }
      return { node: group, error: error, submit: null };
    }
    if (fact.type === "held") {
      var held = current && typeof current === "object" ? current : {};
      var since = el("input", { id: id, type: "date", value: held.since || null });
      var until = el("input", { id: id + "-until", type: "date", value: held.until || null });
      var node = el("div", { "class": "iw-held" }, [since,
        el("label", { "for": id + "-until", text: "Geldig tot en met (leeg: nog geldig)" }), until,
        el("button", { type: "button", "class": "md-button iw-choice", text: "Nooit gehad",
                       onclick: function () { done("absent"); } })]);
      return { node: node, error: error, submit: function () {
        if (!since.value) return fail("Vul in sinds wanneer, of kies 'Nooit gehad' of 'Weet ik niet'.");
        if (until.value && until.value < since.value) return fail("'Tot en met' ligt vóór 'sinds'.");
        done(until.value ? { since: since.value, until: until.value } : { since: since.value });
      } };
    }
    var isDate = fact.type === "date";
    var field = el("input", { id: id, type: isDate ? "date" : "number", step: fact.type === "integer" ? "1" : "any",
                              min: fact.min, max: fact.max, inputmode: isDate ? null : "decimal",
                              value: current === undefined || current === null || current === "absent" ? null : String(current) });
    var unit = fact.type === "money" ? "€" : fact.type === "percentage" ? "%" : fact.unit || "";
    var submit = function () {
      var raw = field.value;
      if (raw === "") return fail("Vul een waarde in, of kies 'Weet ik niet'.");
      if (isDate) return done(raw);
      var n = Number(raw);
      if (!isFinite(n)) return fail("Vul een getal in.");
      if (fact.type === "integer" && Math.round(n) !== n) return fail("Vul een heel getal in.");
      if (fact.min !== undefined && fact.min !== null && n < fact.min) return fail("Minimaal " + fact.min + ".");
      if (fact.max !== undefined && fact.max !== null && n > fact.max) return fail("Maximaal " + fact.max + ".");
      done(n);
    };
    field.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); submit(); } });
    var wrap = el("div", { "class": "iw-number" }, [field, unit ? el("span", { "class": "iw-unit", text: unit }) : null,
      fact.absent ? el("button", { type: "button", "class": "md-button iw-choice", text: fact.absent,
                                   onclick: function () { done("absent"); } }) : null]);
    return { node: wrap, error: error, submit: submit };
  };

  Checker.prototype.answer = function (key, value) {
    this.notice = "";
    this.setValue(key, value);
    this.skipped = this.skipped.filter(function (k) { return k !== key; });
    this.current = null;
    this.evaluate();
    this.renderCard();
  };

  Checker.prototype.skip = function (key) {
    this.setValue(key, undefined);
    if (this.skipped.indexOf(key) < 0) this.skipped.push(key);
    this.current = null;
    this.evaluate();
    this.renderCard();
  };

  Checker.prototype.renderAnswered = function () {
    var self = this, keys = this.answeredKeys().filter(function (k) { return self.bundle.facts[splitKey(k).fact]; });
    var skipped = this.skipped.filter(function (k) { return self.bundle.facts[splitKey(k).fact]; });
    this.answered.innerHTML = "";
    this.answered.hidden = !(keys.length || skipped.length);
    this.answered.appendChild(el("summary", { text: "Uw antwoorden (" + keys.length + ")" +
                                              (skipped.length ? ", " + skipped.length + " × weet ik niet" : "") }));
    var list = el("ul", { "class": "iw-answer-list" });
    keys.concat(skipped).forEach(function (key) {
      var k = splitKey(key), fact = self.bundle.facts[k.fact];
      var shown = skipped.indexOf(key) >= 0 ? "weet ik niet" : showValue(self.value(key));
      list.appendChild(el("li", { "data-key": key }, [
        el("span", { text: self.questionText(fact, k.year) + ": " }), el("strong", { text: shown }), " ",
        el("button", { type: "button", "class": "iw-link-button", text: "wijzig",
                       "aria-label": "Wijzig: " + self.questionText(fact, k.year),
                       onclick: function () { self.current = key; self.renderCard(); self.card.scrollIntoView({ block: "nearest" }); } })]));
    });
    this.answered.appendChild(list);
  };

  /* ---------------- all questions (for experts) */

  Checker.prototype.toggleAll = function () {
    this.showAll = !this.showAll;
    this.root.querySelector(".iw-all-toggle").textContent = this.showAll ? "Eén vraag tegelijk" : "Alle vragen tonen";
    this.form.hidden = !this.showAll;
    this.card.hidden = this.showAll;
    if (this.showAll) this.buildForm();
  };

  Checker.prototype.buildForm = function () {
    var self = this;
    this.form.innerHTML = "";
    var keys = {};
    (this.response && this.response.questions || []).forEach(function (q) { keys[q.key] = true; });
    this.answeredKeys().forEach(function (k) { keys[k] = true; });
    this.skipped.forEach(function (k) { keys[k] = true; });
    var groups = {};
    Object.keys(keys).forEach(function (key) {
      var k = splitKey(key), fact = self.bundle.facts[k.fact];
      if (fact) (groups[fact.group] = groups[fact.group] || []).push({ key: key, fact: fact, year: k.year });
    });
    Object.keys(groups).sort().forEach(function (group) {
      var fs = el("fieldset", { "class": "iw-group" }, [el("legend", { text: group })]);
      groups[group].sort(function (a, b) { return a.fact.label.localeCompare(b.fact.label, "nl") || (a.year || 0) - (b.year || 0); })
        .forEach(function (q) {
          var id = "iw-fact-" + q.key.replace("@", "-");
          var input = self.inputFor(q.key, q.fact, q.year, id, function (value) { self.answer(q.key, value); self.buildForm(); });
          fs.appendChild(el("div", { "class": "iw-field", "data-fact": q.key }, [
            el("label", { "for": id, text: self.questionText(q.fact, q.year) }), input.node,
            input.submit ? el("button", { type: "button", "class": "md-button", text: "Opslaan",
                                          onclick: function () { input.submit(); } }) : null, input.error]));
        });
      self.form.appendChild(fs);
    });
  };

  /* ---------------- the engine round trip */

  Checker.prototype.request = function () {
    return { profile: { facts: this.profile }, insurers: this.scope.insurers, care_types: [this.scope.care_type],
             year: this.scope.year, skipped: this.skipped, today: today(), anchors: this.anchors };
  };

  Checker.prototype.evaluate = function () {
    if (this.pendingProfileText) return;  // the profile being read would be overwritten
    writeFragment(this);
    this.sentAt = performance.now();
    this.idle = false;
    getWorker().postMessage({ type: "respond", id: ++this.requestId, request: this.request() });
  };

  var MAX_PROFILE_CHARS = 1000000;

  /* A profile from the fragment (whoever sent the link) or a file is read by the engine's own
     strict reader in the worker (engine/profile.py), as the CLI reads it. */
  Checker.prototype.parseProfile = function (text) {
    if (text.length > MAX_PROFILE_CHARS) {
      this.notice = "Dit profiel is te groot om te lezen.";
      this.status.textContent = this.notice;
      this.pendingProfileText = null;
      this.evaluate();
      return;
    }
    this.pendingProfileText = text;
    getWorker().postMessage({ type: "parse", id: ++this.requestId, text: text });
  };

  Checker.prototype.onMessage = function (msg) {
    if (msg.type === "progress") {
      if (msg.step !== "ready") this.status.textContent = "Bezig met laden: " + msg.detail + "…";
      return;
    }
    if (msg.type === "ready") {
      this.ready = true;
      this.workerTiming = { workerReadyMs: msg.ms, pyodideMs: msg.pyodideMs, runtime: msg.runtime,
                            workerStartedMs: msg.startedAt - performance.timeOrigin };
      return;
    }
    if (msg.type === "error") {
      this.status.textContent = "De rekenregels konden niet worden geladen: " + msg.message;
      return;
    }
    if (msg.type === "parsed") {
      var parsed = JSON.parse(msg.result);
      if (parsed.error) {
        this.profile = {};
        this.notice = "Dit profiel kon niet worden gelezen: " + parsed.error.join("; ") + ".";
        this.status.textContent = this.notice;
      } else {
        this.profile = parsed.facts;
        this.notice = "";
      }
      this.pendingProfileText = null;
      this.current = null;
      this.evaluate();
      this.renderCard();
      return;
    }
    if (msg.type === "calendar") { this.download(msg.text, "inkoopwijzer-mijn-deadlines.ics", "text/calendar"); return; }
    if (msg.type !== "result" || msg.id !== this.requestId) return;
    var out = JSON.parse(msg.result);
    this.idle = true;
    if (out.error) {
      this.status.textContent = "Controleer uw antwoorden: " + out.error.join("; ");
      this.publish(msg.ms);
      return;
    }
    if (this.firstEngineVerdictMs === null) this.firstEngineVerdictMs = performance.now();
    this.status.textContent = this.notice || "Uitkomst bijgewerkt. Uw gegevens blijven in deze browser.";
    this.show(out, msg.ms);
  };

  Checker.prototype.show = function (out, engineMs) {
    this.response = out;
    if (this.firstVerdictMs === null) this.firstVerdictMs = performance.now();
    this.renderCard();
    if (this.showAll) this.buildForm();
    this.renderSummary();
    this.renderResults();
    this.renderPlan();
    this.publish(engineMs);
  };

  /* Timing for tests and benchmarks: from navigation start (performance.now()). */
  Checker.prototype.publish = function (engineMs) {
    window.__iwChecker = Object.assign({
      firstQuestionMs: this.firstQuestionMs, firstVerdictMs: this.firstVerdictMs,
      firstEngineVerdictMs: this.firstEngineVerdictMs, precomputed: !!(this.response && this.response.precomputed),
      lastEvaluationMs: engineMs,
      roundTripMs: this.sentAt ? performance.now() - this.sentAt : null, requests: this.requestId,
      idle: !!this.idle, remaining: this.response ? this.response.remaining : null,
      answered: this.answeredKeys().length, current: this.nextKey() }, this.workerTiming || {});
  };

  /* ---------------- the running summary */

  Checker.prototype.headline = function (c) {
    if (c.verdict === "eligible") {
      return { mark: "eligible", text: c.name + (c.best_tier_name ? ": " + c.best_tier_name :
                                                 c.possible_tiers && c.possible_tiers.length ? " (variant nog open)" : "") };
    }
    if (c.conditional) {
      var cond = c.conditional.if.map(function (leaf) { return leaf.label.replace(/\.$/, ""); }).join("; ");
      return { mark: "conditional", text: (c.conditional.tier_name || c.name) + ", als ook: " + cond };
    }
    return { mark: c.verdict, text: c.name + ": " + VERDICT[c.verdict] };
  };

  Checker.prototype.renderSummary = function () {
    var self = this;
    this.summary.innerHTML = "";
    this.summary.appendChild(el("h2", { "class": "iw-summary-title", text: "Uw uitkomst tot nu toe" }));
    if (!this.response) {
      this.summary.appendChild(el("p", { text: "Na uw eerste antwoorden verschijnt hier per verzekeraar wat u kunt verwachten." }));
      return;
    }
    var list = el("ul", { "class": "iw-summary-list" });
    this.response.answer.insurers.forEach(function (ins) {
      var mains = [];
      ins.policies.forEach(function (pol) {
        pol.contracts.forEach(function (c) { if (c.kind === "contract") mains.push(c); });
      });
      mains.slice(0, 3).forEach(function (c) {
        var h = self.headline(c);
        list.appendChild(el("li", { "class": "iw-summary-item iw-verdict--" + h.mark, "data-insurer": ins.insurer,
                                    "data-contract": c.contract, "data-verdict": c.verdict }, [
          el("span", { "aria-hidden": "true", "class": "iw-mark", text: ICON[h.mark] + " " }),
          el("strong", { text: self.shortName(ins.insurer, ins.name) + " " }), h.text]));
      });
    });
    if (!list.children.length) list.appendChild(el("li", { text: "Geen beleid binnen deze selectie." }));
    this.summary.appendChild(list);
    this.summary.appendChild(el("a", { href: "#iw-results-title", "class": "iw-summary-more", text: "Alles bekijken" }));
  };

  /* ---------------- the full results */

  Checker.prototype.renderResults = function () {
    var self = this, answer = this.response.answer;
    this.results.setAttribute("aria-busy", "false");
    this.results.innerHTML = "";
    this.results.appendChild(el("h2", { id: "iw-results-title", text: "Uitkomst per verzekeraar" }));
    (answer.warnings || []).forEach(function (w) {
      self.results.appendChild(el("p", { "class": "iw-warning", role: "note" },
                                  [el("strong", { text: "Controleer uw antwoorden: " }), w.text]));
    });
    if (!answer.insurers.length) this.results.appendChild(el("p", { text: "Geen beleid binnen deze selectie." }));
    answer.insurers.forEach(function (ins) {
      var section = el("article", { "class": "iw-insurer", "data-insurer": ins.insurer }, [el("h3", { text: ins.name })]);
      ins.policies.forEach(function (pol) {
        section.appendChild(el("p", { "class": "iw-policy", text: pol.title + " – contractjaar " + pol.year +
          (pol.completeness === "partial" ? " (beleid gedeeltelijk bekend)" : "") }));
        var stale = self.staleNotice(ins, pol);
        if (stale) section.appendChild(stale);
        var list = el("ul", { "class": "iw-contracts" });
        pol.contracts.forEach(function (c) { list.appendChild(self.contract(c)); });
        section.appendChild(list);
        if (pol.selective && pol.selective.length) {
          section.appendChild(el("h4", { text: "Selectieve inkoop: welke zorg mag u leveren?" }));
          var rules = el("ul", { "class": "iw-selective" });
          pol.selective.forEach(function (rule) { rules.appendChild(self.selectiveRule(rule)); });
          section.appendChild(rules);
        }
        var reserved = (pol.clauses || []).filter(function (cl) { return cl.kind === "reserved-right" || cl.kind === "discretion"; });
        if (reserved.length) {
          section.appendChild(el("details", { "class": "iw-clauses" }, [el("summary", { text: "Voorbehouden van de verzekeraar" }),
            el("ul", {}, reserved.map(function (cl) { return el("li", {}, [el("strong", { text: cl.title + ": " }), cl.text,
                                                                           self.citeEl(cl.cite)]); }))]));
        }
      });
      self.results.appendChild(section);
    });
    this.results.appendChild(el("p", { "class": "iw-result-tools" }, [
      el("button", { type: "button", "class": "md-button", text: "Afdrukken of bewaren als PDF",
                     onclick: function () { self.openAll(); window.print(); } }), " ",
      el("button", { type: "button", "class": "md-button", text: "Link naar deze uitkomst kopiëren",
                     onclick: function () { self.copyLink(); } })]));
  };

  /* "Voor 2025 en later is van VGZ nog geen inkoopbeleid voor paramedische zorg opgenomen": when
     the insurer's newest encoded policy of this family is the one judged, from 1 April of its
     last contract year on (next year's policies are public by then), by the visitor's date. */
  Checker.prototype.staleNotice = function (ins, pol) {
    var own = this.menu().policies[pol.policy];
    if (!own) return null;
    var last = own.last;
    if (pol.year < last || today() < last + "-04-01") return null;
    var short = this.shortName(own.insurer, ins.name);
    return el("p", { "class": "iw-stale iw-warning", role: "note", "data-insurer": own.insurer, "data-family": own.family },
              ["Voor " + (last + 1) + " en later is van " + short + " nog geen inkoopbeleid voor " +
               own.family.replace(/-/g, " ") + " opgenomen" +
               (today() >= (last + 1) + "-01-01" ? "; contractjaar " + last + " is voorbij." : ".")]);
  };

  Checker.prototype.contract = function (c) {
    var self = this, h = this.headline(c);
    var li = el("li", { "class": "iw-contract iw-verdict--" + h.mark, "data-contract": c.contract, "data-verdict": c.verdict,
                        "data-tier": c.best_tier || "" }, [
      el("span", { "class": "iw-verdict", "aria-hidden": "true", text: ICON[h.mark] + " " }),
      el("strong", { text: c.name }), ": " + (c.verdict === "eligible" && c.best_tier_name ? "komt in aanmerking – " + c.best_tier_name :
                                               c.conditional ? "nog onbekend; " + h.text : VERDICT[c.verdict]),
      this.citeEl(c.cite)]);
    (c.flags || []).forEach(function (f) { li.appendChild(self.flagEl(f)); });
    (c.limitations || []).concat(c.tariff_effects || []).forEach(function (item) {
      if (item.status === "met") return;
      li.appendChild(el("p", { "class": "iw-limitation", "data-status": item.status }, [
        el("strong", { text: item.status === "not-met" ? "Beperking: " : "Mogelijke beperking: " }),
        item.title + (item.consequence_text ? " – " + item.consequence_text : "")]));
    });
    var why = el("details", { "class": "iw-why" }, [el("summary", { text: "Waarom" })]);
    var tree = el("ul", { "class": "iw-tree" });
    c.requirements.forEach(function (r) { tree.appendChild(self.node(r.result, r.title)); });
    if (c.criterion) tree.appendChild(self.node(c.criterion, "Voorwaarden"));
    c.tiers.forEach(function (t) {
      var tierLi = el("li", { "data-tier": t.tier, "data-verdict": t.verdict }, [
        el("span", { "aria-hidden": "true", text: ICON[t.verdict] + " " }), el("strong", { text: t.name }),
        ": " + VERDICT[t.verdict], self.citeEl(t.cite)]);
      if (t.criterion) tierLi.appendChild(el("ul", {}, [self.node(t.criterion)]));
      tree.appendChild(tierLi);
    });
    why.appendChild(tree);
    li.appendChild(why);
    if (c.expectations && c.expectations.length) {
      li.appendChild(el("p", { "class": "iw-expectation", text: "Verwachtingen zonder gevolg voor de overeenkomst: " +
        c.expectations.map(function (e) { return e.title; }).join("; ") + "." }));
    }
    return li;
  };

  Checker.prototype.selectiveRule = function (rule) {
    var self = this;
    var li = el("li", { "class": "iw-contract iw-verdict--" + rule.verdict, "data-rule": rule.rule, "data-verdict": rule.verdict }, [
      el("span", { "class": "iw-verdict", "aria-hidden": "true", text: ICON[rule.verdict] + " " }),
      el("strong", { text: rule.condition }), ": " + SELECTIVE[rule.verdict] + (rule.via ? " (via " + rule.via.name + ")" : ""),
      self.citeEl(rule.cite)]);
    (rule.flags || []).forEach(function (f) { li.appendChild(self.flagEl(f)); });
    if (rule.needed.length) {
      li.appendChild(el("ul", { "class": "iw-needed-list" }, rule.needed.map(function (leaf) {
        return el("li", {}, ["Nodig: " + leaf.label + (leaf.status === "unknown" ? " (nog niet beantwoord)" : "")]);
      })));
    }
    return li;
  };

  Checker.prototype.node = function (n, title) {
    var self = this, value = "";
    if (!n.children && n.value !== undefined) {
      value = n.value === null ? " (uw antwoord: niet ingevuld)" : " (uw antwoord: " + showValue(n.value) + ")";
    }
    if (n.guideline) {
      value += n.guideline === "met" ? " – u voldoet aan deze richtlijn; de verzekeraar weegt haar af" :
               n.guideline === "not-met" ? " – u voldoet niet aan deze richtlijn; de verzekeraar weegt haar af" : "";
    }
    var li = el("li", { "data-status": n.status }, [
      el("span", { "class": "iw-status iw-status--" + n.status, "aria-hidden": "true", text: ICON[n.status] + " " }),
      el("span", { "class": "iw-visually-hidden", text: STATUS[n.status] + ": " }),
      (title ? title + ": " : "") + n.label + value, self.citeEl(n.cite)]);
    (n.notes || (n.note ? [n.note] : [])).forEach(function (note) {
      li.appendChild(el("p", { "class": "iw-source-note" }, [el("strong", { text: "Let op, bron: " }), note.text + " Aangehouden: " + note.kept]));
    });
    if (n.children) li.appendChild(el("ul", {}, n.children.map(function (c) { return self.node(c); })));
    return li;
  };

  /* One compact 'bron' per line that opens to the citation. */
  Checker.prototype.citeEl = function (cite) {
    if (!cite) return null;
    return el("details", { "class": "iw-cite-toggle" }, [el("summary", { text: "bron" }),
      el("span", { "class": "iw-cite" }, [el("a", { href: cite.url, rel: "noopener noreferrer external", text: cite.title }),
                                          ", § " + cite.section])]);
  };

  Checker.prototype.flagEl = function (flag) {
    return el("p", { "class": "iw-flag iw-flag--" + flag.kind, "data-flag": flag.id || flag.kind }, [
      el("strong", { text: (FLAG[flag.kind] || "Let op") + ": " }), flag.text]);
  };

  /* ---------------- the action plan */

  Checker.prototype.renderPlan = function () {
    var self = this, plan = this.response.plan;
    this.plan.innerHTML = "";
    this.plan.appendChild(el("h2", { id: "iw-plan-title", text: "Wat moet u doen, en wanneer?" }));
    if (!plan.length) {
      this.plan.appendChild(el("p", { text: "Zodra een overeenkomst binnen bereik is, staat hier wat u moet doen en wanneer." }));
      return;
    }
    if (this.chosen === null) {
      this.chosen = {};
      plan.forEach(function (item) { if (item.reach === "eligible") self.chosen[item.policy + "#" + item.contract] = true; });
    }
    var needsStart = plan.some(function (item) { return item.deadlines.some(function (d) { return d.relative; }); });
    if (needsStart) {
      var start = el("input", { type: "date", id: "iw-start-date", value: this.anchors["start-date"] || null,
                                onchange: function (e) { self.anchors["start-date"] = e.target.value || undefined;
                                                          if (!e.target.value) delete self.anchors["start-date"]; self.evaluate(); } });
      this.plan.appendChild(el("p", { "class": "iw-start" }, [el("label", { "for": "iw-start-date", text: "Gewenste ingangsdatum " }), start,
        el("small", { text: " Sommige termijnen rekenen vanaf de datum waarop u wilt beginnen." })]));
    }
    plan.forEach(function (item) {
      var key = item.policy + "#" + item.contract;
      var box = el("input", { type: "checkbox", id: "iw-pick-" + key.replace(/[^a-z0-9]/gi, "-"),
                              checked: self.chosen[key] ? "checked" : null,
                              onchange: function (e) { self.chosen[key] = e.target.checked; } });
      var block = el("article", { "class": "iw-plan-item iw-verdict--" + item.reach, "data-contract": item.contract }, [
        el("h3", { text: item.insurer_name + ": " + item.name + (item.tier ? " – " + item.tier : "") }),
        el("p", { "class": "iw-plan-reach", text: item.reach === "eligible" ? "U komt in aanmerking." :
          "Bijna: " + item.conditional.if.map(function (l) { return l.label.replace(/\.$/, ""); }).join("; ") + "." })]);
      var rows = item.deadlines.map(function (d) {
        return el("li", { "class": "iw-deadline" + (d.past ? " iw-past" : ""), "data-deadline": d.id, "data-date": d.date || "" }, [
          el("strong", { text: (d.date && d.relative ? dutchDate(d.date) + " (" + d.when + ")" : d.when) + ": " }), d.action,
          d.channel.length ? " – via " + d.channel.join(", ") : "", " (" + d.actor + ")",
          d.past ? el("span", { "class": "iw-past-label", text: " – verstreken" }) : null,
          d.relative && !d.date ? el("span", { text: " – vul uw gewenste ingangsdatum in" }) : null]);
      });
      block.appendChild(rows.length ? el("ul", { "class": "iw-deadlines" }, rows)
        : el("p", { text: "Het beleid noemt voor dit contractjaar geen deadlines bij deze overeenkomst." }));
      item.better.forEach(function (t) {
        block.appendChild(el("p", { "class": "iw-better" }, [el("strong", { text: "Voor " + t.name + " is nodig: " }),
          t.needed.map(function (l) { return l.label.replace(/\.$/, ""); }).join("; ") + "."]));
      });
      block.appendChild(el("p", {}, [el("label", { "for": box.id, "class": "iw-inline" }, [box, " In mijn agenda-bestand"])]));
      self.plan.appendChild(block);
    });
    this.plan.appendChild(el("p", { "class": "iw-plan-tools" }, [
      el("button", { type: "button", "class": "md-button md-button--primary", text: "Agenda-bestand downloaden (.ics)",
                     onclick: function () { self.calendar(); } })]));
    this.plan.appendChild(el("p", { "class": "iw-plan-note", text: "Het agenda-bestand bevat precies de deadlines van de " +
      "overeenkomsten die u aanvinkt, met dezelfde kenmerken als de openbare agenda's: abonneert u later, dan " +
      "staan ze er niet dubbel in." }));
    this.plan.appendChild(this.subscribeLinks(plan));
  };

  /* Subscribe to the public feed of each insurer for this care type: webcal, Google Agenda,
     Outlook, and the address to copy. A subscription follows every later change. */
  Checker.prototype.subscribeLinks = function (plan) {
    var self = this, seen = {}, items = [];
    var site = new URL(this.bundle.site_url || siteBase().href);
    plan.forEach(function (item) {
      if (seen[item.insurer] || !item.deadlines.some(function (d) { return !d.relative; })) return;  // a feed holds dated events only
      seen[item.insurer] = true;
      var feed = new URL("agenda/" + item.insurer + "/" + self.scope.care_type + ".ics", site).href;
      var webcal = feed.replace(/^https?:/, "webcal:");
      var name = "Inkoopwijzer – " + self.shortName(item.insurer) + " " +
                 (self.bundle.care_types[self.scope.care_type] || { name: "" }).name;
      items.push(el("li", { "data-feed": feed }, [
        el("strong", { text: self.shortName(item.insurer) + ": " }),
        el("a", { href: webcal, text: "abonneren" }), " · ",
        el("a", { href: "https://calendar.google.com/calendar/r?cid=" + encodeURIComponent(webcal),
                  rel: "noopener noreferrer external", text: "Google Agenda" }), " · ",
        el("a", { href: "https://outlook.live.com/calendar/0/addfromweb?url=" + encodeURIComponent(feed) +
                        "&name=" + encodeURIComponent(name), rel: "noopener noreferrer external", text: "Outlook" }),
        " · adres: ", el("code", { text: feed })]));
    });
    if (!items.length) return el("span");
    return el("div", { "class": "iw-subscribe" }, [el("p", { text: "Of abonneer op de openbare agenda van de verzekeraar:" }),
                                                   el("ul", {}, items)]);
  };

  Checker.prototype.calendar = function () {
    var selected = Object.keys(this.chosen || {}).filter(function (k) { return this.chosen[k]; }, this).map(function (k) {
      var parts = k.split("#");
      return { policy: parts[0], contract: parts[1] };
    });
    getWorker().postMessage({ type: "calendar", id: ++this.requestId, request: { selected: selected, year: this.scope.year,
                                                                                    anchors: this.anchors } });
  };

  Checker.prototype.download = function (text, name, type) {
    var a = el("a", { href: URL.createObjectURL(new Blob([text], { type: type })), download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  };

  Checker.prototype.openAll = function () {
    this.root.querySelectorAll(".iw-results details, .iw-plan details").forEach(function (d) { d.open = true; });
  };

  Checker.prototype.copyLink = function () {
    var status = this.status;
    if (navigator.clipboard) {
      navigator.clipboard.writeText(window.location.href).then(function () {
        status.textContent = "De link staat op het klembord. Hij bevat uw antwoorden (na de #), nooit verstuurd naar een server.";
      }, function () { status.textContent = "Kopieer het adres uit de adresbalk: het bevat uw antwoorden."; });
    } else {
      status.textContent = "Kopieer het adres uit de adresbalk: het bevat uw antwoorden.";
    }
  };

  /* ---------------- profile files */

  Checker.prototype.save = function () {
    this.download(JSON.stringify({ version: 3, facts: this.profile }, null, 2), "inkoopwijzer-profiel.json", "application/json");
  };

  Checker.prototype.load = function (file) {
    var self = this;
    if (!file) return;
    file.text().then(function (text) { self.parseProfile(text); })
      .catch(function () { self.status.textContent = "Dit bestand kon niet worden gelezen."; });
  };

  Checker.prototype.reset = function () {
    this.profile = {};
    this.skipped = [];
    this.current = null;
    this.chosen = null;
    this.evaluate();
    this.renderCard();
  };

  var current = null;

  /* Printing (Ctrl+P as well as the button) prints the whole result: every detail open. */
  window.addEventListener("beforeprint", function () { if (current) current.openAll(); });

  function init() {
    var root = document.getElementById("iw-checker");
    if (!root) return;
    var w = getWorker();  // start Pyodide at once (if the page head did not already)
    current = null;
    var queue = [];
    w.onmessage = function (e) { if (current) current.onMessage(e.data); else queue.push(e.data); };
    if (state.booted && state.booted.messages) {
      state.booted.messages.forEach(function (m) { queue.push(m); });
      state.booted.messages = null;
    }
    fetch(new URL("checker/bundle.json", siteBase()).href).then(function (r) { return r.json(); }).then(function (bundle) {
      var frag = readFragment(), start = startScope(bundle, frag.scope);
      if (!frag.profileText) loadFirstAnswer(start.care_type, start.year).catch(function () { /* shown when it comes */ });
      return loadMenu(start.care_type, start.year).then(function (menu) { return [bundle, menu]; });
    }).then(function (loaded) {
      current = new Checker(root, loaded[0], loaded[1]);
      queue.forEach(function (m) { current.onMessage(m); });
      queue = [];
    }).catch(function (err) {
      root.textContent = "De controle kon niet worden geladen: " + err;
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
