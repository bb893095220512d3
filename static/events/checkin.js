// Check-in on a phone, even on a poor connection. Every check-in is first saved in localStorage
// with a UUID made here; it is removed only when the server has answered. The server
// deduplicates by that UUID (and by the registration), so a retry never counts anyone twice.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form || !window.fetch) { return; }  // without fetch the plain form post still works
  var endpoint = form.dataset.endpoint;
  var storeKey = "aks-checkin-queue-" + form.dataset.event;
  var resultBox = document.getElementById("checkin-result");
  var queueBox = document.getElementById("checkin-queue");
  var countBox = document.getElementById("checkin-count");
  var codeInput = form.querySelector("input[name=code]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function load() { try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; } }
  function save(queue) { localStorage.setItem(storeKey, JSON.stringify(queue)); showQueue(queue); }
  function showQueue(queue) {
    queue = queue || load();
    if (!queue.length) { queueBox.hidden = true; queueBox.textContent = ""; return; }
    queueBox.hidden = false;
    queueBox.textContent = queueBox.dataset.label + " " + queue.map(function (i) { return i.code; }).join(", ");
  }
  function say(text, kind) {
    var p = document.createElement("p");
    p.className = "msg " + (kind || "");
    p.textContent = text;
    resultBox.replaceChildren(p);
  }
  function enqueue(code, source) {
    code = (code || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
    if (!code) { return; }
    var queue = load();
    if (queue.some(function (i) { return i.code === code; })) { flush(); return; }
    queue.push({ code: code, client_uuid: uuid4(), source: source, at: new Date().toISOString() });
    save(queue);
    flush();
  }
  function flush() {
    if (sending) { return; }
    var queue = load();
    if (!queue.length) { return; }
    sending = true;
    var item = queue[0];
    var body = new URLSearchParams({ code: item.code, client_uuid: item.client_uuid, source: item.source });
    fetch(endpoint, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (answer) {
      var rest = load().filter(function (i) { return i.client_uuid !== item.client_uuid; });
      save(rest);
      sending = false;
      if (answer.data.ok) {
        say(answer.data.message, answer.data.created ? "msg-success" : "msg-warning");
        if (countBox && answer.data.checked_in_text) { countBox.textContent = answer.data.checked_in_text; }
      } else {
        say(item.code + ": " + (answer.data.detail || ""), "msg-error");
      }
      if (rest.length) { flush(); }
    }).catch(function () {
      // Offline or the server did not answer: keep the item, try again later. Whatever waits in
      // the queue now reaches the server as an offline check-in.
      sending = false;
      save(load().map(function (i) { i.source = "offline"; return i; }));
      say(form.dataset.msgQueued, "msg-warning");
      showQueue();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    enqueue(codeInput.value, "typed");
    codeInput.value = "";
    codeInput.focus();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 10000);
  showQueue();
  flush();

  // Scanning with the camera where the browser has BarcodeDetector; typing always works.
  var startBtn = document.getElementById("scan-start");
  var stopBtn = document.getElementById("scan-stop");
  var scanner = document.getElementById("scanner");
  var video = document.getElementById("scan-video");
  var stream = null, lastCode = "", lastAt = 0;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  startBtn.hidden = false;
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    scanner.hidden = true;
    startBtn.focus();
  }
  function tick() {
    if (!stream) { return; }
    detector.detect(video).then(function (codes) {
      if (codes.length) {
        var value = codes[0].rawValue || "";
        var now = Date.now();
        if (value !== lastCode || now - lastAt > 3000) { lastCode = value; lastAt = now; enqueue(value.slice(-6), "scan"); }
      }
    }).catch(function () {}).then(function () { setTimeout(tick, 250); });
  }
  startBtn.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s; video.srcObject = s; scanner.hidden = false; video.play(); tick();
    }).catch(function () { say(startBtn.textContent + ": ✗", "msg-error"); });
  });
  stopBtn.addEventListener("click", stop);
})();
