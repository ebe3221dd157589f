#!/usr/bin/env python3
"""A reference client for partner systems connecting to Aduan (Python standard library only).

It shows the three things a partner needs:

* submit a report with an ``Idempotency-Key`` (retries reuse the key, so a lost answer
  never files the report twice) and the partner's own ``external_id``;
* receive webhooks: check ``X-Aduan-Signature`` over the raw body, refuse stale
  timestamps, and drop repeats by their event id;
* follow the changes feed with its cursor, saved after every page, to catch up on
  whatever the webhooks missed.

Usage::

    export ADUAN_URL=https://aduan.example.go.id ADUAN_KEY=adc_...
    python partner_client.py submit --title "Lampu jalan mati" --body "..." --external-id k-1
    python partner_client.py follow --cursor-file feed.cursor
    python partner_client.py receive --port 8088 --secret whsec_...
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WINDOW_SECONDS = 300


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body
        error = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"{status} {error.get('code', '')}: {error.get('message', body)}")


class PartnerClient:
    """Calls /api/v1 with the client's key."""

    def __init__(self, base_url: str, key: str, *, timeout: float = 30.0):
        self.base_url, self.key, self.timeout = base_url.rstrip("/"), key, timeout

    def _call(self, method: str, path: str, body: dict | None = None,
              headers: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base_url}/api/v1{path}", data=data, method=method,
            headers={"Authorization": f"Bearer {self.key}", "Accept": "application/json",
                     "Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            payload = json.loads(exc.read() or b"{}")
            raise ApiError(exc.code, payload) from None

    def submit(self, report: dict, *, external_id: str = "", idempotency_key: str = "",
               attempts: int = 3) -> dict:
        """File a report; a network failure or a 5xx is retried with the same key.

        Returns the API's answer: ``tracking_id`` and, the first time only, ``pin``.
        """
        key = idempotency_key or str(uuid.uuid4())
        body = {**report, **({"external_id": external_id} if external_id else {})}
        for attempt in range(attempts):
            try:
                return self._call("POST", "/reports", body, {"Idempotency-Key": key})[1]
            except ApiError as exc:
                if exc.status < 500 or attempt == attempts - 1:
                    raise
            except OSError:
                if attempt == attempts - 1:
                    raise
            time.sleep(2 ** attempt)
        raise AssertionError("unreachable")

    def changes(self, after: str = "", *, limit: int = 100) -> dict:
        """One page of the changes feed: ``events``, ``next`` (the cursor) and ``has_more``."""
        query = urllib.parse.urlencode({"after": after, "limit": limit})
        return self._call("GET", f"/changes?{query}")[1]

    def follow(self, cursor_file: str, handle) -> int:
        """Hand every new event to ``handle`` and save the cursor after each page.

        ``handle`` must be idempotent on ``event["id"]``: after a crash between handling
        and saving, the last page comes again.
        """
        after = _read(cursor_file)
        count = 0
        while True:
            page = self.changes(after)
            for event in page["events"]:
                handle(event)
                count += 1
            after = page["next"]
            _write(cursor_file, after)
            if not page["has_more"]:
                return count


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii") as file:
            return file.read().strip()
    except FileNotFoundError:
        return ""


def _write(path: str, text: str) -> None:
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="ascii") as file:
        file.write(text)
    os.replace(temporary, path)


def verify_signature(secret: str, body: bytes, headers, *, now: float | None = None,
                     window: int = WINDOW_SECONDS) -> bool:
    """Whether a webhook was signed by Aduan with ``secret`` within the last few minutes.

    ``X-Aduan-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>``;
    compare over the raw bytes received, never a re-serialised body.
    """
    stamp = headers.get("X-Aduan-Timestamp", "")
    given = headers.get("X-Aduan-Signature", "")
    if not stamp.isdigit() or not given.startswith("sha256="):
        return False
    if abs((now if now is not None else time.time()) - int(stamp)) > window:
        return False
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + expected.hexdigest(), given)


class WebhookReceiver(ThreadingHTTPServer):
    """A tiny receiver: 401 for a bad signature, 200 (and ``handle`` once) for each event."""

    def __init__(self, address: tuple[str, int], secret: str, handle):
        self.secret, self.handle, self.seen = secret, handle, set()
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        if not verify_signature(server.secret, body, self.headers):
            return self._answer(401)
        event = json.loads(body)
        # Deliveries are at least once: the event id says whether this one was seen.
        if event["id"] not in server.seen:
            server.seen.add(event["id"])
            server.handle(event)
        self._answer(200)

    def _answer(self, status: int):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _print(event: dict) -> None:
    print(json.dumps(event, ensure_ascii=False), flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("ADUAN_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--key", default=os.environ.get("ADUAN_KEY", ""))
    sub = parser.add_subparsers(dest="command", required=True)
    submit = sub.add_parser("submit")
    submit.add_argument("--title", required=True)
    submit.add_argument("--body", required=True)
    submit.add_argument("--kind", default="complaint")
    submit.add_argument("--region-code", default="")
    submit.add_argument("--external-id", default="")
    submit.add_argument("--idempotency-key", default="")
    follow = sub.add_parser("follow")
    follow.add_argument("--cursor-file", default="aduan-feed.cursor")
    receive = sub.add_parser("receive")
    receive.add_argument("--port", type=int, default=8088)
    receive.add_argument("--secret", default=os.environ.get("ADUAN_WEBHOOK_SECRET", ""))
    args = parser.parse_args(argv)
    client = PartnerClient(args.url, args.key)
    if args.command == "submit":
        report = {"kind": args.kind, "title": args.title, "body": args.body}
        if args.region_code:
            report["region_code"] = args.region_code
        _print(client.submit(report, external_id=args.external_id,
                             idempotency_key=args.idempotency_key))
    elif args.command == "follow":
        client.follow(args.cursor_file, _print)
    else:
        WebhookReceiver(("0.0.0.0", args.port), args.secret, _print).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
