// Proof-of-work check (accounts/challenge.py): find the number whose SHA-256 with the
// salt matches, then fill the form's hidden "proof" field. Runs only on pages that show
// the check; nothing is fetched from elsewhere.
(function () {
  "use strict";
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2];

  function sha256hex(text) {  // ASCII input only: salts and numbers
    var bytes = [], i, j;
    for (i = 0; i < text.length; i++) { bytes.push(text.charCodeAt(i) & 0xff); }
    var bitLength = bytes.length * 8;
    bytes.push(0x80);
    while (bytes.length % 64 !== 56) { bytes.push(0); }
    for (i = 7; i >= 0; i--) { bytes.push(i > 3 ? 0 : (bitLength >>> (i * 8)) & 0xff); }
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
      0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (i = 0; i < bytes.length; i += 64) {
      for (j = 0; j < 16; j++) {
        w[j] = (bytes[i + j * 4] << 24) | (bytes[i + j * 4 + 1] << 16) |
          (bytes[i + j * 4 + 2] << 8) | bytes[i + j * 4 + 3];
      }
      for (j = 16; j < 64; j++) {
        var a = w[j - 15], b = w[j - 2];
        var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[j] = (w[j - 16] + s0 + w[j - 7] + s1) | 0;
      }
      var v = h.slice();
      for (j = 0; j < 64; j++) {
        var e = v[4], x = v[0];
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (v[7] + S1 + ((e & v[5]) ^ (~e & v[6])) + K[j] + w[j]) | 0;
        var S0 = ((x >>> 2) | (x << 30)) ^ ((x >>> 13) | (x << 19)) ^ ((x >>> 22) | (x << 10));
        var t2 = (S0 + ((x & v[1]) ^ (x & v[2]) ^ (v[1] & v[2]))) | 0;
        v = [(t1 + t2) | 0, x, v[1], v[2], (v[3] + t1) | 0, e, v[5], v[6]];
      }
      for (j = 0; j < 8; j++) { h[j] = (h[j] + v[j]) | 0; }
    }
    return h.map(function (n) { return ("00000000" + (n >>> 0).toString(16)).slice(-8); }).join("");
  }

  function solve(box) {
    var data = JSON.parse(box.getAttribute("data-challenge"));
    var field = box.closest("form").querySelector("input[name=proof]");
    var status = box.querySelector(".challenge-status");
    var number = 0;
    function step() {
      var end = Math.min(number + 2000, data.maxnumber + 1);
      for (; number < end; number++) {
        if (sha256hex(data.salt + number) === data.challenge) {
          data.number = number;
          field.value = btoa(JSON.stringify(data));
          status.textContent = box.getAttribute("data-done");
          return;
        }
      }
      if (number <= data.maxnumber) { setTimeout(step, 0); }
    }
    step();
  }

  document.querySelectorAll("[data-challenge]").forEach(solve);
}());
