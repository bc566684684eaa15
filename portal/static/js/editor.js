// Live preview and image upload for the article editor; the page works without it.
(function () {
  "use strict";
  var form = document.getElementById("article-form");
  var preview = document.getElementById("preview");
  var token = document.querySelector('meta[name="csrf-token"]').content;
  if (!form || !preview) { return; }
  var body = form.querySelector("textarea[name=body]");
  var timer = null;
  var lastSent = null;

  function refresh() {
    var text = body.value;
    if (text === lastSent) { return; }
    lastSent = text;
    var data = new FormData();
    data.append("body", text);
    fetch(form.dataset.previewUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.html !== undefined) { preview.innerHTML = answer.html; }
      })
      .catch(function () { lastSent = null; });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  refresh();

  var upload = document.getElementById("image-upload");
  var status = document.getElementById("upload-status");
  if (!upload) { return; }
  upload.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = "…";
    fetch(upload.action, {
      method: "POST", body: new FormData(upload), credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.markdown) {
          var at = body.selectionStart || body.value.length;
          body.value = body.value.slice(0, at) + "\n" + answer.markdown + "\n" + body.value.slice(at);
          body.dispatchEvent(new Event("input"));
          status.textContent = answer.markdown;
          upload.reset();
        } else {
          status.textContent = answer.error || answer.reason || "";
        }
      });
  });
})();
