// Reads back what every chart on the page actually draws, through the chart's own scales.
// Evaluated in the page by analysis/checks/browser.py once every chart reports data-boston-fit="done";
// it needs nothing from the page but the vega-embed result that chart-fit.js keeps on each chart's
// element (el.bostonResult: the View and the compiled Vega spec). Returns plain JSON:
//
//   [{figure, element, width, title: [lines], subtitle: [lines], panels: [{name, title, box}],
//     marks: [{figure-relative data mark: kind, name, panel, series, shape, x, y, px, clip}],
//     axes: [{scale, orient, labels: [{text, box}]}], legends: [{title, entries: [{label, symbol}]}]}]
//
// A position on a scaled channel comes back in data units: {cat, sub} on a band or point scale (the
// band the mark's centre falls in, and the offset band inside it), {lo, hi, tol} on a continuous
// scale (inverted through the scale; tol is half a pixel in data units at that place). Nothing is
// read from the chart's data: the values come from where the marks are drawn.
(function () {
  "use strict";
  var CONTINUOUS = {linear: 1, log: 1, pow: 1, sqrt: 1, symlog: 1, time: 1, utc: 1, sequential: 1};

  function specMarks(vg) {
    var byName = {};
    (function walk(marks) {
      (marks || []).forEach(function (m) {
        if (m.name) byName[m.name] = m;
        if (m.marks) walk(m.marks);
      });
    })(vg.marks);
    return byName;
  }

  // The scale a channel of a mark's encoding uses (its last production rule: the default).
  function rule(enc, channel) {
    var e = enc && enc[channel];
    if (!e) return null;
    return Array.isArray(e) ? e[e.length - 1] : e;
  }

  function scale(view, name) {
    if (!name) return null;
    try { return view.scale(name); } catch (err) { return null; }
  }

  function number(v) {
    return v instanceof Date ? v.getTime() : +v;
  }

  // A continuous position: the pixel interval [a, b] in data units, with half a pixel's tolerance.
  function invert(s, a, b) {
    var lo = number(s.invert(Math.min(a, b)));
    var hi = number(s.invert(Math.max(a, b)));
    var mid = (a + b) / 2;
    var tol = Math.abs(number(s.invert(mid + 0.5)) - number(s.invert(mid - 0.5))) / 2 || 0;
    if (lo > hi) { var t = lo; lo = hi; hi = t; }
    return {lo: lo, hi: hi, tol: tol};
  }

  // Which band (and which offset band inside it) a pixel position falls in.
  function band(s, px, offset) {
    var domain = s.domain();
    var width = s.bandwidth ? s.bandwidth() : 0;
    var step = s.step ? s.step() : width;
    var best = null;
    domain.forEach(function (d) {
      var start = s(d);
      if (width > 0) {
        if (px >= start - 0.5 && px <= start + width + 0.5) best = d;
      } else if (Math.abs(px - start) <= Math.max(step / 2, 0.5) && (best === null || Math.abs(px - start) < Math.abs(px - s(best)))) {
        best = d;
      }
    });
    var out = {cat: best === null ? null : String(best)};
    if (offset && best !== null) {
      var inner = band(offset, px - s(best), null);
      out.sub = inner.cat;
    }
    return out;
  }

  function position(view, enc, axis, a, b) {
    var r = rule(enc, axis);
    var s = r && scale(view, r.scale);
    if (!s) return null;
    if (CONTINUOUS[s.type]) return invert(s, a, b);
    var off = r.offset && r.offset.scale ? scale(view, r.offset.scale) : null;
    // A band position is read at the mark's centre (a bar fills its band; a point sits in it).
    return band(s, (a + b) / 2, off);
  }

  function hex(color) {
    if (!color || typeof color !== "string") return null;
    var c = color.trim().toLowerCase();
    if (/^#[0-9a-f]{3}$/.test(c)) c = "#" + c[1] + c[1] + c[2] + c[2] + c[3] + c[3];
    return c;
  }

  // A mark's series: the colour legend entry its colour stands for (fill, else stroke), or null
  // when the colour is not on a scale.
  function series(view, enc, item) {
    var missing = null;
    var channels = ["fill", "stroke"];
    for (var i = 0; i < channels.length; i++) {
      var r = rule(enc, channels[i]);
      var s = r && scale(view, r.scale);
      if (!s || !s.domain || !s.range) continue;
      var drawn = hex(item[channels[i]]);
      var at = s.range().map(hex).indexOf(drawn);
      // A conditional fill (a hollow point) may leave the legend colour to the stroke.
      if (at >= 0) return String(s.domain()[at]);
      missing = missing || "(colour " + drawn + " not in the legend)";
    }
    return missing;
  }

  function shape(view, enc, item) {
    var r = rule(enc, "shape");
    var s = r && scale(view, r.scale);
    if (!s || !s.domain) return null;
    var at = s.range().indexOf(item.shape);
    return at >= 0 ? String(s.domain()[at]) : null;
  }

  function box(b, dx, dy) {
    return b ? {x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy} : null;
  }

  function texts(item) {
    var t = item.text;
    return Array.isArray(t) ? t.map(String) : t == null ? [] : [String(t)];
  }

  function readChart(el) {
    var result = el.bostonResult;
    var figure = el.closest("[id^='fig-']");
    var out = {figure: figure ? figure.id : null, element: el.id, width: el.clientWidth, title: [], subtitle: [],
               panels: [], marks: [], axes: [], legends: [], error: null};
    if (!result || !result.view) {
      out.error = "the chart kept no Vega view (chart-fit.js did not finish drawing it)";
      return out;
    }
    var view = result.view;
    var specs = specMarks(result.vgSpec || {});

    // dx, dy: the group's origin in chart coordinates; panel: the index of the top-level view it
    // belongs to (a concatenated chart's panels, in order), clip: the group's plot area.
    function walk(mark, dx, dy, panel, area) {
      (mark.items || []).forEach(function (item) {
        if (mark.marktype === "group") {
          var gx = dx + (item.x || 0), gy = dy + (item.y || 0);
          // A concatenated chart's panels (hconcat/vconcat); a line's per-series path group is not one.
          var isPanel = panel === null && /^concat_\d+_group$/.test(mark.name || "");
          var p = panel;
          var a = area;
          if (isPanel) {
            p = out.panels.length;
            out.panels.push({name: mark.name, title: null, box: {x1: gx, y1: gy, x2: gx + (item.width || 0), y2: gy + (item.height || 0)}});
          }
          if (mark.role === "scope" || mark.role === "frame") {
            a = {x1: gx, y1: gy, x2: gx + (item.width || 0), y2: gy + (item.height || 0)};
          }
          if (mark.role === "axis") {
            var ax = {panel: p, orient: item.orient || (item.datum && item.datum.orient) || null, labels: []};
            (item.items || []).forEach(function (m) {
              if (m.role === "axis-label") {
                (m.items || []).forEach(function (lab) {
                  ax.labels.push({text: texts(lab).join(" "), box: box(lab.bounds, gx, gy), opacity: lab.opacity == null ? 1 : lab.opacity});
                });
              }
            });
            out.axes.push(ax);
            return;
          }
          if (mark.role === "legend") {
            readLegend(item, p);
            return;
          }
          if (mark.role === "title") {
            (item.items || []).forEach(function (m) {
              (m.items || []).forEach(function (t) {
                var lines = texts(t);
                if (m.role === "title-text") {
                  if (panel === null && p === null) out.title = lines; else if (p !== null && out.panels[p]) out.panels[p].title = lines.join(" ");
                } else if (m.role === "title-subtitle") {
                  if (p === null) out.subtitle = lines;
                }
              });
            });
            return;
          }
          (item.items || []).forEach(function (child) { walk(child, gx, gy, p, a); });
          return;
        }
        if (mark.role !== "mark") return;
        readItem(mark, item, dx, dy, panel, area);
      });
    }

    function readLegend(item, panel) {
      var legend = {panel: panel, title: null, entries: []};
      (function find(node) {
        (node.items || []).forEach(function (child) {
          if (child.role === "legend-title") (child.items || []).forEach(function (t) { legend.title = texts(t).join(" "); });
          if (child.role === "legend-entry" || child.role === "legend-band" || child.role === "legend-gradient") {
            (child.items || []).forEach(function (entryGroup) { readEntries(entryGroup, legend); });
            return;
          }
          if (child.items) find(child);
        });
      })(item);
      out.legends.push(legend);
    }

    function readEntries(node, legend) {
      // legend-entry group -> per entry: a group holding a legend-symbol and a legend-label.
      (node.items || []).forEach(function (m) {
        (m.items || []).forEach(function (entry) {
          var symbol = null, label = null;
          (entry.items || []).forEach(function (part) {
            (part.items || []).forEach(function (it) {
              if (part.role === "legend-symbol") {
                symbol = {shape: it.shape, size: it.size, fill: it.fill || null, stroke: it.stroke || null,
                          strokeWidth: it.strokeWidth == null ? 1 : it.strokeWidth,
                          opacity: it.opacity == null ? 1 : it.opacity,
                          fillOpacity: it.fillOpacity == null ? 1 : it.fillOpacity,
                          strokeOpacity: it.strokeOpacity == null ? 1 : it.strokeOpacity};
              } else if (part.role === "legend-label") {
                label = texts(it).join(" ");
              }
            });
          });
          if (label !== null || symbol !== null) legend.entries.push({label: label, symbol: symbol});
        });
      });
    }

    function readItem(mark, item, dx, dy, panel, area) {
      if (item.defined === false) return;  // a break in a line: no vertex is drawn there
      var spec = specs[mark.name] || {};
      var enc = (spec.encode && spec.encode.update) || {};
      var kind = mark.marktype;
      var x1, x2, y1, y2;
      if (kind === "rect") {
        x1 = item.x; x2 = item.x + (item.width || 0); y1 = item.y; y2 = item.y + (item.height || 0);
      } else if (kind === "rule") {
        x1 = item.x; x2 = item.x2 == null ? item.x : item.x2; y1 = item.y; y2 = item.y2 == null ? item.y : item.y2;
      } else {
        x1 = x2 = item.x; y1 = y2 = item.y;
      }
      var rec = {kind: kind, name: mark.name, panel: panel === null ? 0 : panel,
                 series: series(view, enc, item), shape: shape(view, enc, item),
                 x: position(view, enc, "x", x1, x2), y: position(view, enc, "y", y1, y2),
                 text: kind === "text" ? texts(item).join(" ") : null,
                 box: box(item.bounds, dx, dy), area: area,
                 px: {x1: x1 + dx, x2: x2 + dx, y1: y1 + dy, y2: y2 + dy}};
      out.marks.push(rec);
    }

    try {
      walk(view.scenegraph().root, 0, 0, null, null);
    } catch (err) {
      out.error = "reading the scene failed: " + err;
    }
    if (!out.panels.length) {
      var root = view.scenegraph().root.items[0] || {};
      out.panels.push({name: "root", title: null, box: {x1: 0, y1: 0, x2: root.width || 0, y2: root.height || 0}});
    }
    return out;
  }

  window.bostonReadCharts = function () {
    return Array.from(document.querySelectorAll(".boston-chart")).map(readChart);
  };
})();
