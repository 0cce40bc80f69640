// What a screen reader and a keyboard meet on the page, beyond what axe-core checks: read in the page
// by analysis/checks/accessibility.py once its charts are drawn. Returns plain JSON:
//
//   {lang, skip: {text, href, target} | null, headings: [{level, text}],
//    tables: [{where, caption, headers, rows, name}], charts: [{figure, element, role, name, title,
//    description, tables: [{caption, columns, rows}]}], tips: [{text, tip, role, same}],
//    duplicateIds: [id], passages: [{lang, text, where}]}
(function () {
  "use strict";
  var HANGUL = /[\uac00-\ud7a3]/;
  var LATIN_WORD = /[A-Za-z]{2,}/g;

  function text(el) {
    return (el ? el.textContent : "").replace(/\s+/g, " ").trim();
  }

  function where(el) {
    var f = el.closest("[id]");
    return f ? f.id : el.tagName.toLowerCase();
  }

  // The first focusable element of the page, if it is a link: the skip link, whose target must be
  // the page's main content (the <main> element, or an element holding it).
  function skipLink() {
    var first = document.querySelector("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])");
    if (!first || first.tagName !== "A") return null;
    var href = first.getAttribute("href") || "";
    var target = href.charAt(0) === "#" && href.length > 1 ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
    var main = document.querySelector("main, [role='main']");
    return {text: text(first), href: href, target: Boolean(target),
            main: Boolean(target && main && (target === main || target.contains(main)))};
  }

  function headings() {
    return Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role='heading']")).filter(function (h) {
      return !h.closest("[hidden], [aria-hidden='true']");
    }).map(function (h) {
      var level = h.getAttribute("aria-level") || h.tagName.slice(1);
      return {level: parseInt(level, 10), text: text(h).slice(0, 80)};
    });
  }

  function tableName(t) {
    if (t.caption && text(t.caption)) return text(t.caption);
    if (t.getAttribute("aria-label")) return t.getAttribute("aria-label");
    var by = t.getAttribute("aria-labelledby");
    if (by) return by.split(/\s+/).map(function (id) { return text(document.getElementById(id)); }).join(" ").trim();
    // A table Quarto captions: the figure around it, its caption the figcaption.
    var figure = t.closest("figure");
    var caption = figure && figure.querySelector("figcaption");
    return caption ? text(caption) : "";
  }

  function tables() {
    return Array.from(document.querySelectorAll("table")).map(function (t) {
      var headers = t.querySelectorAll("th").length;
      return {where: where(t), caption: t.caption ? text(t.caption) : "", headers: headers, rows: t.rows.length, name: tableName(t),
              layout: t.getAttribute("role") === "presentation" || t.getAttribute("role") === "none"};
    });
  }

  function chartTitle(el) {
    var spec = el.bostonResult && el.bostonResult.spec;
    var title = spec && spec.title;
    if (!title) return "";
    var t = typeof title === "object" && !Array.isArray(title) ? title.text : title;
    return Array.isArray(t) ? t.join(" ") : String(t || "");
  }

  function readTable(t) {
    var columns = Array.from(t.querySelectorAll("thead th")).map(text);
    var rows = Array.from(t.querySelectorAll("tbody tr")).map(function (tr) { return Array.from(tr.children).map(text); });
    return {caption: t.caption ? text(t.caption) : "", columns: columns, rows: rows,
            rowHeaders: Array.from(t.querySelectorAll("tbody tr")).every(function (tr) {
              return tr.firstElementChild && tr.firstElementChild.tagName === "TH" && tr.firstElementChild.getAttribute("scope") === "row";
            })};
  }

  function charts() {
    return Array.from(document.querySelectorAll(".boston-chart")).map(function (el) {
      var figure = el.closest("[id^='fig-']");
      var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      var described = ids.map(function (id) { return document.getElementById(id); }).filter(Boolean);
      var details = el.parentElement ? el.parentElement.querySelector("details.chart-data") : null;
      return {figure: figure ? figure.id : null, element: el.id, role: el.getAttribute("role"), name: el.getAttribute("aria-label") || "",
              title: chartTitle(el), description: described.map(text).join(" "), describedby: ids.length, found: described.length,
              tables: details ? Array.from(details.querySelectorAll("table")).map(readTable) : []};
    });
  }

  // Provenance tooltips: the link is described by its tooltip (one element with that id, role tooltip).
  function tips() {
    return Array.from(document.querySelectorAll("a.prov")).map(function (a) {
      var id = a.getAttribute("aria-describedby");
      var tip = id ? document.getElementById(id) : null;
      return {text: text(a).slice(0, 40), tip: id || null, role: tip ? tip.getAttribute("role") : null, inside: Boolean(tip && a.contains(tip)),
              filled: Boolean(tip && text(tip))};
    });
  }

  function duplicateIds() {
    var seen = {}, out = [];
    Array.from(document.querySelectorAll("[id]")).forEach(function (el) {
      if (seen[el.id] && out.indexOf(el.id) < 0) out.push(el.id);
      seen[el.id] = true;
    });
    return out;
  }

  // Runs of text in the other language than the one they are marked with: four or more Latin words
  // and no Hangul where the language is Korean, Hangul where it is English (the element's own text,
  // its nearest [lang]). Scripts, styles, code and the charts' drawings are not prose.
  function passages() {
    var out = [];
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
    var node;
    while ((node = walker.nextNode())) {
      if (node.closest("script, style, svg, pre, code, .boston-chart, [aria-hidden='true']")) continue;
      var own = Array.from(node.childNodes).filter(function (c) { return c.nodeType === 3; }).map(function (c) { return c.data; }).join(" ");
      own = own.replace(/\s+/g, " ").trim();
      if (!own) continue;
      var scope = node.closest("[lang]");
      var lang = scope ? scope.getAttribute("lang").toLowerCase().split("-")[0] : "";
      var latin = (own.match(LATIN_WORD) || []).length;
      if (lang === "ko" && latin >= 4 && !HANGUL.test(text(node))) out.push({lang: lang, text: own.slice(0, 80), where: where(node)});
      else if (lang === "en" && HANGUL.test(own)) out.push({lang: lang, text: own.slice(0, 80), where: where(node)});
    }
    return out;
  }

  window.bostonA11y = function () {
    return {lang: document.documentElement.getAttribute("lang"), skip: skipLink(), headings: headings(), tables: tables(),
            charts: charts(), tips: tips(), duplicateIds: duplicateIds(), passages: passages()};
  };
})();
