"""A real HTTP receiver for webhook tests: checks the house signature of every delivery."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aduan.lib.signing import SignatureError, verify


class Receiver:
    """Listens on 127.0.0.1; answers ``status`` (changeable) and keeps what it received."""

    def __init__(self, secret: str = ""):
        self.secret, self.status, self.received, self.refused = secret, 204, [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    verify(receiver.secret, body, self.headers)
                except SignatureError as exc:
                    receiver.refused.append(exc.reason)
                    self._answer(401)
                    return
                receiver.received.append((dict(self.headers), json.loads(body)))
                self._answer(receiver.status)

            def _answer(self, status):
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/aduan"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def bodies(self) -> list[dict]:
        return [body for _headers, body in self.received]
