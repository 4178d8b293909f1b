/* Review forms (article and story pages): the analyst's token lives in this tab's sessionStorage (never a
   cookie); a correction is a PATCH to the JSON API with "Authorization: Bearer"; after it is stored the page
   reloads and shows it with who, when and why. */
(function () {
  "use strict";
  var KEY = "claimwatch-token";
  var tokenForm = document.getElementById("token-form");
  var tokenState = document.getElementById("token-state");

  function token() {
    try { return window.sessionStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }

  function showToken() {
    if (tokenState) {
      tokenState.textContent = token() ? "A token is set for this tab." : "No token set: corrections will be refused.";
    }
  }

  if (tokenForm) {
    tokenForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = tokenForm.elements.token.value.trim();
      try {
        if (value) { window.sessionStorage.setItem(KEY, value); }
      } catch (e) { /* storage off: the token is not kept */ }
      tokenForm.elements.token.value = "";
      showToken();
    });
    document.getElementById("token-forget").addEventListener("click", function () {
      try { window.sessionStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
      showToken();
    });
    showToken();
  }

  /* which value control a field uses: events.N.place -> place, source.actor -> actor, status -> status … */
  function controlOf(field) {
    if (field === "source.actor") { return "actor"; }
    var parts = field.split(".");
    return parts[parts.length - 1];
  }

  function showControl(form) {
    var wanted = form.dataset.kind === "story" ? form.elements.field.value : controlOf(form.elements.field.value);
    form.querySelectorAll(".field[data-for]").forEach(function (f) { f.hidden = f.dataset.for !== wanted; });
  }

  function valueOf(form) {
    var field = form.elements.field.value;
    var control = form.dataset.kind === "story" ? field : controlOf(field);
    var input = form.elements[control];
    if (!input) { return null; }
    if (control === "place") {
      var option = input.selectedOptions[0];
      return option && option.dataset.place ? JSON.parse(option.dataset.place) : null;
    }
    var value = input.value.trim();
    return value === "" ? null : value;
  }

  function send(form, stateLine) {
    var body = { field: form.elements.field.value, value: valueOf(form), why: form.elements.why.value };
    var headers = { "Content-Type": "application/json" };
    if (token()) { headers.Authorization = "Bearer " + token(); }
    stateLine.className = "review-state";
    stateLine.textContent = "Saving…";
    return fetch(form.dataset.target, { method: "PATCH", headers: headers, body: JSON.stringify(body),
                                        credentials: "omit" }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) {
        if (r.ok) {
          stateLine.textContent = "Saved.";
          var story = answer && answer.story && answer.story.id;
          if (form.dataset.kind === "story" && story && story !== form.dataset.target.split("/").pop()) {
            window.location.assign("/stories/" + encodeURIComponent(story));
          } else {
            window.location.reload();
          }
          return;
        }
        stateLine.className = "review-state error";
        stateLine.textContent = (r.status === 401 ? "Refused: set a valid analyst token above. " : "Refused: ") +
          (answer && answer.error ? answer.error : "HTTP " + r.status);
      });
    }).catch(function (err) {
      stateLine.className = "review-state error";
      stateLine.textContent = "Not sent: " + err.message;
    });
  }

  document.querySelectorAll("form.review").forEach(function (form) {
    var stateLine = form.querySelector(".review-state");
    form.elements.field.addEventListener("change", function () { showControl(form); });
    showControl(form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form, stateLine);
    });
  });
}());
