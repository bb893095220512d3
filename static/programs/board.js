// TOP clustering: drag a card onto a cluster. The keyboard (and no-JavaScript) way stays the
// "Cluster for" list and its Move button beside each card; a drop fills that list and sends the
// same form, so both ways go through one server path.
(function () {
  "use strict";
  var board = document.getElementById("cluster-board");
  if (!board) { return; }
  var dragged = null;
  board.querySelectorAll("li[data-card]").forEach(function (card) {
    card.draggable = true;
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.card);
    });
    card.addEventListener("dragend", function () { card.classList.remove("dragging"); dragged = null; });
  });
  board.querySelectorAll("[data-cluster]").forEach(function (zone) {
    zone.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      zone.classList.add("drop-target");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("drop-target"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("drop-target");
      if (!dragged) { return; }
      var form = dragged.querySelector("form");
      var select = form && form.querySelector("select[name=cluster]");
      if (!select || select.value === zone.dataset.cluster) { return; }
      select.value = zone.dataset.cluster;
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  });
})();
