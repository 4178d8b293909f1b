/* The timeline chart (the timeline page, and the strip above the map and the lists): claims per day from
   /api/timeline (the page's filters, over the whole period) as stacked bars by event type or side; dragging
   across the chart sets the range (since/until of the form #range) and reloads the page, whose map, list and
   links then follow the range. The date inputs do the same from the keyboard. */
(function () {
  "use strict";
  var box = document.getElementById("chart");
  var form = document.getElementById("range");
  if (!box || !form) { return; }
  var C = window.claimwatchColours;
  var SVG = "http://www.w3.org/2000/svg";
  var OWN = ["layer", "colour", "cursor", "limit", "by", "since", "until"];
  var by = box.dataset.by === "side" ? "side" : "type";
  var W = 1000, H = box.classList.contains("compact") ? 90 : 260, LEFT = 40, BOTTOM = 24, TOP = 10;

  function node(tag, attrs, parent) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, String(attrs[k])); });
    if (parent) { parent.appendChild(n); }
    return n;
  }

  function dayList(first, last) {
    var out = [];
    var d = new Date(first + "T00:00:00Z");
    var end = new Date(last + "T00:00:00Z");
    for (var i = 0; d <= end && i < 4000; i += 1) {
      out.push(d.toISOString().slice(0, 10));
      d = new Date(d.getTime() + 86400000);
    }
    return out;
  }

  function draw(data) {
    var days = data.days || [];
    box.textContent = "";
    if (!days.length) {
      var empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = "No dated claims pass these filters: run claimwatch ingest examples/ or remove a filter.";
      box.appendChild(empty);
      box.dataset.state = "empty";
      return;
    }
    var all = dayList(days[0].date, days[days.length - 1].date);
    var byDay = {};
    days.forEach(function (d) { byDay[d.date] = d; });
    var keys = [];
    days.forEach(function (d) {
      (by === "side" ? d.by_side : d.by_type).forEach(function (r) {
        var k = (by === "side" ? r.side : r.type) || "none";
        if (keys.indexOf(k) < 0) { keys.push(k); }
      });
    });
    keys.sort();
    var colour = C.cycled(keys);
    colour.none = "#bdc3c7";
    var max = Math.max.apply(null, days.map(function (d) {
      var rows = by === "side" ? d.by_side : d.by_type;
      return Math.max(d.claims, rows.reduce(function (s, r) { return s + r.claims; }, 0));
    }));
    var svg = node("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none", "aria-hidden": "true" }, box);
    var step = (W - LEFT) / all.length;
    var scale = (H - BOTTOM - TOP) / Math.max(1, max);
    node("line", { x1: LEFT, y1: H - BOTTOM, x2: W, y2: H - BOTTOM, stroke: "#888" }, svg);
    var top = node("text", { x: 2, y: TOP + 10, "font-size": 11, fill: "#555" }, svg);
    top.textContent = String(max);
    all.forEach(function (day, i) {
      var d = byDay[day];
      var x = LEFT + i * step;
      if (d) {
        var y = H - BOTTOM;
        (by === "side" ? d.by_side : d.by_type).forEach(function (r) {
          var k = (by === "side" ? r.side : r.type) || "none";
          var h = r.claims * scale;
          y -= h;
          var bar = node("rect", { x: x + step * 0.1, y: y, width: Math.max(1, step * 0.8), height: h, fill: colour[k],
                                   "class": "bar", "data-day": day }, svg);
          node("title", {}, bar).textContent = day + ": " + r.claims + " " + k;
        });
      }
      var every = Math.max(1, Math.ceil(all.length / 10));
      if (i % every === 0) {
        var t = node("text", { x: x, y: H - 6, "font-size": 11, fill: "#555" }, svg);
        t.textContent = day.slice(5);
      }
    });
    var since = form.elements.since.value, until = form.elements.until.value;
    var selection = node("rect", { "class": "selection", x: 0, y: TOP, width: 0, height: H - BOTTOM - TOP }, svg);
    function mark(a, b) {
      var i = all.indexOf(a), j = all.indexOf(b);
      if (i < 0 || j < 0) { selection.setAttribute("width", "0"); return; }
      selection.setAttribute("x", String(LEFT + Math.min(i, j) * step));
      selection.setAttribute("width", String((Math.abs(j - i) + 1) * step));
    }
    if (since || until) { mark(since && all.indexOf(since) >= 0 ? since : all[0], until && all.indexOf(until) >= 0 ? until : all[all.length - 1]); }
    function dayAt(event) {
      var rect = svg.getBoundingClientRect();
      var x = (event.clientX - rect.left) / rect.width * W;
      var i = Math.floor((x - LEFT) / step);
      return all[Math.max(0, Math.min(all.length - 1, i))];
    }
    var start = null;
    svg.addEventListener("pointerdown", function (event) {
      start = dayAt(event);
      svg.setPointerCapture(event.pointerId);
      mark(start, start);
    });
    svg.addEventListener("pointermove", function (event) { if (start) { mark(start, dayAt(event)); } });
    svg.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var end = dayAt(event);
      var pair = [start, end].sort();
      start = null;
      form.elements.since.value = pair[0];
      form.elements.until.value = pair[1];
      form.submit();
    });
    var legend = document.getElementById("chart-legend");
    if (legend) {
      legend.textContent = "";
      keys.forEach(function (k) { legend.appendChild(C.swatch(colour[k], k)); });
    }
    box.dataset.days = String(days.length);
    box.dataset.state = "ready";
  }

  var params = new URLSearchParams(window.location.search);
  OWN.forEach(function (k) { params.delete(k); });
  fetch(box.dataset.api + "?" + params.toString(), { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) { throw new Error("HTTP " + r.status); }
    return r.json();
  }).then(draw).catch(function (err) {
    box.textContent = "The chart could not load: " + err.message;
    box.dataset.state = "error";
  });
}());
