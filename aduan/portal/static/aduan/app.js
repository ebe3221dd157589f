// The portal as an app: the service worker, photos made small on the phone, receipts kept on
// the device, reports waiting to be sent, and notifications. Every page works without it.
(function () {
  "use strict";
  var Q = window.AduanQueue;
  var MAX_SIDE = 1600;
  var QUALITY = 0.8;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    navigator.serviceWorker.ready.then(function (registration) {
      var urls = performance.getEntriesByType("resource").map(function (entry) {
        return entry.name;
      });
      if (registration.active) { registration.active.postMessage({type: "keep", urls: urls}); }
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "aduan-sent") { showDevice(); }
    });
  }

  // --- Photos: longest side 1600 px, JPEG, before they leave the phone -------------------
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, {imageOrientation: "from-image"}).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 400 * 1024) { return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(blob && blob.size < file.size ?
            new File([blob], name, {type: "image/jpeg", lastModified: file.lastModified}) : file);
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function kb(bytes) { return Math.round(bytes / 1024) + " KB"; }

  document.querySelectorAll("input[type=file][data-shrink]").forEach(function (input) {
    var note = document.getElementById(input.dataset.shrink);
    input.addEventListener("change", function () {
      if (input.dataset.busy || !window.DataTransfer) { return; }
      var files = Array.prototype.slice.call(input.files);
      input.dataset.busy = "1";
      Promise.all(files.map(shrink)).then(function (small) {
        var list = new DataTransfer();
        small.forEach(function (file) { list.items.add(file); });
        input.files = list.files;
        var total = small.reduce(function (sum, f) { return sum + f.size; }, 0);
        if (note && small.length) {
          note.textContent = note.dataset.template.replace("{n}", small.length)
            .replace("{size}", kb(total));
        }
        input.dataset.ready = String(total);
        delete input.dataset.busy;
      });
    });
  });

  // --- Receipts remembered on this phone only --------------------------------------------
  var receipt = document.querySelector("[data-receipt]");
  if (receipt && Q) {
    Q.remember({tracking_id: receipt.dataset.trackingId, pin: receipt.dataset.pin,
                title: receipt.dataset.title, created: new Date().toISOString()});
  }

  document.querySelectorAll("form[data-forget-pages]").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("forget-pages");
      }
    });
  });

  // --- "Laporan saya" on this device -----------------------------------------------------
  var device = document.getElementById("device-reports");

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function openForm(item) {
    var form = element("form", "inline");
    form.method = "post";
    form.action = device.dataset.track;
    var csrf = document.querySelector("#device-csrf input[name=csrfmiddlewaretoken]");
    [["csrfmiddlewaretoken", csrf ? csrf.value : ""], ["tracking_id", item.tracking_id],
     ["pin", item.pin]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    var button = element("button", "button primary", device.dataset.open);
    button.type = "submit";
    form.appendChild(button);
    return form;
  }

  function forgetButton(store, key) {
    var button = element("button", "link danger", device.dataset.forget);
    button.type = "button";
    button.addEventListener("click", function () { Q.forget(store, key).then(showDevice); });
    return button;
  }

  function row(title, meta, actions) {
    var li = element("li", "device-row");
    li.appendChild(element("strong", "", title));
    li.appendChild(element("span", "meta", meta));
    var box = element("div", "actions-row");
    actions.forEach(function (a) { box.appendChild(a); });
    li.appendChild(box);
    return li;
  }

  function showDevice() {
    if (!device || !Q) { return; }
    Promise.all([Q.waiting(), Q.receipts()]).then(function (lists) {
      var waiting = document.getElementById("device-waiting");
      var sent = document.getElementById("device-sent");
      waiting.textContent = "";
      sent.textContent = "";
      lists[0].forEach(function (item) {
        var meta = item.error ? device.dataset.refused + " " + item.error : device.dataset.waiting;
        waiting.appendChild(row(item.report.title, meta, [forgetButton("outbox", item.key)]));
      });
      lists[1].sort(function (a, b) { return (b.created || "").localeCompare(a.created || ""); })
        .forEach(function (item) {
          sent.appendChild(row(item.title || item.tracking_id,
                               device.dataset.trackingLabel + " " + item.tracking_id + " · " +
                               device.dataset.pinLabel + " " + item.pin,
                               [openForm(item), forgetButton("receipts", item.tracking_id)]));
        });
      document.getElementById("device-waiting-box").hidden = !lists[0].length;
      document.getElementById("device-empty").hidden = !!(lists[0].length || lists[1].length);
      document.getElementById("device-notify").hidden = !(lists[1].length && "PushManager" in window);
    });
  }

  // --- Notifications -----------------------------------------------------------------------
  function keyBytes(text) {
    var raw = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  function subscribe() {
    var status = document.getElementById("device-notify-status");
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error(device.dataset.notifyDenied); }
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(device.dataset.pushKey)});
    }).then(function (subscription) {
      var json = subscription.toJSON();
      return Q.receipts().then(function (receipts) {
        return Promise.all(receipts.map(function (item) {
          return fetch("/api/v1/push/subscriptions", {
            method: "POST", credentials: "omit",
            headers: {"Content-Type": "application/json", "X-Report-PIN": item.pin},
            body: JSON.stringify({endpoint: json.endpoint, keys: json.keys,
                                  tracking_id: item.tracking_id})});
        }));
      });
    }).then(function () { status.textContent = device.dataset.notifyOn; },
            function (error) { status.textContent = error.message || device.dataset.notifyDenied; });
  }

  if (device) {
    document.getElementById("device-notify-button").addEventListener("click", subscribe);
    showDevice();
  }

  // Account holders: this device hears about every report of the account.
  var account = document.getElementById("account-notify");
  if (account && "PushManager" in window) {
    account.hidden = false;
    account.querySelector("button").addEventListener("click", function () {
      var status = account.querySelector("[role=status]");
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { throw new Error(account.dataset.denied); }
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(account.dataset.pushKey)});
      }).then(function (subscription) {
        var csrf = account.querySelector("input[name=csrfmiddlewaretoken]").value;
        return fetch(account.dataset.url, {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
          body: JSON.stringify(subscription.toJSON())});
      }).then(function (response) {
        if (!response.ok) { throw new Error(account.dataset.denied); }
        status.textContent = account.dataset.on;
      }).catch(function (error) { status.textContent = error.message; });
    });
  }

  // --- Send what waits, now and whenever the connection comes back -------------------------
  function sendHere() {
    Q.waiting().then(function (items) {
      if (items.some(function (item) { return !item.error; })) {
        Q.sendAll().then(showDevice).catch(function () {});
      }
    });
  }

  // Background Sync sends from the service worker; where the browser lacks it, or it has not
  // run a few seconds later, this page sends (the Idempotency-Key keeps a double send single).
  function flush() {
    if (!Q || navigator.onLine === false) { return; }
    if (navigator.serviceWorker && navigator.serviceWorker.controller && window.SyncManager) {
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.sync.register(Q.SYNC_TAG);
      }).then(function () { setTimeout(sendHere, 5000); }, sendHere);
    } else {
      sendHere();
    }
  }
  window.addEventListener("online", flush);
  flush();
})();
