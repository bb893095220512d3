// Region picker: a combobox over offices:region_search (ARIA 1.2 combobox with a listbox popup).
// Type part of a name; ArrowDown/ArrowUp move through the places, Enter chooses, Escape closes.
// The text box keeps the place's name, the hidden "<name>_code" input the Kemendagri code.
// A picker marked data-multiple (several regions, offices/regions.py RegionMultiPicker) adds the
// chosen place as a ticked checkbox to its list instead, and empties the text box for the next one.
(function () {
  "use strict";

  function setup(root) {
    var input = root.querySelector("[role=combobox]");
    var code = root.querySelector("input[type=hidden]");
    var list = root.querySelector("[role=listbox]");
    var status = root.querySelector(".region-status");
    var label = document.querySelector("label[for='" + input.id + "']");
    if (label) { list.setAttribute("aria-label", label.textContent.trim()); }
    var active = -1;
    var timer = null;
    var asked = "";
    var chosenLabel = input.value;
    var multiple = root.hasAttribute("data-multiple");

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
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
      items[active].scrollIntoView({ block: "nearest" });
    }

    function add(item) {
      var chosen = root.querySelector(".region-chosen");
      var box = null;
      chosen.querySelectorAll("input[type=checkbox]").forEach(function (each) {
        if (each.value === item.dataset.code) { box = each; }
      });
      if (!box) {
        var row = document.createElement("li");
        box = document.createElement("input");
        box.type = "checkbox";
        box.name = root.dataset.name;
        box.value = item.dataset.code;
        box.id = input.id + "_" + item.dataset.code.replace(/\./g, "_");
        var text = document.createElement("label");
        text.className = "inline";
        text.htmlFor = box.id;
        text.textContent = item.dataset.label;
        row.appendChild(box);
        row.appendChild(document.createTextNode(" "));
        row.appendChild(text);
        chosen.appendChild(row);
      }
      box.checked = true;
      input.value = "";
      chosenLabel = "";
      asked = "";
      status.textContent = (root.dataset.added || "%(place)s").replace("%(place)s", item.dataset.label);
      close();
    }

    function choose(item) {
      if (multiple) { add(item); return; }
      input.value = item.dataset.label;
      code.value = item.dataset.code;
      chosenLabel = input.value;
      status.textContent = item.dataset.label;
      close();
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (place, i) {
        var item = document.createElement("li");
        item.id = input.id + "_opt" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.code = place.code;
        item.dataset.label = place.label;
        var name = document.createElement("strong");
        name.textContent = place.name;
        item.appendChild(name);
        item.appendChild(document.createTextNode(place.label.slice(place.name.length)));
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.appendChild(item);
      });
      var none = root.dataset.none || "";
      status.textContent = results.length ? (root.dataset.found || "%(n)s").replace("%(n)s", results.length) : none;
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      } else {
        close();
      }
    }

    function search() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      if (q === asked) { return; }
      asked = q;
      var url = root.dataset.searchUrl + "?level=" + encodeURIComponent(root.dataset.level) +
        "&near=" + encodeURIComponent(root.dataset.near || "") +
        "&within=" + encodeURIComponent(root.dataset.within || "") + "&q=" + encodeURIComponent(q);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (asked === q && input.value.trim() === q) { show(data.results || []); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      if (code && input.value !== chosenLabel) { code.value = ""; }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { asked = ""; search(); } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (open) {
          event.preventDefault();
          var items = options();
          if (items.length) { choose(items[active >= 0 ? active : 0]); }
        }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function init(scope) {
    (scope || document).querySelectorAll("[data-region-picker]:not([data-ready])").forEach(function (root) {
      root.setAttribute("data-ready", "");
      setup(root);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
}());
