// Aksalarasa site app (sentences/supervisor): the day list, entries kept on the phone while
// offline (IndexedDB), and their delivery when the network is back. Each entry carries an id made
// here (crypto.randomUUID), so sending it twice stores it once. No inline script, no eval.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.dataset.syncUrl) return;
  var DAY_URL = main.dataset.dayUrl, SYNC_URL = main.dataset.syncUrl, PHOTO_URL = main.dataset.photoUrl;
  var DAY_KEY = "aks-site-day-" + main.dataset.user;
  var DB_NAME = "aks-site-app-" + main.dataset.user, STORE = "queue";
  var day = null, sending = false, failed = [];

  function $(sel, root) { return (root || document).querySelector(sel); }
  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_m, k) { return values[k]; });
  }
  function hours(minutes) { return Math.floor(minutes / 60) + ":" + String(minutes % 60).padStart(2, "0"); }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  // The work date is the office's (the day list names its zone), not the phone's own: a phone left
  // on another zone would otherwise date the evening's entries a day early or late.
  function officeDate() {
    var now = new Date(), zone = day && day.time_zone;
    if (zone) {
      try {
        var parts = {};
        new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
          .formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
        return parts.year + "-" + parts.month + "-" + parts.day;
      } catch (_e) { /* an unknown zone: the phone's own date below */ }
    }
    return now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" + String(now.getDate()).padStart(2, "0");
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- the queue (IndexedDB: entries with their photo as a Blob) --------------------------------
  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore(STORE, { keyPath: "id" }); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }
  function tx(mode, work) {
    return db().then(function (conn) {
      return new Promise(function (resolve, reject) {
        var t = conn.transaction(STORE, mode), store = t.objectStore(STORE), out = work(store);
        t.oncomplete = function () { conn.close(); resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { conn.close(); reject(t.error); };
      });
    });
  }
  function queueAll() { return tx("readonly", function (s) { return s.getAll(); }); }
  function queuePut(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function queueDelete(id) { return tx("readwrite", function (s) { s.delete(id); }); }

  // --- status line --------------------------------------------------------------------------------
  function showNet() {
    var box = $("#net-status");
    box.textContent = navigator.onLine ? box.dataset.online : box.dataset.offline;
    box.className = navigator.onLine ? "online" : "offline";
  }
  function showQueue(note) {
    return queueAll().then(function (items) {
      var box = $("#queue-status"), waiting = items.filter(function (i) { return !i.sent; }).length;
      box.textContent = (waiting ? fmt(box.dataset.queued, { n: waiting }) : box.dataset.none) + (note ? " " + note : "");
      box.dataset.waiting = String(waiting);
      renderDay();
    });
  }
  function showFailed() {
    var list = $("#failed");
    list.textContent = "";
    failed.forEach(function (f) {
      var li = document.createElement("li");
      li.className = "msg msg-error";
      li.textContent = f.name + ": " + f.errors.join(" ");
      list.appendChild(li);
    });
  }

  // --- the day list ---------------------------------------------------------------------------------
  function loadDay() {
    return fetch(DAY_URL, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { day = data; day.stale = false; localStorage.setItem(DAY_KEY, JSON.stringify(data)); })
      .catch(function () {
        var kept = localStorage.getItem(DAY_KEY);
        if (kept) { day = JSON.parse(kept); day.stale = true; }
      })
      .then(function () { return showQueue(); });
  }

  function renderDay() {
    if (!day) return;
    var label = $("#day-date");
    label.textContent = fmt(label.dataset.label, { d: day.date }) + (day.stale ? " (" + label.dataset.stale + ")" : "");
    queueAll().then(function (items) {
      var box = $("#sites"), open = box.querySelector("form:not([hidden])");
      if (open) return; // never redraw under the person typing
      box.textContent = "";
      day.sites.forEach(function (site) {
        var card = $("#site-tpl").content.firstElementChild.cloneNode(true);
        $(".site-name", card).textContent = site.name;
        $(".site-address", card).textContent = site.address + " · " + site.opens_at + "–" + site.closes_at;
        var list = $(".people", card), later = $(".people-unplanned", card), unplanned = site.unplanned || [];
        $(".empty", card).hidden = site.people.length + unplanned.length > 0;
        site.people.forEach(function (person) { list.appendChild(personCard(site, person, items)); });
        $(".unplanned-title", card).hidden = unplanned.length === 0;
        unplanned.forEach(function (person) { later.appendChild(personCard(site, person, items)); });
        box.appendChild(card);
      });
    });
  }

  function personCard(site, person, queued) {
    var li = $("#person-tpl").content.firstElementChild.cloneNode(true);
    li.dataset.order = person.order_id;
    $(".person-name", li).textContent = person.name;
    var plan = $(".person-planned", li);
    plan.hidden = !person.planned_start;
    if (person.planned_start) plan.textContent = fmt(plan.dataset.text, { start: person.planned_start, end: person.planned_end });
    var h = $(".person-hours", li);
    h.textContent = fmt(h.dataset.text, { left: hours(person.remaining_minutes), ordered: person.hours_ordered });
    var entries = $(".person-entries", li), labels = entries.dataset;
    function line(attendance, state) {
      var e = document.createElement("li");
      e.className = "entry state-" + state;
      e.textContent = labels[attendance] + " · " + labels[state];
      entries.appendChild(e);
    }
    var sentIds = {};
    person.entries.forEach(function (e) { sentIds[e.id] = true; line(e.attendance, e.state); });
    queued.forEach(function (q) {
      if (q.entry.order_id === person.order_id && !sentIds[q.id]) line(q.entry.attendance, q.sent ? q.state : "queued");
    });
    var arrived = $(".arrived-form", li), absent = $(".absent-form", li);
    $(".act-arrived", li).addEventListener("click", function () { absent.hidden = true; arrived.hidden = false; $("input[name=start]", arrived).focus(); });
    $(".act-absent", li).addEventListener("click", function () { arrived.hidden = true; absent.hidden = false; $("input[name=absence_reason]", absent).focus(); });
    li.querySelectorAll(".act-cancel").forEach(function (b) {
      b.addEventListener("click", function () { arrived.hidden = absent.hidden = true; renderDay(); });
    });
    arrived.addEventListener("submit", function (ev) { ev.preventDefault(); saveArrival(site, person, arrived); });
    absent.addEventListener("submit", function (ev) { ev.preventDefault(); saveAbsence(site, person, absent); });
    return li;
  }

  function base(site, person, attendance) {
    return {
      id: newId(), order_id: person.order_id, site_id: site.id, work_date: officeDate(),
      attendance: attendance, made_at: new Date().toISOString(),
    };
  }
  function fail(form, key) {
    var box = $(".form-error", form);
    box.textContent = box.dataset[key];
    box.hidden = false;
  }
  function minutesOf(value) { var p = value.split(":"); return parseInt(p[0], 10) * 60 + parseInt(p[1], 10); }

  function saveAbsence(site, person, form) {
    var reason = form.elements.absence_reason.value.trim();
    if (!reason) return fail(form, "reason");
    var entry = base(site, person, "absent");
    entry.absence_reason = reason;
    return keep(entry, null, form);
  }

  function saveArrival(site, person, form) {
    var f = form.elements, start = f.start.value, end = f.end.value;
    if (!start || !end || minutesOf(end) <= minutesOf(start)) return fail(form, "times");
    var breaks = parseInt(f.break_minutes.value || "0", 10);
    if (isNaN(breaks) || breaks < 0 || breaks >= minutesOf(end) - minutesOf(start)) return fail(form, "breaks");
    var entry = base(site, person, "arrived");
    entry.start = start; entry.end = end; entry.break_minutes = breaks;
    entry.work_done = f.work_done.value.trim(); entry.pin = f.pin.value.trim();
    var photo = f.photo.files && f.photo.files[0] ? f.photo.files[0] : null;
    var located = Promise.resolve();
    if (f.locate.checked && navigator.geolocation) {
      located = new Promise(function (resolve) {
        navigator.geolocation.getCurrentPosition(function (pos) {
          entry.latitude = pos.coords.latitude; entry.longitude = pos.coords.longitude; resolve();
        }, function () { resolve(); }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
      });
    }
    return located.then(function () { return keep(entry, photo, form); });
  }

  function keep(entry, photo, form) {
    var item = { id: entry.id, entry: entry, photo: photo, sent: false, photoSent: !photo, name: "" };
    var person = form.closest(".person");
    item.name = person ? $(".person-name", person).textContent : "";
    return queuePut(item).then(function () {
      form.reset();
      form.hidden = true;
      return showQueue();
    }).then(send);
  }

  // --- delivery -----------------------------------------------------------------------------------
  function post(entries) {
    return fetch(SYNC_URL, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ entries: entries }),
    });
  }

  function applyResults(items, results) {
    var byId = {};
    items.forEach(function (i) { byId[i.id] = i; });
    return Promise.all(results.map(function (r) {
      var item = byId[r.id];
      if (!item) return null;
      if (r.state === "invalid" || r.state === "refused") {
        failed.push({ name: item.name, errors: r.errors });
        return queueDelete(item.id);
      }
      item.sent = true; item.state = r.state;
      return item.photoSent ? queueDelete(item.id) : queuePut(item);
    }));
  }

  function sendEntries(items) {
    var pending = items.filter(function (i) { return !i.sent; });
    if (!pending.length) return Promise.resolve();
    return post(pending.map(function (i) { return i.entry; })).then(function (r) {
      if (r.status === 200) return r.json().then(function (data) { return applyResults(pending, data.results); });
      if (r.status === 404 && pending.length > 1) { // someone left the site: send one by one
        return pending.reduce(function (chain, item) {
          return chain.then(function () { return sendEntries([item]); });
        }, Promise.resolve());
      }
      if (r.status === 404) {
        failed.push({ name: pending[0].name, errors: [$("#queue-status").dataset.gone] });
        return queueDelete(pending[0].id);
      }
      if (r.status === 401 || r.status === 403) throw new Error("login");
      throw new Error("status " + r.status);
    });
  }

  function sendPhotos(items) {
    return items.filter(function (i) { return i.sent && !i.photoSent; }).reduce(function (chain, item) {
      return chain.then(function () {
        var body = new FormData();
        body.append("photo", item.photo, item.photo.name || "work.jpg");
        return fetch(PHOTO_URL.replace("ID", item.id), {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: body,
        }).then(function (r) {
          if (r.status === 200 || r.status === 422 || r.status === 404) return queueDelete(item.id);
          throw new Error("status " + r.status);
        });
      });
    }, Promise.resolve());
  }

  function send() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    var note = "";
    return queueAll()
      .then(function (items) { return sendEntries(items); })
      .then(queueAll)
      .then(sendPhotos)
      .then(loadDay)
      .catch(function (err) { if (err && err.message === "login") note = $("#queue-status").dataset.login; })
      .then(function () { sending = false; showFailed(); return showQueue(note); });
  }

  // --- start ------------------------------------------------------------------------------------------
  if ("serviceWorker" in navigator && main.dataset.swUrl) {
    navigator.serviceWorker.register(main.dataset.swUrl).catch(function () {});
  }
  window.addEventListener("online", function () { showNet(); send(); });
  window.addEventListener("offline", showNet);
  $("#sync-now").addEventListener("click", send);
  showNet();
  loadDay().then(send).then(function () { main.dataset.ready = "true"; });
})();
