// As a customer (or a dispatcher on the phone) describes a problem, say at once when it
// sounds like danger: the box a sent form would show, in short. Pages work without it.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var boxes = document.querySelectorAll("[data-triage-for]");

  function render(box, answer) {
    box.textContent = "";
    box.className = "safety-live";
    if (!answer || (answer.level === "normal" && !answer.possible)) { return; }
    // A danger the text only denies is asked about: the same advice under a question.
    box.className = "safety-live safety safety-" + (answer.possible ? "possible" : answer.level);
    var title = document.createElement("p");
    title.className = "safety-title";
    title.textContent = answer.title;
    var advice = document.createElement("p");
    advice.textContent = answer.advice;
    box.appendChild(title);
    box.appendChild(advice);
    if (answer.phone) {
      var call = document.createElement("p");
      call.textContent = box.dataset.callLabel + " ";
      var link = document.createElement("a");
      link.className = "number";
      link.href = "tel:" + answer.phone.replace(/[^\d+]/g, "");
      link.textContent = answer.phone;
      call.appendChild(link);
      box.appendChild(call);
    }
    var more = document.createElement("a");
    more.href = box.dataset.more;
    more.textContent = box.dataset.moreLabel;
    box.appendChild(more);
  }

  Array.prototype.forEach.call(boxes, function (box) {
    var fields = box.dataset.triageFor.split(",").map(function (id) {
      return document.getElementById(id);
    }).filter(Boolean);
    var timer = null;
    var latest = 0;

    function check() {
      var text = fields.map(function (field) { return field.value.trim(); })
        .filter(Boolean).join(": ").slice(0, 2000);
      if (text.length < 3) { render(box, null); return; }
      var ticket = ++latest;
      var url = box.dataset.api + "?lang=" + box.dataset.lang + "&text=" + encodeURIComponent(text);
      fetch(url, { headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (ticket === latest) { render(box, answer); } })
        .catch(function () { /* the form, when sent, says the same */ });
    }

    fields.forEach(function (field) {
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(check, 350);
      });
    });
    // A page that came back with the server's advice shows it already.
    var shown = document.querySelector("section.safety");
    if (!shown && fields.some(function (field) { return field.value.trim(); })) { check(); }
  });
})();
