// The phone page's service worker (served as /rep/sw.js, scope /rep): the page, the map page
// and their static files keep working without a signal.
// - Pages (/rep, /rep/map): network first, so a rep online always sees the latest; each good
//   answer is kept, and without a network the kept copy is shown.
// - /static: cache first (the files change only with a new release; a new worker version
//   empties the old cache).
// - The page asks (postMessage) to keep pages it will need offline ("warm": tomorrow's day and
//   the maps) and to refresh a page whose copy is out of date ("refresh", after a visit).
// - "forget" (sent on sign-out) drops every kept page and file: the next person on this phone
//   must not see this rep's day.
// Visits and touches are not sent from here: the page queues them and sends them (rep.js). Planning
// and the look-ahead's refresh are POSTs, never handled here: network only. A kept day whose
// plan was out of date shows its notice offline as it was; the page refreshes it once online.
"use strict";

// Replaced when served (app/web/rep.py) with the fingerprint of the static files.
const VERSION = "dev";
const PAGES = `fieldroute-pages-${VERSION}`;
const STATIC = `fieldroute-static-${VERSION}`;
const PRECACHE = [
  "/static/css/rep.css",
  "/static/js/api.js",
  "/static/js/rep.js",
  "/static/js/rep-stops.js",
  "/static/js/rep-calls.js",
  "/static/js/touches.js",
  "/static/leaflet/leaflet.js",
  "/static/leaflet/leaflet.css",
  "/static/jquery/jquery.min.js",
  "/static/manifest.webmanifest",
  "/static/icons/icon-192.png",
  "/static/icons/icon.svg",
];
const MAP_SRC = /<iframe id="map"[^>]* src="([^"]+)"/;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC);
    // One by one: a missing file must not stop the worker from installing.
    await Promise.all(PRECACHE.map((url) => cache.add(url).catch(() => undefined)));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([PAGES, STATIC]);
    for (const name of await caches.keys()) {
      if (name.startsWith("fieldroute-") && !keep.has(name)) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

function isPage(url) {
  return url.pathname === "/rep" || url.pathname === "/rep/map";
}

// Only a signed-in page as it was meant: not a redirect to sign-in, not an error page.
function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

async function fetchAndKeep(request) {
  const response = await fetch(request);
  if (keepable(response)) {
    const cache = await caches.open(PAGES);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    return await fetchAndKeep(request);
  } catch (err) {
    const kept = await caches.match(request, {cacheName: PAGES});
    if (kept) {
      return kept;
    }
    return new Response(
      "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
      "<title>Offline · Fieldroute</title><h1>No connection</h1>" +
      "<p>This day was not opened on this phone while online, so there is no copy of it. " +
      "Today's and tomorrow's are kept once you have opened today's page with a signal.</p>",
      {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
  }
}

async function cacheFirst(request) {
  const kept = await caches.match(request, {cacheName: STATIC});
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(STATIC);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (isPage(url)) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  }
});

// Keeps `url` (a page of this site) and, for a day page, its map.
async function keep(url, always) {
  if (!always && await caches.match(url, {cacheName: PAGES})) {
    return;
  }
  const response = await fetchAndKeep(new Request(url, {credentials: "same-origin"}));
  if (!keepable(response) || new URL(url).pathname !== "/rep") {
    return;
  }
  const found = MAP_SRC.exec(await response.text());
  if (found) {
    const map = new URL(found[1].replaceAll("&amp;", "&"), url).href;
    await keep(map, always);
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (event.origin && event.origin !== self.location.origin) {
    return;
  }
  const urls = Array.isArray(data.urls) ? data.urls.map(String) : [];
  const sameSite = urls.filter((u) => new URL(u, self.location.origin).origin ===
    self.location.origin);
  let work = Promise.resolve();
  if (data.type === "warm") {
    work = Promise.all(sameSite.map((u) => keep(u, false).catch(() => undefined)));
  } else if (data.type === "refresh") {
    work = Promise.all(sameSite.map((u) => keep(u, true).catch(() => undefined)));
  } else if (data.type === "forget") {
    work = caches.keys().then((names) => Promise.all(
      names.filter((n) => n.startsWith("fieldroute-")).map((n) => caches.delete(n))));
  }
  event.waitUntil(work.then(() => {
    if (event.ports && event.ports[0]) {
      event.ports[0].postMessage({done: data.type});
    }
  }));
});
