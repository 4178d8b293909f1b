/* The article page: the claim named in the address (#claim-N) has every piece of its evidence outlined, and
   its correction form is shown. */
(function () {
  "use strict";
  function focus() {
    document.querySelectorAll(".hl.focused").forEach(function (n) { n.classList.remove("focused"); });
    var match = /^#claim-(\d+)$/.exec(window.location.hash);
    if (!match) { return; }
    document.querySelectorAll(".hl[data-claims]").forEach(function (n) {
      if (n.dataset.claims.split(" ").indexOf(match[1]) >= 0) { n.classList.add("focused"); }
    });
    var card = document.getElementById("claim-card-" + match[1]);
    if (card) { card.classList.add("current"); }
  }
  window.addEventListener("hashchange", focus);
  focus();
}());
