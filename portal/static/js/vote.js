// "Was this article helpful?" without a page reload; the forms work without it.
(function () {
  "use strict";
  var box = document.getElementById("feedback");
  if (!box || !window.fetch) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var status = box.querySelector(".vote-status");

  function stateOf(answer) {
    if (answer.vote === "yes") { return "yes"; }
    if (answer.vote === "no") { return answer.reason || answer.comment ? "no" : "reason"; }
    return "ask";
  }

  function show(state) {
    box.querySelectorAll("[data-state]").forEach(function (part) {
      part.hidden = part.dataset.state !== state;
    });
    box.setAttribute("aria-labelledby", "vote-heading-" + state);
    var heading = document.getElementById("vote-heading-" + state);
    // Moving focus makes screen readers read the new heading; the status line is for errors.
    status.textContent = "";
    if (state === "ask") {
      box.querySelector(".vote-buttons button").focus();
    } else {
      heading.focus();
    }
  }

  function send(form, submitter) {
    var data = new FormData(form);
    var payload = { vote: submitter && submitter.name === "vote" ? submitter.value : data.get("vote") };
    if (payload.vote === "no" && form.classList.contains("vote-reason")) {
      payload.reason = data.get("reason") || null;
      payload.comment = data.get("comment") || null;
    }
    return fetch(box.dataset.api, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  box.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    if (form.classList.contains("vote-reason") && !form.querySelector("input[name=reason]:checked") &&
        !form.querySelector("textarea[name=comment]").value.trim()) {
      status.textContent = box.dataset.missing;
      form.querySelector("input[name=reason]").focus();
      return;
    }
    send(form, event.submitter).then(function (answer) {
      if (answer.vote === null) { box.querySelectorAll("form").forEach(function (f) { f.reset(); }); }
      show(stateOf(answer));
    }).catch(function () {
      status.textContent = box.dataset.error;
    });
  });
})();
