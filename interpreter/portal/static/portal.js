// Live verdicts on the pledge form: while the official types, the pledge is checked through the
// API (POST /api/v1/pledges/check, debounced) and the verdicts panel is redrawn from the
// ammr-check/1 result. Everything shown is set as text, never as markup. Without JavaScript the
// form's "Check" and "Submit" buttons do the same on the server.
(function () {
  "use strict";
  var form = document.getElementById("pledge-form");
  var target = document.getElementById("panel");
  if (!form || !target || !window.fetch) { return; }
  var MARKS = {compliant: "\u2714", non_compliant: "\u2718", insufficient_information: "?",
               needs_assessment: "\u2696", not_applicable: "\u2013"};
  var NAMES = {compliant: "compliant", non_compliant: "non-compliant",
               insufficient_information: "insufficient information", needs_assessment: "needs assessment",
               not_applicable: "not applicable"};
  var timer = null;
  var sent = 0;

  function value(name) {
    var input = form.elements[name];
    return input ? input.value : "";
  }

  // The same reading of a typed figure as the server's (pages.py, _figure).
  function figure(text) {
    var compact = text.replace(/[\s\u00a0\u202f_]/g, "");
    return /^[0-9]+$/.test(compact) ? parseInt(compact, 10) : compact;
  }

  // The same document as the server builds from the form (pages.py, pledge_document).
  function pledgeDocument() {
    var pledge = {};
    ["relocations", "financial_contributions"].forEach(function (name) {
      if (value(name).trim()) { pledge[name] = figure(value(name)); }
    });
    var measures = [];
    var count = parseInt(value("measures"), 10) || 0;
    for (var i = 0; i < count; i++) {
      var description = value("measure-" + i + "-description");
      var amount = value("measure-" + i + "-value");
      if (description.trim() || amount.trim()) {
        var measure = {description: description.trim()};
        if (amount.trim()) { measure.financial_value = figure(amount); }
        measures.push(measure);
      }
    }
    if (measures.length) { pledge.alternative_measures = measures; }
    var doc = {document: "MemberStatePledge", member_state: form.dataset.memberState,
               pool_year: figure(value("pool_year")), pledge: pledge};
    if (value("made_on").trim()) { doc.made_on = value("made_on").trim(); }
    return doc;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function lawQuote(c) {
    var quote = el("blockquote", "law");
    quote.setAttribute("cite", c.eur_lex);
    var cite = el("p", "cite");
    cite.appendChild(el("strong", "", c.full));
    if (c.article_title) { cite.appendChild(el("span", "article-title", " \u2014 " + c.article_title)); }
    quote.appendChild(cite);
    if (c.lead_in) { quote.appendChild(el("p", "lead-in", c.lead_in)); }
    quote.appendChild(el("p", "", c.text));
    return quote;
  }

  // The same figures as the server shows (pages.py, fair_share).
  var FIGURES = [["share", "Share by the reference key"], ["fair_share_value", "Mandatory fair share, value"],
                 ["pledge_value_in_reference", "Pledge, value"]];

  function fairShare(outcomes) {
    var found = {};
    outcomes.forEach(function (o) {
      o.values.forEach(function (v) {
        var name = v.label.split("(")[0];
        if (!found[name]) { found[name] = v; }
      });
    });
    var rows = FIGURES.filter(function (f) { return found[f[0]]; });
    if (!rows.length) { return null; }
    var table = el("table", "fair");
    table.id = "fair-share";
    table.appendChild(el("caption", "", "The fair share, as the verdicts measure the pledge (Art. 57(3), Art. 66, Annex I)"));
    var body = el("tbody");
    rows.forEach(function (f) {
      var v = found[f[0]];
      var tr = el("tr");
      var th = el("th", "", f[1]);
      th.setAttribute("scope", "row");
      tr.appendChild(th);
      tr.appendChild(el("td", "amount", v.shown));
      var where = el("td");
      where.appendChild(el("code", "", v.label));
      where.appendChild(el("span", "cites", " " + v.citations.join(", ")));
      tr.appendChild(where);
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }

  var ORDER = ["non_compliant", "insufficient_information", "needs_assessment", "compliant"];

  // The verdicts on the pledge itself, failing first (pages.py, panel).
  function ownOutcomes(data, label) {
    return data.outcomes.filter(function (o) {
      return o.document === label && ORDER.indexOf(o.verdict) >= 0;
    }).sort(function (a, b) { return ORDER.indexOf(a.verdict) - ORDER.indexOf(b.verdict); });
  }

  function showResult(data, label) {
    var mine = ownOutcomes(data, label);
    var verdict = mine.length ? mine[0].verdict : "compliant";
    var out = document.createDocumentFragment();
    var overall = el("p", "overall verdict-" + verdict);
    overall.id = "overall";
    overall.appendChild(el("span", "mark", MARKS[verdict]));
    overall.appendChild(document.createTextNode(" Overall: "));
    overall.appendChild(el("strong", "", NAMES[verdict]));
    out.appendChild(overall);
    var fair = fairShare(mine);
    if (fair) { out.appendChild(fair); }
    mine.forEach(function (o) {
      var article = el("article", "outcome verdict-" + o.verdict);
      var h3 = el("h3");
      h3.appendChild(el("span", "mark", MARKS[o.verdict]));
      h3.appendChild(document.createTextNode(" " + o.title));
      if (o.instance) { h3.appendChild(el("span", "instance", " [" + o.instance + "]")); }
      article.appendChild(h3);
      var meta = el("p", "meta");
      meta.appendChild(el("span", "badge verdict-" + o.verdict, NAMES[o.verdict]));
      meta.appendChild(document.createTextNode(" " + (o.citations.length ? o.citations[0].short : "")));
      article.appendChild(meta);
      if (o.citations.length) { article.appendChild(lawQuote(o.citations[0])); }
      article.appendChild(el("p", "reason", o.reason));
      if (o.remedy) {
        var remedy = el("p", "remedy");
        remedy.appendChild(el("strong", "", "Remedy:"));
        remedy.appendChild(document.createTextNode(" " + o.remedy.summary));
        article.appendChild(remedy);
      }
      out.appendChild(article);
    });
    return out;
  }

  function showErrors(messages) {
    var box = el("div", "problem");
    box.setAttribute("role", "alert");
    var p = el("p");
    p.appendChild(el("strong", "", "The pledge cannot be checked as entered:"));
    box.appendChild(p);
    var list = el("ul", "errors");
    messages.forEach(function (m) { list.appendChild(el("li", "", m)); });
    box.appendChild(list);
    return box;
  }

  function replace(node) {
    while (target.firstChild) { target.removeChild(target.firstChild); }
    target.appendChild(node);
  }

  function check() {
    var mine = ++sent;
    var doc = pledgeDocument();
    // The name the server gives a pledge in a check (checking.py, pledge_label).
    var label = "pledges/" + doc.member_state + "-" + doc.pool_year + ".json";
    fetch("/api/v1/pledges/check?pool=false", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf},
      body: JSON.stringify({document: doc})
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (answer) {
      if (mine !== sent) { return; }              // a later check is on its way: show only the latest
      if (answer.status === 200) {
        replace(showResult(answer.body, label));
      } else if (answer.body.errors) {
        replace(showErrors(answer.body.errors.map(function (e) { return e.message + (e.hint ? " \u2014 " + e.hint : ""); })));
      } else if (answer.body.error) {
        replace(showErrors([answer.body.error.message]));
      }
    }).catch(function () { /* offline or stopped: the buttons still work */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
}());
