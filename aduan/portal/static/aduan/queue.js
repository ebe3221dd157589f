// Reports waiting on the phone (IndexedDB) and the receipts of reports sent from it.
// Shared by the pages and the service worker. A waiting report carries its own
// Idempotency-Key, so sending it twice (a retry, two tabs, Background Sync and a page
// at once) stores it once; the receipt (tracking ID + PIN) never leaves the phone.
(function (scope) {
  "use strict";
  var DB = "aduan";
  var OUTBOX = "outbox";
  var RECEIPTS = "receipts";
  var ENDPOINT = "/api/v1/reports/upload";
  var PORTAL_ENDPOINT = "/lapor/antrian/";
  var LEVELS = ["village", "district", "regency", "province"];

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(OUTBOX, {keyPath: "key"});
        request.result.createObjectStore(RECEIPTS, {keyPath: "tracking_id"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result = work(tx.objectStore(store));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all(store) {
    return run(store, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows || [];
    });
  }

  function uuid() {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // The report form's fields as the API's report object, and its photos as blobs.
  function fromForm(form) {
    var text = function (name) { return (form.get(name) || "").toString().trim(); };
    var number = function (name) { return text(name) ? Number(text(name)) : null; };
    var region = form.get("region_pick") || "";
    LEVELS.forEach(function (level) { region = region || text(level); });
    var reporter = {name: text("reporter_name"), email: text("reporter_email"),
                    phone: text("reporter_phone")};
    var report = {kind: text("kind") || "complaint", title: text("title"), body: text("body"),
                  category: text("category") || null, region_code: region || null,
                  address: text("address"), latitude: number("latitude"),
                  longitude: number("longitude"), occurred_on: text("occurred_on") || null,
                  anonymous: form.get("anonymous") === "on",
                  confidential: form.get("confidential") === "on"};
    if (reporter.name || reporter.email || reporter.phone) { report.reporter = reporter; }
    var photos = form.getAll("attachments").filter(function (file) {
      return file && file.size > 0;
    }).map(function (file) { return {name: file.name, type: file.type, blob: file}; });
    var item = {key: uuid(), report: report, photos: photos, created: new Date().toISOString(),
                error: ""};
    // A logged-in reporter: the form's own fields go to the portal with the session, so the
    // report joins the account (the API takes no browser sessions).
    if (form.get("_account") === "1") {
      item.csrf = text("csrfmiddlewaretoken");
      item.fields = [];
      form.forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrfmiddlewaretoken") {
          item.fields.push([name, value]);
        }
      });
    }
    return item;
  }

  function keep(item) {
    return run(OUTBOX, "readwrite", function (s) { return s.put(item); }).then(function () {
      return item;
    });
  }

  function body(item) {
    var data = new FormData();
    if (item.fields) {
      item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    } else {
      data.append("report", JSON.stringify(item.report));
    }
    item.photos.forEach(function (photo) { data.append("attachments", photo.blob, photo.name); });
    return data;
  }

  function settle(item, response) {
    if (response.status === 201 || (response.ok && response.headers.get("Idempotent-Replayed"))) {
      return response.json().then(function (receipt) {
        return run(RECEIPTS, "readwrite", function (s) {
          return s.put({tracking_id: receipt.tracking_id, pin: receipt.pin,
                        title: item.report.title, created: item.created});
        }).then(function () {
          return run(OUTBOX, "readwrite", function (s) { return s.delete(item.key); });
        }).then(function () { return "sent"; });
      });
    }
    // Logged out (or a new session) since it was written: send it without the account.
    if (item.fields && (response.status === 401 || response.status === 403)) {
      delete item.fields;
      delete item.csrf;
      return keep(item).then(function () { return send(item); });
    }
    // Busy with the same key, rate-limited or a server fault: try again later.
    if (response.status === 409 || response.status === 429 || response.status >= 500) {
      return "waiting";
    }
    return response.json().catch(function () { return {}; }).then(function (answer) {
      item.error = (answer.error && answer.error.message) || String(response.status);
      return keep(item).then(function () { return "refused"; });
    });
  }

  function send(item) {
    var headers = {"Idempotency-Key": item.key, "Accept-Language": "id"};
    if (item.fields) { headers["X-CSRFToken"] = item.csrf; }
    return fetch(item.fields ? PORTAL_ENDPOINT : ENDPOINT, {
      method: "POST", body: body(item), headers: headers,
      credentials: item.fields ? "same-origin" : "omit"})
      .then(function (response) { return settle(item, response); },
            function () { return "waiting"; });
  }

  var sending = null;

  // Send every waiting report that the server has not refused; one run at a time per context.
  function sendAll() {
    if (sending) { return sending; }
    sending = all(OUTBOX).then(function (items) {
      var result = {sent: 0, waiting: 0, refused: 0};
      return items.filter(function (item) { return !item.error; }).reduce(function (chain, item) {
        return chain.then(function () {
          return send(item).then(function (outcome) { result[outcome] += 1; });
        });
      }, Promise.resolve()).then(function () { return result; });
    }).then(function (result) {
      sending = null;
      announce(result);
      return result;
    }, function (error) { sending = null; throw error; });
    return sending;
  }

  function announce(result) {
    if (!result.sent || !scope.clients || !scope.clients.matchAll) { return; }
    scope.clients.matchAll({type: "window"}).then(function (windows) {
      windows.forEach(function (w) { w.postMessage({type: "aduan-sent", result: result}); });
    });
  }

  function forget(store, key) {
    return run(store, "readwrite", function (s) { return s.delete(key); });
  }

  scope.AduanQueue = {
    SYNC_TAG: "aduan-outbox", fromForm: fromForm, keep: keep, sendAll: sendAll,
    waiting: function () { return all(OUTBOX); }, receipts: function () { return all(RECEIPTS); },
    remember: function (receipt) {
      return run(RECEIPTS, "readwrite", function (s) { return s.put(receipt); });
    },
    forget: forget
  };
})(self);
