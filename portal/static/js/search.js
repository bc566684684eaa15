// As-you-type suggestions for the search box (ARIA combobox); the form works without it.
(function () {
  "use strict";
  var box = document.querySelector(".combobox");
  if (!box) { return; }
  var input = box.querySelector("input");
  var list = box.querySelector("[role=listbox]");
  var active = -1;
  var timer = null;
  var latest = 0;

  function options() { return list.querySelectorAll("[role=option]"); }

  function close() {
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var items = options();
    if (!items.length) { return; }
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  function show(entries) {
    list.textContent = "";
    entries.forEach(function (entry, i) {
      var item = document.createElement("li");
      item.id = "search-suggestion-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.url = entry.url;
      item.className = "suggestion suggestion-" + entry.type;
      item.textContent = entry.label;
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        window.location.href = entry.url;
      });
      list.appendChild(item);
    });
    var open = entries.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    active = -1;
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (text.length < 3) { close(); return; }
    var ticket = ++latest;
    var url = box.dataset.suggestUrl + "?lang=" + encodeURIComponent(box.dataset.lang) +
      "&q=" + encodeURIComponent(text);
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (entries) { if (ticket === latest) { show(entries); } })
      .catch(close);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp" && !list.hidden) { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].dataset.url;
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
