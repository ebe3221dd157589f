"""Helpers for the channel door tests: a local fake provider, signed requests, the worker."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import Client

from aduan.channels.inbound import inbound_process_due
from aduan.channels.outbox import outbox_deliver_due
from aduan.lib import signing


class FakeProvider:
    """An HTTP server on an ephemeral port that records requests and answers as told."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.answers = {}  # path prefix -> (content type, bytes)
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                provider.requests.append({"method": self.command, "path": self.path,
                                          "headers": dict(self.headers), "body": body})
                content_type, data = next(
                    (v for k, v in provider.answers.items() if self.path.startswith(k)),
                    ("application/json", b'{"id": "prov-1"}'))
                self.send_response(provider.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json_bodies(self):
        return [json.loads(r["body"]) for r in self.requests if r["method"] == "POST"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def signed_post(client: Client, path: str, data, secret: str, **extra):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v
               for k, v in signing.sign(secret, body).items()}
    return client.post(path, body, content_type="application/json", **headers, **extra)


def work(rounds: int = 3) -> None:
    """Run the worker's two jobs until nothing is left: read messages, deliver the outbox."""
    for _ in range(rounds):
        inbound_process_due()
        outbox_deliver_due()
