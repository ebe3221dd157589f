// Passkeys (WebAuthn) for the staff login: shown only where the browser has them.
// The server makes the options and verifies the answer (accounts/passkeys.py); this
// script only turns base64url strings into bytes and back.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error((data.error && data.error.message) || response.status);
        return data;
      });
    });
  }

  function creationOptions(o) {
    o.challenge = toBytes(o.challenge);
    o.user.id = toBytes(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return o;
  }

  function requestOptions(o) {
    o.challenge = toBytes(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return o;
  }

  function serialise(credential) {
    var r = credential.response, response = {clientDataJSON: toText(r.clientDataJSON)};
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      if (r.userHandle) response.userHandle = toText(r.userHandle);
    }
    return {id: credential.id, rawId: toText(credential.rawId), type: credential.type,
            response: response, clientExtensionResults: credential.getClientExtensionResults(),
            authenticatorAttachment: credential.authenticatorAttachment || undefined};
  }

  document.querySelectorAll("[data-passkey]").forEach(function (box) {
    var register = box.dataset.passkey === "register";
    var status = box.querySelector(".passkey-status");
    box.hidden = false;
    box.querySelector("button").addEventListener("click", function () {
      status.textContent = "…";
      post(box.dataset.options).then(function (options) {
        return register
          ? navigator.credentials.create({publicKey: creationOptions(options)})
          : navigator.credentials.get({publicKey: requestOptions(options)});
      }).then(function (credential) {
        var name = document.getElementById("passkey-name");
        return post(box.dataset.verify, {credential: serialise(credential),
                                         name: name ? name.value : ""});
      }).then(function (done) {
        window.location.assign(done.redirect || "/kantor/");
      }).catch(function (error) {
        status.textContent = error && error.message ? error.message : String(error);
      });
    });
  });
})();
