// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:responseError", function (event) {
  var box = document.getElementById("htmx-error");
  if (box) { box.textContent = box.dataset.message; box.hidden = false; }
});

// The import page shows the progress of the file being checked: while the form's request runs,
// ask for the progress every second (static code, not an htmx trigger filter: the
// Content-Security-Policy forbids eval). A 404 (the run is not recorded yet) keeps the text.
(function () {
  var timer = null;
  function poll() {
    var box = document.getElementById("import-progress");
    if (!box || !box.dataset.progressUrl) return;
    fetch(box.dataset.progressUrl, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && timer !== null) box.innerHTML = html; })
      .catch(function () {});
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "import-form" && timer === null) {
      timer = window.setInterval(poll, 1000);
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "import-form" && timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  });
})();
