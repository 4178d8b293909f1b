/* Colours of verdicts, statuses, event types and sides: one place for the map, the timeline and legends. */
(function () {
  "use strict";
  var VERDICT = {
    "claimed by one side only": "#e67e22", "single source": "#f1c40f", "corroborated": "#27ae60",
    "contested": "#8e44ad", "officially confirmed": "#1e8449", "denied": "#c0392b", "retracted": "#7f1d1d",
    "unverified": "#95a5a6"
  };
  var STATUS = {
    "asserted": "#2e86c1", "claimed": "#e67e22", "hedged": "#f1c40f", "unconfirmed": "#95a5a6",
    "denied": "#c0392b", "confirmed": "#1e8449", "retracted": "#7f1d1d"
  };
  var PALETTE = ["#2e86c1", "#c0392b", "#27ae60", "#e67e22", "#8e44ad", "#16a085", "#d35400", "#2c3e50",
                 "#f1c40f", "#7f8c8d", "#1abc9c", "#9b59b6"];
  var SIDE = { "russia": "#c0392b", "ukraine": "#2e86c1" };
  function pick(table, key) {
    if (key && Object.prototype.hasOwnProperty.call(table, key)) { return table[key]; }
    return "#7f8c8d";
  }
  function cycled(keys) {
    var out = {};
    keys.forEach(function (k, i) { out[k] = SIDE[k] || PALETTE[i % PALETTE.length]; });
    return out;
  }
  function swatch(colour, label) {
    var item = document.createElement("span");
    var dot = document.createElement("span");
    dot.className = "swatch";
    dot.style.backgroundColor = colour;
    item.appendChild(dot);
    item.appendChild(document.createTextNode(label));
    return item;
  }
  window.claimwatchColours = {
    verdict: function (v) { return pick(VERDICT, v); },
    status: function (s) { return pick(STATUS, s); },
    VERDICT: VERDICT, STATUS: STATUS, cycled: cycled, swatch: swatch
  };
}());
