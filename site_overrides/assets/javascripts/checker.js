/* Inkoopwijzer checker: the form and the results; the engine runs in a Web Worker.
 *
 * The practice's answers never leave the browser: they live in the form, in the URL
 * fragment (never sent to a server) and, on request, in a downloaded JSON file.
 * The form is generated from the facts the selected policies actually test; a question
 * is shown only while it can still change a verdict (the engine reports which facts sit
 * in still-unknown criteria). Works with mkdocs-material's instant navigation.
 */
(function () {
  "use strict";

  var STATUS_TEXT = { "met": "voldaan", "not-met": "niet voldaan", "unknown": "onbekend" };
  var VERDICT_TEXT = { "eligible": "komt in aanmerking", "not-eligible": "komt niet in aanmerking",
                       "unknown": "nog onbekend" };
  var ICON = { "met": "✓", "not-met": "✗", "unknown": "?", "eligible": "✓", "not-eligible": "✗" };
  var pageStart = performance.now();
  var worker = null;
  var workerUrlBase = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), attrs[key]);
      else if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  function getWorker() {
    var base = siteBase().href;
    if (worker && workerUrlBase === base) return worker;
    worker = new Worker(new URL("assets/javascripts/checker-worker.mjs", base), { type: "module" });
    workerUrlBase = base;
    worker.postMessage({ type: "init", engineUrl: new URL("checker/engine.zip", base).href,
                         bundleUrl: new URL("checker/bundle.json", base).href });
    return worker;
  }

  /* ------------------------------------------------------------------ data helpers */

  var SUBJECT = { "practice": "de praktijk", "every-practitioner": "elke therapeut in de praktijk",
                  "some-practitioner": "ten minste één therapeut", "collaboration": "het samenwerkingsverband",
                  "organisation": "de organisatie", "location": "de locatie" };
  var FLAG_TEXT = { "inconsistency": "Tegenstrijdigheid in de bron", "ambiguity": "Onduidelijkheid in de bron",
                    "typo": "Verschrijving in de bron", "omission": "Ontbrekend gegeven in de bron",
                    "conflict": "Bronnen spreken elkaar tegen", "guideline": "Richtlijn, door de verzekeraar gewogen",
                    "incomplete": "Onvolledige lijst in de bron", "unconditioned": "Geen toetsbare voorwaarden",
                    "gap": "Gat in de tariefgroepen", "term-end-unknown": "Einddatum onbekend" };
  var SELECTIVE_TEXT = { "may-provide": "mag u leveren en declareren", "may-not-provide": "mag u niet leveren",
                         "unknown": "nog onbekend" };

  /* A question is one fact in one measurement year: "behandelindex@2022"; facts without a
     year have the plain id as key. */
  function questionKey(fact, year) { return year === undefined || year === null ? fact : fact + "@" + year; }

  function collectFacts(bundle, node, out, year) {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) { node.forEach(function (n) { collectFacts(bundle, n, out, year); }); return; }
    var nodeYear = node.year !== undefined ? node.year : year;
    ["fact", "position_fact"].forEach(function (key) {
      if (!node.kind || typeof node[key] !== "string") return;
      var fact = bundle.facts[node[key]];
      if (!fact) return;
      var y = fact.yearly ? nodeYear : null;
      if (fact.derived) {  // never asked: its parts are
        var d = fact.derived;
        [d.numerator, d.denominator].concat(d.of || []).forEach(function (part) {
          if (part) collectFacts(bundle, { kind: "is", fact: part, year: y }, out, y);
        });
        return;
      }
      out[questionKey(node[key], y)] = { fact: node[key], year: y };
      if (fact.absent_when) collectFacts(bundle, fact.absent_when, out, y);
    });
    Object.keys(node).forEach(function (key) {
      if (key !== "cite" && key !== "fact" && key !== "position_fact") collectFacts(bundle, node[key], out, nodeYear);
    });
  }

  function policiesInScope(bundle, scope) {
    return bundle.policies.filter(function (p) {
      return scope.insurers.indexOf(p.insurer) >= 0 && p.care_types.indexOf(scope.care_type) >= 0 &&
             p.contract_years.indexOf(scope.year) >= 0;
    });
  }

  function factsInScope(bundle, scope) {
    var out = {};
    policiesInScope(bundle, scope).forEach(function (p) {
      var ids = {};
      (p.contracts || []).forEach(function (c) {
        if (c.care_types.indexOf(scope.care_type) < 0) return;
        ids[c.id] = true;
        collectFacts(bundle, c.criterion, out);
        collectFacts(bundle, c.tiers, out);
        collectFacts(bundle, c.caps, out);
      });
      (p.requirements || []).forEach(function (r) {
        if (r.applies_to.indexOf("all") >= 0 || r.applies_to.some(function (id) { return ids[id]; })) {
          collectFacts(bundle, r.criterion, out);
        }
      });
      (p.selective_procurement || []).forEach(function (rule) {
        if (rule.care_types.indexOf(scope.care_type) >= 0) collectFacts(bundle, rule.requirement, out);
      });
    });
    return out;
  }

  function unknownFacts(answer) {
    var out = {};
    function walk(node) {
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (node.status === "unknown" && node.fact && !node.children) out[questionKey(node.fact, node.year)] = true;
      Object.keys(node).forEach(function (key) { walk(node[key]); });
    }
    walk(answer.insurers);
    return out;
  }

  /* ------------------------------------------------------------------ URL fragment */

  // The fragment is the visitor's (or whoever sent the link): the profile is read by the
  // engine's own strict reader in the worker (engine/profile.py, as the CLI does), the
  // selection only when it has exactly the expected shape.
  function readFragment() {
    var hash = window.location.hash.replace(/^#/, "");
    var params = new URLSearchParams(hash);
    var state = { profileText: params.get("profiel") || null, scope: null };
    try {
      if (params.get("selectie")) state.scope = validScope(JSON.parse(params.get("selectie")));
    } catch (e) { /* a damaged bookmark: the default selection */ }
    return state;
  }

  function validScope(scope) {
    if (!scope || typeof scope !== "object" || Array.isArray(scope)) return null;
    if (typeof scope.care_type !== "string" || !Number.isInteger(scope.year)) return null;
    if (!Array.isArray(scope.insurers) || !scope.insurers.every(function (i) { return typeof i === "string"; })) return null;
    return { care_type: scope.care_type, year: scope.year, insurers: scope.insurers.slice() };
  }

  function writeFragment(profile, scope) {
    var params = new URLSearchParams();
    params.set("selectie", JSON.stringify(scope));
    params.set("profiel", JSON.stringify(profile));
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search +
                                "#" + params.toString());
  }

  /* ------------------------------------------------------------------ the checker */

  function Checker(root, bundle) {
    this.root = root;
    this.bundle = bundle;
    this.requestId = 0;
    this.latest = 0;
    this.firstVerdictMs = null;
    this.fields = {};
    var state = readFragment();
    this.profile = {};
    this.scope = state.scope && this.bundle.policies.some(function (p) {
      return p.care_types.indexOf(state.scope.care_type) >= 0;
    }) ? state.scope : this.defaultScope();
    this.showAll = false;
    this.parseId = 0;
    // A profile in the fragment is parsed first; until then nothing is evaluated (which
    // would write the still-empty form back into the fragment).
    this.pending = Boolean(state.profileText);
    this.build();
    if (state.profileText) this.parse(state.profileText);
  }

  var MAX_PROFILE_CHARS = 1000000;

  Checker.prototype.parse = function (text) {
    if (text.length > MAX_PROFILE_CHARS) {
      this.pending = false;
      this.status.textContent = "Dit profiel is te groot om te lezen.";
      this.evaluate();
      return;
    }
    this.pending = true;
    this.parseId = ++this.requestId;
    getWorker().postMessage({ type: "parse", id: this.parseId, text: text });
  };

  Checker.prototype.parsed = function (msg) {
    if (msg.id !== this.parseId) return;
    this.pending = false;
    var result = JSON.parse(msg.result);
    if (result.error) {
      this.profile = {};
      this.notice = "Dit profiel kon niet worden gelezen: " + result.error.join("; ") + ".";
      this.status.textContent = this.notice;
    } else {
      this.profile = result.facts;
      this.notice = "";
    }
    this.buildForm();
    this.evaluate();
  };

  Checker.prototype.defaultScope = function () {
    var cts = {}, years = [];
    this.bundle.policies.forEach(function (p) {
      p.care_types.forEach(function (c) { cts[c] = true; });
    });
    var careType = cts.fysiotherapie ? "fysiotherapie" : Object.keys(cts).sort()[0];
    this.bundle.policies.forEach(function (p) {
      if (p.care_types.indexOf(careType) >= 0) years = years.concat(p.contract_years);
    });
    return { care_type: careType, year: Math.max.apply(null, years),
             insurers: Object.keys(this.bundle.insurers).sort() };
  };

  Checker.prototype.build = function () {
    var self = this;
    this.root.innerHTML = "";
    this.status = el("p", { "class": "iw-checker-status", role: "status", "aria-live": "polite",
                            text: "De rekenregels worden geladen…" });
    this.scopeBox = el("fieldset", { "class": "iw-scope" }, [el("legend", { text: "Wat wilt u controleren?" })]);
    this.form = el("form", { "class": "iw-checker-form", novalidate: "novalidate",
                             onsubmit: function (e) { e.preventDefault(); } });
    this.hiddenNote = el("p", { "class": "iw-hidden-note" });
    this.results = el("section", { "class": "iw-results", "aria-live": "polite", "aria-busy": "true",
                                   "aria-labelledby": "iw-results-title" },
                      [el("h2", { id: "iw-results-title", text: "Uitkomst" })]);
    this.resultsBody = el("div", { "class": "iw-results-body" });
    this.results.appendChild(this.resultsBody);
    var tools = el("div", { "class": "iw-profile-tools" }, [
      el("button", { type: "button", "class": "md-button", onclick: function () { self.save(); },
                     text: "Profiel opslaan (JSON)" }),
      el("label", { "class": "md-button", "for": "iw-profile-file" }, ["Profiel laden"]),
      el("input", { type: "file", id: "iw-profile-file", accept: "application/json,.json", "class": "iw-visually-hidden",
                    onchange: function (e) { self.load(e.target.files[0]); } }),
      el("button", { type: "button", "class": "md-button", onclick: function () { self.reset(); },
                     text: "Opnieuw beginnen" }),
    ]);
    this.root.appendChild(this.status);
    this.root.appendChild(this.scopeBox);
    this.root.appendChild(tools);
    this.root.appendChild(el("div", { "class": "iw-checker-grid" }, [
      el("div", {}, [this.form, this.hiddenNote]), this.results]));
    this.buildScope();
    this.buildForm();
    this.evaluate();
  };

  Checker.prototype.buildScope = function () {
    var self = this, b = this.bundle;
    var cts = {}, years = {};
    b.policies.forEach(function (p) {
      p.care_types.forEach(function (c) { cts[c] = true; });
      if (p.care_types.indexOf(self.scope.care_type) >= 0) p.contract_years.forEach(function (y) { years[y] = true; });
    });
    var ctSelect = el("select", { id: "iw-scope-care-type", onchange: function (e) {
      self.scope.care_type = e.target.value;
      var ys = [];
      b.policies.forEach(function (p) { if (p.care_types.indexOf(e.target.value) >= 0) ys = ys.concat(p.contract_years); });
      self.scope.year = Math.max.apply(null, ys);
      self.rebuild();
    } }, Object.keys(cts).sort().map(function (c) {
      return el("option", { value: c, selected: c === self.scope.care_type ? "selected" : null,
                            text: (b.care_types[c] || { name: c }).name });
    }));
    var yearSelect = el("select", { id: "iw-scope-year", onchange: function (e) {
      self.scope.year = parseInt(e.target.value, 10); self.rebuild();
    } }, Object.keys(years).sort().reverse().map(function (y) {
      return el("option", { value: y, selected: parseInt(y, 10) === self.scope.year ? "selected" : null, text: y });
    }));
    var insurerBoxes = Object.keys(b.insurers).sort().map(function (id) {
      var has = b.policies.some(function (p) { return p.insurer === id && p.care_types.indexOf(self.scope.care_type) >= 0 &&
                                                  p.contract_years.indexOf(self.scope.year) >= 0; });
      var box = el("input", { type: "checkbox", id: "iw-scope-insurer-" + id, value: id,
                              checked: self.scope.insurers.indexOf(id) >= 0 ? "checked" : null,
                              disabled: has ? null : "disabled",
                              onchange: function (e) {
                                var list = self.scope.insurers.filter(function (x) { return x !== id; });
                                if (e.target.checked) list.push(id);
                                self.scope.insurers = list.sort();
                                self.rebuild();
                              } });
      return el("label", { "for": "iw-scope-insurer-" + id, "class": "iw-inline" }, [box, " " + b.insurers[id].short_name +
                                                                                      (has ? "" : " (geen beleid)")]);
    });
    this.scopeBox.appendChild(el("label", { "for": "iw-scope-care-type" }, ["Zorgsoort "]));
    this.scopeBox.appendChild(ctSelect);
    this.scopeBox.appendChild(el("label", { "for": "iw-scope-year" }, [" Contractjaar "]));
    this.scopeBox.appendChild(yearSelect);
    this.scopeBox.appendChild(el("div", { "class": "iw-insurers", role: "group", "aria-label": "Verzekeraars" }, insurerBoxes));
  };

  Checker.prototype.rebuild = function () {
    this.scopeBox.innerHTML = "";
    this.scopeBox.appendChild(el("legend", { text: "Wat wilt u controleren?" }));
    this.buildScope();
    this.buildForm();
    this.evaluate();
  };

  Checker.prototype.buildForm = function () {
    var self = this, b = this.bundle;
    this.form.innerHTML = "";
    this.fields = {};
    var questions = factsInScope(b, this.scope);
    var keys = Object.keys(questions);
    var groups = {};
    keys.forEach(function (key) {
      var q = questions[key], fact = b.facts[q.fact];
      if (!fact) return;
      (groups[fact.group] = groups[fact.group] || []).push({ key: key, fact: fact, year: q.year });
    });
    Object.keys(groups).sort().forEach(function (group) {
      var fs = el("fieldset", { "class": "iw-group" }, [el("legend", { text: group })]);
      groups[group].sort(function (x, y) {
        return x.fact.label.localeCompare(y.fact.label, "nl") || (x.year || 0) - (y.year || 0);
      }).forEach(function (q) {
        var field = self.field(q.key, q.fact, q.year);
        self.fields[q.key] = field;
        fs.appendChild(field.wrapper);
      });
      self.form.appendChild(fs);
    });
    if (!keys.length) this.form.appendChild(el("p", { text: "Geen beleid binnen deze selectie." }));
  };

  /* The profile value of one question (a year's value for a yearly fact). */
  Checker.prototype.profileValue = function (fact, year) {
    var value = this.profile[fact.id];
    if (fact.yearly) return value && typeof value === "object" ? value[String(year)] : undefined;
    return value;
  };

  Checker.prototype.field = function (key, fact, year) {
    var self = this, id = "iw-fact-" + key.replace("@", "-"), helpId = id + "-help";
    var value = this.profileValue(fact, year);
    var input, until = null, absent = null;
    if (fact.type === "boolean" || fact.type === "enum") {
      var options = fact.type === "boolean"
        ? [{ value: "true", label: "Ja" }, { value: "false", label: "Nee" }]
        : fact.options;
      input = el("select", { id: id, name: key, "aria-describedby": fact.help ? helpId : null },
                 [el("option", { value: "", text: "— weet ik niet / nog niet ingevuld —" })].concat(options.map(function (o) {
                   return el("option", { value: o.value, text: o.label,
                                         selected: String(value) === String(o.value) ? "selected" : null });
                 })));
    } else if (fact.type === "held") {
      var held = value && typeof value === "object" ? value : {};
      input = el("input", { id: id, name: key, type: "date", value: held.since || null,
                            "aria-describedby": fact.help ? helpId : null });
      until = el("input", { id: id + "-until", name: key + "-until", type: "date", value: held.until || null });
    } else {
      input = el("input", { id: id, name: key, type: fact.type === "date" ? "date" : "number",
                            step: fact.type === "integer" ? "1" : "any", min: fact.min, max: fact.max,
                            inputmode: fact.type === "date" ? null : "decimal",
                            value: value === undefined || value === null || value === "absent" ? null : String(value),
                            "aria-describedby": fact.help ? helpId : null });
    }
    if (fact.absent || fact.type === "held") {
      absent = el("input", { type: "checkbox", id: id + "-absent", checked: value === "absent" ? "checked" : null });
    }
    var unit = fact.type === "money" ? " (€)" : fact.type === "percentage" ? " (%)" : fact.unit ? " (" + fact.unit + ")" : "";
    var label = fact.label + (year ? " over " + year : "") + unit + (fact.type === "held" ? " – sinds" : "");
    var who = fact.subject && fact.subject !== "practice" ? "Over " + SUBJECT[fact.subject] + ". " : "";
    var wrapper = el("div", { "class": "iw-field", "data-fact": key }, [
      el("label", { "for": id, text: label }), input,
      until ? el("label", { "for": id + "-until", "class": "iw-until", text: "tot en met (leeg: nog geldig)" }) : null, until,
      absent ? el("label", { "for": id + "-absent", "class": "iw-inline iw-absent" },
                  [absent, " " + (fact.absent || "Nooit gehad")]) : null,
      (fact.help || who) ? el("small", { id: helpId, "class": "iw-help", text: who + (fact.help || "") }) : null,
    ]);
    [input, until, absent].forEach(function (control) {
      if (control) control.addEventListener(control.tagName === "SELECT" || control.type === "checkbox" ? "change" : "input",
                                            function () { self.changed(); });
    });
    return { fact: fact, year: year, input: input, until: until, absent: absent, wrapper: wrapper };
  };

  Checker.prototype.read = function () {
    var profile = {};
    Object.keys(this.fields).forEach(function (key) {
      var f = this.fields[key], raw = f.input.value, value;
      if (f.absent && f.absent.checked) value = "absent";
      else if (raw === "" || raw === null) return;
      else if (f.fact.type === "boolean") value = raw === "true";
      else if (f.fact.type === "enum" || f.fact.type === "date") value = raw;
      else if (f.fact.type === "held") value = f.until && f.until.value ? { since: raw, until: f.until.value } : { since: raw };
      else if (!isNaN(parseFloat(raw))) value = f.fact.type === "integer" ? Math.round(parseFloat(raw)) : parseFloat(raw);
      else return;
      if (f.fact.yearly) {
        profile[f.fact.id] = profile[f.fact.id] || {};
        profile[f.fact.id][String(f.year)] = value;
      } else {
        profile[f.fact.id] = value;
      }
    }, this);
    return profile;
  };

  Checker.prototype.changed = function () {
    var self = this;
    this.notice = "";
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.evaluate(); }, 60);
  };

  Checker.prototype.evaluate = function () {
    var self = this;
    if (this.pending) return;
    var fromForm = this.read();
    // keep answers for facts (and years) outside the current form (another care type) in the profile
    var asked = {};
    Object.keys(this.fields).forEach(function (key) { asked[self.fields[key].fact.id] = true; });
    Object.keys(this.profile).forEach(function (k) {
      var old = self.profile[k], fact = self.bundle.facts[k];
      if (!asked[k]) { fromForm[k] = old; return; }
      if (fact && fact.yearly && old && typeof old === "object") {
        Object.keys(old).forEach(function (y) {
          if (!(questionKey(k, y) in self.fields)) { fromForm[k] = fromForm[k] || {}; fromForm[k][y] = old[y]; }
        });
      }
    });
    this.profile = fromForm;
    writeFragment(this.profile, this.scope);
    var id = ++this.requestId;
    var known = {};
    Object.keys(this.profile).forEach(function (k) { if (k in self.bundle.facts) known[k] = self.profile[k]; });
    this.sentAt = performance.now();
    getWorker().postMessage({ type: "evaluate", id: id, request: {
      profile: { facts: known }, insurers: this.scope.insurers, care_types: [this.scope.care_type], year: this.scope.year } });
  };

  Checker.prototype.onMessage = function (msg) {
    if (msg.type === "progress") {
      if (msg.step !== "ready") this.status.textContent = "Bezig met laden: " + msg.detail + "…";
      return;
    }
    if (msg.type === "ready") {
      this.workerTiming = { workerReadyMs: msg.ms, pyodideMs: msg.pyodideMs, runtime: msg.runtime,
                            workerStartedMs: msg.startedAt - performance.timeOrigin };
      return;
    }
    if (msg.type === "error") {
      this.status.textContent = "De rekenregels konden niet worden geladen: " + msg.message;
      return;
    }
    if (msg.type === "parsed") {
      this.parsed(msg);
      return;
    }
    if (msg.type !== "result" || msg.id !== this.requestId) return;
    var answer = JSON.parse(msg.answer);
    if (this.firstVerdictMs === null) {
      this.firstVerdictMs = performance.now() - pageStart;
    }
    window.__iwChecker = Object.assign({ firstVerdictMs: this.firstVerdictMs, lastEvaluationMs: msg.ms,
                                         roundTripMs: performance.now() - this.sentAt, requests: this.requestId },
                                       this.workerTiming || {});
    this.status.textContent = (this.notice ? this.notice + " " : "") +
      "Uitkomst bijgewerkt. Uw gegevens blijven in deze browser.";
    this.render(answer);
  };

  Checker.prototype.render = function (answer) {
    var self = this;
    this.results.setAttribute("aria-busy", "false");
    this.resultsBody.innerHTML = "";
    if (answer.error) {
      this.resultsBody.appendChild(el("p", { "class": "iw-error", text: answer.error.join("; ") }));
      return;
    }
    var open = unknownFacts(answer);
    var hidden = 0;
    Object.keys(this.fields).forEach(function (id) {
      var f = self.fields[id];
      var answered = f.input.value !== "" || (f.absent && f.absent.checked);
      var show = self.showAll || answered || open[id];
      f.wrapper.hidden = !show;
      if (!show) hidden += 1;
    });
    this.hiddenNote.innerHTML = "";
    if (hidden) {
      this.hiddenNote.appendChild(document.createTextNode(hidden + " vraag/vragen verborgen: ze veranderen de uitkomst niet meer. "));
      this.hiddenNote.appendChild(el("button", { type: "button", "class": "iw-link-button", text: "Toon alle vragen",
                                                 onclick: function () { self.showAll = true; self.evaluate(); } }));
    }
    (answer.warnings || []).forEach(function (w) {
      self.resultsBody.appendChild(el("p", { "class": "iw-warning", role: "note" },
                                         [el("strong", { text: "Controleer uw antwoorden: " }), w.text]));
    });
    if (!answer.insurers.length) {
      this.resultsBody.appendChild(el("p", { text: "Geen beleid binnen deze selectie." }));
    }
    answer.insurers.forEach(function (ins) {
      var section = el("article", { "class": "iw-insurer", "data-insurer": ins.insurer },
                       [el("h3", { text: ins.name })]);
      ins.best.forEach(function (best) {
        section.appendChild(el("p", { "class": "iw-best" }, [
          el("strong", { text: "Beste haalbare: " }), best.name + " – " + best.tier_name,
          best.maybe_better.length ? " (mogelijk beter als nog onbekende vragen gunstig uitvallen)" : ""]));
      });
      ins.policies.forEach(function (pol) {
        section.appendChild(el("p", { "class": "iw-policy", text: pol.title +
          (pol.completeness === "partial" ? " (gedeeltelijk bekend)" : "") }));
        var list = el("ul", { "class": "iw-contracts" });
        pol.contracts.forEach(function (c) { list.appendChild(self.contract(c)); });
        section.appendChild(list);
        if (pol.selective && pol.selective.length) {
          section.appendChild(el("h4", { text: "Selectieve inkoop: welke zorg mag u leveren?" }));
          var rules = el("ul", { "class": "iw-selective" });
          pol.selective.forEach(function (rule) { rules.appendChild(self.selectiveRule(rule)); });
          section.appendChild(rules);
        }
      });
      self.resultsBody.appendChild(section);
    });
  };

  Checker.prototype.contract = function (c) {
    var self = this;
    var li = el("li", { "class": "iw-contract iw-verdict--" + c.verdict, "data-contract": c.contract,
                        "data-verdict": c.verdict }, [
      el("span", { "class": "iw-verdict", "aria-hidden": "true", text: ICON[c.verdict] + " " }),
      el("strong", { text: c.name }), ": " + VERDICT_TEXT[c.verdict] +
        (c.best_tier_name ? " – " + c.best_tier_name :
         (c.exhaustive && c.verdict === "eligible" ? " – welke variant hangt af van nog open vragen" : ""))]);
    (c.flags || []).forEach(function (f) { li.appendChild(self.flagEl(f)); });
    (c.limitations || []).forEach(function (item) {
      if (item.status === "met") return;
      li.appendChild(el("p", { "class": "iw-limitation", "data-status": item.status }, [
        el("strong", { text: (item.status === "not-met" ? "Beperking: " : "Mogelijke beperking: ") }),
        item.title + (item.consequence_text ? " – " + item.consequence_text : "")]));
    });
    (c.tariff_effects || []).forEach(function (item) {
      if (item.status === "met") return;
      li.appendChild(el("p", { "class": "iw-limitation" }, [el("strong", { text: "Tarief: " }),
        item.title + (item.consequence_text ? " – " + item.consequence_text : "")]));
    });
    if (c.expectations && c.expectations.length) {
      li.appendChild(el("p", { "class": "iw-expectation", text: "Verwachtingen zonder gevolg voor de overeenkomst: " +
        c.expectations.map(function (e) { return e.title; }).join("; ") + "." }));
    }
    if (c.unconditioned) {
      li.appendChild(el("p", { "class": "iw-unconditioned",
                               text: "Het beleid noemt hiervoor geen voorwaarden die te toetsen zijn." }));
    }
    var why = el("details", { "class": "iw-why" }, [el("summary", { text: "Waarom" })]);
    var tree = el("ul", { "class": "iw-tree" });
    c.requirements.forEach(function (r) { tree.appendChild(self.node(r.result, r.title)); });
    if (c.criterion) tree.appendChild(self.node(c.criterion, "Voorwaarden"));
    c.tiers.forEach(function (t) {
      var tierLi = el("li", { "data-tier": t.tier, "data-verdict": t.verdict }, [
        el("span", { "aria-hidden": "true", text: ICON[t.verdict] + " " }), el("strong", { text: t.name }),
        ": " + VERDICT_TEXT[t.verdict]]);
      if (t.criterion) tierLi.appendChild(el("ul", {}, [self.node(t.criterion)]));
      t.notes.forEach(function (n) { tierLi.appendChild(self.noteEl(n)); });
      tree.appendChild(tierLi);
    });
    c.notes.forEach(function (n) { tree.appendChild(el("li", {}, [self.noteEl(n)])); });
    why.appendChild(tree);
    li.appendChild(why);
    var needed = [];
    c.tiers.forEach(function (t) { if (t.needed.length) needed.push({ title: t.name, leaves: t.needed }); });
    if (c.needed.length) needed.push({ title: c.name, leaves: c.needed });
    if (needed.length) {
      var need = el("details", { "class": "iw-needed" }, [el("summary", { text: "Wat is er nodig" })]);
      needed.forEach(function (n) {
        need.appendChild(el("p", {}, [el("strong", { text: n.title + ": " })]));
        need.appendChild(el("ul", {}, n.leaves.map(function (leaf) {
          return el("li", {}, [leaf.label + (leaf.status === "unknown" ? " (nog niet ingevuld of nog niet bekend)" : ""),
                               self.citeEl(leaf.cite)]);
        })));
      });
      li.appendChild(need);
    }
    return li;
  };

  Checker.prototype.selectiveRule = function (rule) {
    var self = this;
    var li = el("li", { "class": "iw-contract iw-verdict--" + rule.verdict, "data-rule": rule.rule,
                        "data-verdict": rule.verdict }, [
      el("span", { "class": "iw-verdict", "aria-hidden": "true", text: ICON[rule.verdict === "may-provide" ? "met" :
                                                                         rule.verdict === "may-not-provide" ? "not-met" : "unknown"] + " " }),
      el("strong", { text: rule.condition }), ": " + SELECTIVE_TEXT[rule.verdict] +
        (rule.via ? " (via " + rule.via.name + ")" : ""), self.citeEl(rule.cite)]);
    (rule.flags || []).forEach(function (f) { li.appendChild(self.flagEl(f)); });
    if (rule.needed.length) {
      li.appendChild(el("ul", { "class": "iw-needed-list" }, rule.needed.map(function (leaf) {
        return el("li", {}, ["Nodig: " + leaf.label + (leaf.status === "unknown" ? " (nog niet ingevuld of nog niet bekend)" : ""),
                             self.citeEl(leaf.cite)]);
      })));
    }
    return li;
  };

  Checker.prototype.flagEl = function (flag) {
    return el("p", { "class": "iw-flag iw-flag--" + flag.kind, "data-flag": flag.id || flag.kind }, [
      el("strong", { text: (FLAG_TEXT[flag.kind] || "Let op") + ": " }), flag.text]);
  };

  function answerText(v) {
    if (v === true) return "ja";
    if (v === false) return "nee";
    if (v === "absent") return "bestaat niet";
    if (v && typeof v === "object" && v.since) return "sinds " + v.since + (v.until ? " tot en met " + v.until : "");
    return String(v);
  }

  Checker.prototype.node = function (n, title) {
    var self = this;
    var value = "";
    if (!n.children && n.value !== undefined) {
      value = n.value === null ? " (uw antwoord: niet ingevuld)" : " (uw antwoord: " + answerText(n.value) + ")";
    }
    if (n.guideline) {
      value += n.guideline === "met" ? " – u voldoet aan deze richtlijn; de verzekeraar weegt haar af" :
               n.guideline === "not-met" ? " – u voldoet niet aan deze richtlijn; de verzekeraar weegt haar af" : "";
    }
    var li = el("li", { "data-status": n.status }, [
      el("span", { "class": "iw-status iw-status--" + n.status, text: ICON[n.status] + " " }),
      el("span", { "class": "iw-visually-hidden", text: STATUS_TEXT[n.status] + ": " }),
      (title ? title + ": " : "") + n.label + value, self.citeEl(n.cite)]);
    if (n.note) li.appendChild(self.noteEl(n.note));
    if (n.children) li.appendChild(el("ul", {}, n.children.map(function (c) { return self.node(c); })));
    return li;
  };

  Checker.prototype.citeEl = function (cite) {
    if (!cite) return null;
    return el("small", { "class": "iw-cite" }, [" Bron: ", el("a", { href: cite.url, rel: "noopener noreferrer external",
                                                                      text: cite.title }), ", § " + cite.section]);
  };

  Checker.prototype.noteEl = function (note) {
    return el("p", { "class": "iw-source-note" }, [el("strong", { text: "Let op, bron onduidelijk: " }),
                                                   note.text + " Aangehouden: " + note.kept]);
  };

  Checker.prototype.save = function () {
    var data = JSON.stringify({ version: 1, facts: this.profile }, null, 2);
    var a = el("a", { href: URL.createObjectURL(new Blob([data], { type: "application/json" })),
                      download: "inkoopwijzer-profiel.json" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  };

  Checker.prototype.load = function (file) {
    var self = this;
    if (!file) return;
    if (file.size > MAX_PROFILE_CHARS) {
      self.status.textContent = "Dit bestand is te groot voor een Inkoopwijzer-profiel.";
      return;
    }
    file.text().then(function (text) {
      self.parse(text);  // the engine's strict reader, in the worker
    }).catch(function () {
      self.status.textContent = "Dit bestand is geen geldig Inkoopwijzer-profiel.";
    });
  };

  Checker.prototype.reset = function () {
    this.profile = {};
    this.showAll = false;
    this.buildForm();
    this.evaluate();
  };

  var current = null;

  function init() {
    var root = document.getElementById("iw-checker");
    if (!root) return;
    var w = getWorker();  // start Pyodide at once, before the first answer
    current = null;
    w.onmessage = function (e) { if (current) current.onMessage(e.data); };
    fetch(new URL("checker/bundle.json", siteBase()).href).then(function (r) { return r.json(); }).then(function (bundle) {
      current = new Checker(root, bundle);
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
