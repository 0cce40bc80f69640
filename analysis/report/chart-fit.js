// Charts that fit the column they are drawn in (the report's HTML; never the PDF, whose PNGs keep
// the sizes the chart builders set). Loaded once per page after Vega; every chart calls
// bostonChart(selector, spec, options) instead of vegaEmbed.
//
// A chart is drawn as built. When its SVG is wider than its container (a phone: about 360 px),
// it is drawn again from a narrowed copy of its spec, at most a few times:
//  - side-by-side panels (hconcat: the summary, M&A, the cluster dot plot, outcome panels) stack
//    (vconcat), each stacked panel shows its own row labels, and all take the column's width with
//    their plots in one left edge (a quantitative y axis gets the same room in every panel); a
//    subtitle that says where a panel is ("왼쪽부터 …") is replaced by the wording the chart carries
//    for the panels stacked (usermeta.boston.stackedSubtitle: "위부터 …");
//  - every width is reduced by what overflowed, never below MIN_WIDTH;
//  - long axis labels are cut at AXIS_LABEL_LIMIT (the full text stays in the tooltip);
//  - the title and subtitle wrap into lines that fit (measured in the chart's font).
// When the container grows again (a rotated phone), the chart is drawn from its original spec.
// The container is marked data-boston-fit="done" when the last drawing has finished, so the
// output check knows when to measure.
(function () {
  "use strict";
  var MIN_WIDTH = 120;
  var AXIS_LABEL_LIMIT = 110;
  // Room for a stacked panel's y axis: numeric labels ("120,000") and the rotated title.
  var STACKED_AXIS_EXTENT = 48;
  var STACKED_AXIS_ROOM = 80;
  var MAX_ATTEMPTS = 4;
  var canvas = document.createElement("canvas");

  function textWidth(text, px, font, weight) {
    var ctx = canvas.getContext("2d");
    ctx.font = (weight || "normal") + " " + px + "px " + JSON.stringify(font || "sans-serif");
    return ctx.measureText(text).width;
  }

  // Lines of at most `limit` px: break at spaces, and inside a word only when one word is longer.
  function wrap(text, limit, px, font, weight) {
    var words = String(text).split(" ");
    var lines = [];
    var line = "";
    words.forEach(function (word) {
      var candidate = line ? line + " " + word : word;
      if (!line || textWidth(candidate, px, font, weight) <= limit) {
        line = candidate;
      } else {
        lines.push(line);
        line = word;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  function flat(text) {
    return Array.isArray(text) ? text.join(" ") : String(text);
  }

  function wrapTitle(spec, limit) {
    var cfg = (spec.config && spec.config.title) || {};
    var font = cfg.font || (spec.config && spec.config.font);
    var title = spec.title;
    if (!title) return;
    if (typeof title === "string" || Array.isArray(title)) title = { text: title };
    // Vega draws titles bold and subtitles in the normal weight.
    title.text = wrap(flat(title.text), limit, title.fontSize || cfg.fontSize || 13, font, "bold");
    if (title.subtitle) {
      title.subtitle = wrap(flat(title.subtitle), limit, title.subtitleFontSize || cfg.subtitleFontSize || 12, font);
    }
    spec.title = title;
  }

  function eachView(spec, fn) {
    fn(spec);
    ["hconcat", "vconcat", "concat", "layer"].forEach(function (key) {
      (spec[key] || []).forEach(function (part) { eachView(part, fn); });
    });
  }

  function stack(s, available) {
    s.vconcat = s.hconcat;
    delete s.hconcat;
    var stackedSubtitle = s.usermeta && s.usermeta.boston && s.usermeta.boston.stackedSubtitle;
    if (stackedSubtitle && s.title && typeof s.title === "object" && s.title.subtitle) s.title.subtitle = stackedSubtitle;
    s.vconcat.forEach(function (panel) {
      if (typeof panel.width === "number") panel.width = Math.max(MIN_WIDTH, available - STACKED_AXIS_ROOM);
      eachView(panel, function (view) {
        var y = view.encoding && view.encoding.y;
        if (!y) return;
        if (y.axis && y.axis.labels === false) {
          y.axis.labels = true;
          y.axis.ticks = true;
        }
        // The same room for every panel's numbers, so that the plots share their left edge.
        if (y.type === "quantitative" && y.axis !== null) {
          y.axis = y.axis || {};
          y.axis.minExtent = Math.max(y.axis.minExtent || 0, STACKED_AXIS_EXTENT);
        }
      });
    });
  }

  function narrowed(spec, overflow, available) {
    var s = JSON.parse(JSON.stringify(spec));
    // Side by side panels stack and take the column's width; what overflows after is cut below.
    var stacking = Boolean(s.hconcat);
    if (stacking) stack(s, available);
    eachView(s, function (view) {
      if (typeof view.width === "number" && !(stacking && s.vconcat.indexOf(view) >= 0)) {
        view.width = Math.max(MIN_WIDTH, Math.min(view.width - overflow, available - 60));
      }
      ["x", "y"].forEach(function (channel) {
        var enc = view.encoding && view.encoding[channel];
        if (enc && enc.axis && enc.axis.labelLimit > AXIS_LABEL_LIMIT) enc.axis.labelLimit = AXIS_LABEL_LIMIT;
      });
      // Legends: one entry per line, labels no wider than the column.
      Object.keys(view.encoding || {}).forEach(function (channel) {
        var legend = view.encoding[channel] && view.encoding[channel].legend;
        if (legend) {
          legend.columns = 1;
          legend.labelLimit = Math.min(legend.labelLimit || 200, available - 60);
        }
      });
      if (view.config && view.config.legend) view.config.legend.columns = 1;
    });
    wrapTitle(s, available - 10);
    return s;
  }

  function svgWidth(el) {
    var svg = el.querySelector("svg");
    return svg ? svg.getBoundingClientRect().width : 0;
  }

  function draw(el, spec, options) {
    el.setAttribute("data-boston-fit", "drawing");
    // vega-embed makes its container an inline block as wide as the chart; the column is what counts.
    el.style.display = "block";
    var available = el.clientWidth;
    var attempt = 0;
    var current = spec;
    function once() {
      return vegaEmbed(el, current, options).then(function (result) {
        var overflow = svgWidth(el) - available;
        if (overflow <= 1 || attempt >= MAX_ATTEMPTS) return result;
        attempt += 1;
        result.finalize();
        current = narrowed(current, overflow, available);
        return once();
      });
    }
    return once().then(function (result) {
      // The drawn chart (its Vega view and compiled spec), for the output check that reads back
      // what every chart draws (analysis/checks/chart-read.js).
      el.bostonResult = result;
      el.setAttribute("data-boston-fit", "done");
      el.setAttribute("data-boston-fit-attempts", String(attempt));
      return result;
    });
  }

  window.bostonChart = function (selector, spec, options) {
    var el = document.querySelector(selector);
    var drawnAt = el.clientWidth;
    var view = draw(el, spec, options).catch(function (err) { el.setAttribute("data-boston-fit", "failed"); console.error(err); });
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (Math.abs(el.clientWidth - drawnAt) < 24) return;
        drawnAt = el.clientWidth;
        view.then(function (result) { if (result) result.finalize(); });
        view = draw(el, spec, options).catch(console.error);
      }, 200);
    });
    return view;
  };
})();
