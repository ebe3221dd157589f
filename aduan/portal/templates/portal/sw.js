/* Aduan's service worker: the shell and the reporter's pages offline, reports kept on the
   phone until they can be sent (Background Sync where the browser has it), notifications. */
{% load static %}"use strict";
importScripts("{% static 'aduan/queue.js' %}");

var VERSION = "{{ version }}";
var SHELL = "aduan-shell-" + VERSION;
var PAGES = "aduan-pages";
var SHELL_PAGES = {{ pages|safe }};
var ASSETS = {{ assets|safe }};
var KEEP_PAGES = 30;
// A page that has not come within this time on a weak connection is shown from the cache.
var PATIENCE_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(SHELL_PAGES.concat(ASSETS));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("aduan-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function remember(request, response) {
  if (!response || response.status !== 200 || response.type !== "basic" ||
      response.redirected) { return; }
  var path = new URL(request.url).pathname;
  var name = SHELL_PAGES.indexOf(path) >= 0 ? SHELL : PAGES;
  var copy = response.clone();
  caches.open(name).then(function (cache) {
    return cache.put(path, copy).then(function () { return cache.keys(); });
  }).then(function (keys) {
    if (name === PAGES && keys.length > KEEP_PAGES) {
      return caches.open(PAGES).then(function (cache) { return cache.delete(keys[0]); });
    }
  });
}

function cached(request) {
  var path = new URL(request.url).pathname;
  return caches.match(path, {ignoreSearch: true, ignoreVary: true}).then(function (hit) {
    return hit || caches.match("/offline/", {ignoreVary: true});
  });
}

// Network first, so a reporter always sees the newest state; the cache when it fails or drags.
function page(request) {
  return new Promise(function (resolve) {
    var settled = false;
    var timer = setTimeout(function () {
      caches.match(new URL(request.url).pathname, {ignoreVary: true}).then(function (hit) {
        if (hit && !settled) { settled = true; resolve(hit); }
      });
    }, PATIENCE_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      remember(request, response);
      if (!settled) { settled = true; resolve(response); }
    }, function () {
      clearTimeout(timer);
      cached(request).then(function (hit) { if (!settled) { settled = true; resolve(hit); } });
    });
  });
}

// Static files: from the cache, else from the network and kept for next time.
function asset(request) {
  return caches.match(request, {ignoreSearch: true, ignoreVary: true}).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(SHELL).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

// A report sent from the form while the connection is down is kept and sent later.
function submission(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.formData().then(AduanQueue.fromForm).then(AduanQueue.keep).then(function () {
      return self.registration.sync ? self.registration.sync.register(AduanQueue.SYNC_TAG)
        .catch(function () {}) : null;
    }).then(function () {
      return Response.redirect("/laporan-saya/?antrian=1", 303);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0 ||
      url.pathname.indexOf("/admin/") === 0) { return; }
  if (request.method === "POST" && url.pathname === "/lapor/" && request.mode === "navigate") {
    event.respondWith(submission(request));
  } else if (request.method !== "GET") {
    return;
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate" && url.pathname.indexOf("/kantor/") !== 0) {
    event.respondWith(page(request));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === AduanQueue.SYNC_TAG) {
    // A rejection makes the browser try again later, with its own backoff.
    event.waitUntil(AduanQueue.sendAll().then(function (result) {
      if (result.waiting) { throw new Error("still waiting to send"); }
    }));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data === "forget-pages") { event.waitUntil(caches.delete(PAGES)); }
  // What the page loaded before this worker controlled it: keep it (from the HTTP cache).
  if (data.type === "keep" && Array.isArray(data.urls)) {
    event.waitUntil(caches.open(SHELL).then(function (cache) {
      return Promise.all(data.urls.filter(function (url) {
        var parsed = new URL(url, self.location.origin);
        return parsed.origin === self.location.origin && parsed.pathname.indexOf("/static/") === 0;
      }).slice(0, 40).map(function (url) {
        return cache.match(url, {ignoreSearch: true, ignoreVary: true}).then(function (hit) {
          return hit || cache.add(new Request(url, {cache: "force-cache"})).catch(function () {});
        });
      }));
    }));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Aduan", {
    body: data.body || "", icon: "/static/aduan/icons/icon-192.png",
    badge: "/static/aduan/icons/icon-96.png", data: {url: data.url || "/"}, lang: "id"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({type: "window"}).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (new URL(windows[i].url).pathname === target) { return windows[i].focus(); }
    }
    return self.clients.openWindow(target);
  }));
});
