// MPA ballot: a minus and a plus button beside each number field and a live "used n of m" counter.
// The plain number fields and the server's check still work without JavaScript.
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  var counter = document.getElementById("ballot-used");
  if (!form || !counter) { return; }
  var limit = parseInt(form.dataset.limit, 10) || 0;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=number]"));

  function value(input) { var n = parseInt(input.value, 10); return isNaN(n) || n < 0 ? 0 : n; }
  function used() { return inputs.reduce(function (sum, i) { return sum + value(i); }, 0); }
  function update() {
    var n = used();
    counter.textContent = n === 0
      ? counter.dataset.none
      : counter.dataset.template.replace("{used}", n).replace("{limit}", limit);
    counter.classList.toggle("over-limit", n > limit);
    inputs.forEach(function (input) {
      var max = parseInt(input.max, 10);
      input._plus.disabled = n >= limit || (!isNaN(max) && value(input) >= max);
      input._minus.disabled = value(input) <= 0;
    });
  }
  function button(text, label, step, input) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn-secondary stepper";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", function () {
      input.value = Math.max(0, value(input) + step);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return b;
  }
  inputs.forEach(function (input) {
    var title = (form.querySelector("label[for='" + input.id + "']") || {}).textContent || "";
    input._minus = button("−", form.dataset.minus.replace("{item}", title), -1, input);
    input._plus = button("+", form.dataset.plus.replace("{item}", title), 1, input);
    input.parentNode.insertBefore(input._minus, input);
    input.parentNode.insertBefore(input._plus, input.nextSibling);
    input.addEventListener("input", update);
  });
  update();
})();
