// Aksalarasa site app: the service worker (rendered by sentences.supervisor.views.service_worker).
// The app's page and static files are kept for offline use; the page is fetched fresh when the
// network answers. Entries are never sent from here: the page queues and sends them.
const CACHE = "aks-site-app-{{ version }}";
const SHELL = {{ shell|safe }};
const DAY_URL = "{{ day_url }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("aks-site-app-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // entries go straight to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const shellPath = SHELL.includes(url.pathname);
  if (!shellPath && !url.pathname.startsWith(DAY_URL)) return;
  // Network first (fresh list, fresh page), the kept copy when offline.
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.match(url.pathname).then((hit) => hit || Response.error()))
  );
});
