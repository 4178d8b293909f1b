/* The map page: located events or stories from /api/map (same filters as the page's address), drawn as markers
   coloured by verdict or status, grouped on a screen grid when dense, over the shipped outlines (and tiles only
   when the option tile_url is set). The view (zoom and centre) is kept in the address's #map=Z/LAT/LON, so an
   address shared or bookmarked opens on the same view. Text from the data is only ever set with textContent. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var stateLine = document.getElementById("map-state");
  if (!el || !window.L) { return; }
  var C = window.claimwatchColours;
  var OWN = ["layer", "colour", "cursor", "limit", "by"];
  var CELL = 60;          /* grid cell in screen pixels: markers closer than this are grouped */
  var MAX_POINTS = 50000; /* features loaded at most */
  var layerName = el.dataset.layer === "stories" ? "stories" : "events";
  var colourBy = layerName === "stories" ? "verdict" : (el.dataset.colour === "status" ? "status" : "verdict");

  function say(text) { if (stateLine) { stateLine.textContent = text; } }

  function filterParams() {
    var params = new URLSearchParams(window.location.search);
    OWN.forEach(function (k) { params.delete(k); });
    return params;
  }

  var map = L.map(el, { zoomSnap: 0.5, keyboard: true, worldCopyJump: true, minZoom: 2, maxZoom: 14 });
  map.attributionControl.setPrefix("Leaflet");
  map.setView([48.6, 33.5], 5);
  map.createPane("outlines");
  map.getPane("outlines").style.zIndex = "250";
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 14, attribution: "tiles: the configured tile server" }).addTo(map);
  }
  var markers = L.layerGroup().addTo(map);
  var points = [];
  var truncated = false;

  function loadOutlines() {
    return fetch(el.dataset.outlines, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data || !Array.isArray(data.features)) { return; }
      var regions = data.features.filter(function (f) { return f.properties && f.properties.level === "region"; });
      el.dataset.countries = String(data.features.length - regions.length);
      el.dataset.regions = String(regions.length);
      L.geoJSON(data, {
        pane: "outlines", interactive: false, renderer: L.canvas({ pane: "outlines" }),
        style: function (f) {
          var region = f.properties && f.properties.level === "region";
          return { color: region ? "#8a9aa8" : "#3d4f60", weight: region ? 0.7 : 1.4,
                   fill: !region, fillColor: "#f3f1ea", fillOpacity: region ? 0 : 1 };
        }
      }).addTo(map);
    }).catch(function () { /* the map still works without outlines */ });
  }

  function add(p) {
    points.push({ lat: p.lat, lon: p.lon, p: p,
                  colour: colourBy === "status" ? C.status(p.claim_status) : C.verdict(p.verdict) });
  }

  /* the full GeoJSON of the API, page by page: the stories layer, and the public (coarsened) view */
  function loadPage(cursor) {
    var params = filterParams();
    params.set("layer", layerName);
    params.set("limit", "5000");
    if (cursor) { params.set("cursor", cursor); }
    return getJSON(el.dataset.api + "?" + params.toString()).then(function (collection) {
      collection.features.forEach(function (f) {
        var c = f.geometry && f.geometry.coordinates;
        if (!c || typeof c[0] !== "number" || typeof c[1] !== "number") { return; }
        var p = f.properties || {};
        p.lon = c[0];
        p.lat = c[1];
        add(p);
      });
      if (collection.next && points.length < MAX_POINTS) { return loadPage(collection.next); }
      return null;
    });
  }

  /* located events as short rows (one request, no claim text): details are fetched when a popup opens */
  function loadPoints() {
    return getJSON(el.dataset.points + "?" + filterParams().toString()).then(function (answer) {
      var at = {};
      answer.fields.forEach(function (name, i) { at[name] = i; });
      answer.points.forEach(function (row) {
        if (typeof row[at.lat] !== "number" || typeof row[at.lon] !== "number") { return; }
        add({ lat: row[at.lat], lon: row[at.lon], claim_id: row[at.claim], article_id: row[at.article],
              claim_index: row[at.index], event_index: row[at.event], claim_status: row[at.status],
              event_type: row[at.type], place: { name: row[at.place] }, date_start: row[at.date],
              story: row[at.story], verdict: row[at.verdict] });
      });
      truncated = answer.truncated;
    });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          throw new Error(body && body.error ? body.error : "HTTP " + r.status);
        });
      }
      return r.json();
    });
  }

  /* the claim behind an event point: its words, source and outlet, filled into an open popup */
  function details(p, into) {
    if (p.content !== undefined || !Number.isInteger(p.claim_id)) { return; }
    var line = text("p", "Loading the claim…", "muted");
    into.appendChild(line);
    getJSON("/api/claims/" + p.claim_id).then(function (claim) {
      p.content = claim.content ? claim.content.text : "";
      p.source = claim.source ? claim.source.text : null;
      p.outlet = claim.article ? claim.article.outlet : null;
      line.className = "";
      line.textContent = "“" + short(p.content, 220) + "”";
      line.parentNode.insertBefore(text("p", [p.source, p.outlet].filter(Boolean).join(" — "), "muted"),
                                   line.nextSibling);
    }).catch(function () { line.textContent = "The claim could not be loaded."; });
  }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value == null ? "" : String(value);
    if (className) { node.className = className; }
    return node;
  }

  function link(href, label) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    return a;
  }

  function short(value, n) {
    value = value == null ? "" : String(value);
    return value.length > n ? value.slice(0, n - 1) + "…" : value;
  }

  function storyLink(id) {
    return typeof id === "string" && /^[A-Za-z0-9_-]{1,32}$/.test(id) ? link("/stories/" + id, "Story") : null;
  }

  function popupFor(point) {
    var p = point.p;
    var box = document.createElement("div");
    box.className = "popup";
    var links = document.createElement("p");
    if (layerName === "stories") {
      box.appendChild(text("h3", (p.event && (p.event.type || p.event.family)) || "Story"));
      box.appendChild(text("p", [p.place && p.place.name, p.date && p.date.start].filter(Boolean).join(" · ")));
      box.appendChild(text("p", "Verdict: " + (p.verdict || "none"), "verdict"));
      box.appendChild(text("p", short(p.why, 200), "muted"));
      box.appendChild(text("p", (p.claims || 0) + " claims, " + (p.independent || 0) + " independent"));
    } else {
      box.appendChild(text("h3", [p.event_type, p.sub_type].filter(Boolean).join(": ") || "Event"));
      box.appendChild(text("p", [p.place && p.place.name, p.date_start].filter(Boolean).join(" · ")));
      box.appendChild(text("p", "Status: " + (p.claim_status || "?") + (p.verdict ? "; story: " + p.verdict : "")));
      if (p.content !== undefined) {
        box.appendChild(text("p", "“" + short(p.content, 220) + "”"));
        box.appendChild(text("p", [p.source, p.outlet].filter(Boolean).join(" — "), "muted"));
      } else {
        details(p, box);
      }
      if (Number.isInteger(p.article_id) && Number.isInteger(p.claim_index)) {
        links.appendChild(link("/articles/" + p.article_id + "#claim-" + p.claim_index, "Article"));
        links.appendChild(document.createTextNode(" "));
      }
    }
    var story = storyLink(p.story);
    if (story) { links.appendChild(story); }
    box.appendChild(links);
    return box;
  }

  function label(point) {
    var p = point.p;
    if (layerName === "stories") { return (p.verdict || "story") + (p.place ? ", " + p.place.name : ""); }
    return (p.event_type || "event") + (p.place ? ", " + p.place.name : "") + " (" + (p.claim_status || "?") + ")";
  }

  function single(point) {
    var dot = document.createElement("span");
    dot.className = "pt-dot";
    dot.style.backgroundColor = point.colour;
    var marker = L.marker([point.lat, point.lon], {
      icon: L.divIcon({ className: "pt", html: dot, iconSize: [16, 16] }), title: label(point), alt: label(point),
      keyboard: true, riseOnHover: true
    });
    marker.bindPopup(function () { return popupFor(point); });
    return marker;
  }

  /* the list page (claims, or stories) of the markers in ``bounds``: the page's filters and a bounding box */
  function listHref(bounds) {
    var b = bounds.pad(0.05);
    var edges = [Math.floor((b.getWest() - 0.01) * 1e4) / 1e4, Math.floor((b.getSouth() - 0.01) * 1e4) / 1e4,
                 Math.ceil((b.getEast() + 0.01) * 1e4) / 1e4, Math.ceil((b.getNorth() + 0.01) * 1e4) / 1e4];
    var params = filterParams();
    params.delete("public");
    params.set("bbox", edges.join(","));
    return (layerName === "stories" ? "/stories" : "/claims") + "?" + params.toString();
  }

  function clusterPopup(group, bounds) {
    var box = document.createElement("div");
    box.className = "popup";
    box.appendChild(text("h3", group.length + " at this place"));
    var list = document.createElement("ul");
    group.slice(0, 15).forEach(function (point) {
      var item = document.createElement("li");
      item.appendChild(popupFor(point));
      list.appendChild(item);
    });
    box.appendChild(list);
    var more = document.createElement("p");
    if (group.length > 15) { more.appendChild(document.createTextNode("… and " + (group.length - 15) + " more. ")); }
    var all = link(listHref(bounds), "All of them as a list");
    all.className = "cluster-list";
    more.appendChild(all);
    box.appendChild(more);
    return box;
  }

  /* a group's verdicts (or statuses), most frequent first: [[label, count], …] */
  function breakdown(group) {
    var counts = {};
    group.forEach(function (point) {
      var k = (colourBy === "status" ? point.p.claim_status : point.p.verdict) || "none";
      counts[k] = (counts[k] || 0) + 1;
    });
    return Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); })
      .map(function (k) { return [k, counts[k]]; });
  }

  function cluster(group) {
    var lat = 0, lon = 0;
    var bounds = L.latLngBounds([]);
    group.forEach(function (point) { lat += point.lat; lon += point.lon; bounds.extend([point.lat, point.lon]); });
    var size = group.length < 10 ? 28 : group.length < 100 ? 34 : group.length < 1000 ? 40 : 46;
    var parts = breakdown(group);
    var main = parts[0][0];
    var count = document.createElement("span");
    count.textContent = String(group.length);
    count.className = "cluster-count";
    count.dataset.main = main;
    count.style.setProperty("--ring", colourBy === "status" ? C.status(main) : C.verdict(main));
    var what = parts.slice(0, 4).map(function (p) { return p[1] + " " + p[0]; }).join(", ") +
      (parts.length > 4 ? ", …" : "");
    var marker = L.marker([lat / group.length, lon / group.length], {
      icon: L.divIcon({ className: "cluster-icon" + (group.length < 10 ? " small" : ""), html: count,
                        iconSize: [size, size] }),
      title: group.length + " markers here (" + what + "): select to zoom in", alt: group.length + " markers",
      keyboard: true
    });
    var samePlace = bounds.getNorthEast().equals(bounds.getSouthWest(), 1e-6);
    if (samePlace || map.getZoom() >= map.getMaxZoom()) {
      marker.bindPopup(function () { return clusterPopup(group, bounds); }, { maxHeight: 300 });
    } else {
      marker.on("click", function () { map.fitBounds(bounds.pad(0.3), { maxZoom: map.getZoom() + 3 }); });
    }
    return marker;
  }

  function redraw() {
    markers.clearLayers();
    var zoom = map.getZoom();
    var view = map.getBounds().pad(0.25);
    var cells = new Map();
    points.forEach(function (point) {
      if (!view.contains([point.lat, point.lon])) { return; }
      var at = map.project([point.lat, point.lon], zoom);
      var key = Math.floor(at.x / CELL) + ":" + Math.floor(at.y / CELL);
      var group = cells.get(key);
      if (group) { group.push(point); } else { cells.set(key, [point]); }
    });
    var drawn = 0, grouped = 0;
    cells.forEach(function (group) {
      markers.addLayer(group.length === 1 ? single(group[0]) : cluster(group));
      drawn += 1;
      if (group.length > 1) { grouped += 1; }
    });
    el.dataset.markers = String(drawn);
    el.dataset.clusters = String(grouped);
    el.dispatchEvent(new Event("redrawn"));
  }

  function legend() {
    var box = document.getElementById("legend");
    if (!box) { return; }
    box.textContent = "";
    box.appendChild(text("span", colourBy === "status" ? "Claim status:" : "Story verdict:"));
    var table = colourBy === "status" ? C.STATUS : C.VERDICT;
    Object.keys(table).forEach(function (k) { box.appendChild(C.swatch(table[k], k)); });
    box.appendChild(C.swatch("#7f8c8d", "none"));
  }

  /* the view in the address (#map=ZOOM/LAT/LON), so that a shared address opens where its sender looked */
  function viewInAddress() {
    var m = /^#map=(\d{1,2}(?:\.5)?)\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/.exec(window.location.hash);
    if (!m) { return null; }
    var zoom = Number(m[1]), lat = Number(m[2]), lon = Number(m[3]);
    return Math.abs(lat) <= 85 && Math.abs(lon) <= 180 ? { zoom: zoom, center: [lat, lon] } : null;
  }

  function keepView() {
    var c = map.getCenter();
    var hash = "#map=" + map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4);
    el.dataset.zoom = String(map.getZoom());
    if (window.location.hash !== hash) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
    }
  }

  legend();
  var usePoints = layerName === "events" && el.dataset.points && el.dataset.public !== "1";
  Promise.all([loadOutlines(), usePoints ? loadPoints() : loadPage(null)]).then(function () {
    el.dataset.features = String(points.length);
    var shared = viewInAddress();
    if (shared) { map.setView(shared.center, shared.zoom, { animate: false }); }
    if (points.length) {
      /* the view fits the markers of the region the base layer covers (a country's centre far away, such as
         Russia's in Siberia, would shrink everything else to a corner); the others are still drawn */
      var near = points.filter(function (p) { return p.lon >= 12 && p.lon <= 60 && p.lat >= 38 && p.lat <= 62; });
      var bounds = L.latLngBounds((near.length ? near : points).map(function (p) { return [p.lat, p.lon]; }));
      if (!shared) { map.fitBounds(bounds.pad(0.15), { maxZoom: 9, animate: false }); }
      say("Showing " + points.length + " located " + (layerName === "stories" ? "stories" : "events") +
          (truncated || points.length >= MAX_POINTS ? " (the newest " + points.length + ")" : "") + ".");
    } else {
      say(filterParams().toString() ? "Nothing located passes these filters: remove a filter or widen the dates."
                                    : "Nothing located yet: run claimwatch ingest examples/ (and claimwatch link), then reload.");
    }
    redraw();
    keepView();
    /* an open popup keeps its marker: a redraw (after the pan that shows the popup, say) would remove both,
       so it waits until the popup closes */
    var popupOpen = false, stale = false;
    map.on("popupopen", function () { popupOpen = true; });
    map.on("popupclose", function () {
      popupOpen = false;
      if (stale) { stale = false; redraw(); }
    });
    map.on("moveend zoomend", function () {
      if (popupOpen) { stale = true; } else { redraw(); }
    });
    map.on("moveend", keepView);
    el.dataset.state = "ready";
  }).catch(function (err) {
    say("The map could not load its data: " + err.message);
    el.dataset.state = "error";
  });
}());
