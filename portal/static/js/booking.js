// While a customer describes the problem, suggest knowledge-base articles that may already
// solve it; the booking form works without it (step 3 lists suggestions too).
(function () {
  "use strict";
  var box = document.getElementById("problem-suggestions");
  var problem = document.getElementById("problem");
  if (!box || !problem || !window.fetch) { return; }
  var list = box.querySelector("ul");
  var timer = null;
  var latest = 0;

  function show(results) {
    list.textContent = "";
    results.slice(0, 3).forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.hidden = results.length === 0;
  }

  function lookup() {
    var text = problem.value.trim();
    if (text.length < 4) { show([]); return; }
    var ticket = ++latest;
    var url = box.dataset.api + "&q=" + encodeURIComponent(text.slice(0, 200));
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (answer) { if (ticket === latest) { show(answer); } })
      .catch(function () { show([]); });
  }

  problem.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 400);
  });
  if (problem.value.trim()) { lookup(); }
})();
