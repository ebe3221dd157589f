"""POST a body to a partner's URL over a kept-alive connection to a checked address.

Connections are kept per thread and per (scheme, host, port), so a worker
sending many deliveries to one receiver pays the TCP and TLS handshakes once.
A new connection dials the address ``netguard`` checked (TLS still verifies
the certificate against the host name), so a DNS answer that changes between
the check and the connect cannot redirect it inside our network.
"""

import http.client
import socket
import ssl
import threading

from .netguard import resolve_checked, url_parts

_local = threading.local()
_MAX_BODY = 64 * 1024


class _Pinned(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(scheme: str, host: str, port: int, *, allow_private: bool, timeout: float):
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = {}
    key = (scheme, host, port)
    if key not in pool:
        address = resolve_checked(host, port, allow_private=allow_private)
        kind = _PinnedTLS if scheme == "https" else _Pinned
        pool[key] = kind(host, port, address, timeout)
    return key, pool[key]


def post(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool = False,
         timeout: float = 10.0) -> int:
    """POST ``body``; return the status code. Raises ``UnsafeAddress``, ``OSError`` or
    ``http.client.HTTPException`` when no answer came."""
    scheme, host, port, path = url_parts(url)
    key, conn = _connection(scheme, host, port, allow_private=allow_private, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(_MAX_BODY)
        if response.will_close or not response.isclosed():
            _drop(key)
        return response.status
    except (OSError, http.client.HTTPException):
        _drop(key)
        raise


def _drop(key) -> None:
    conn = _local.pool.pop(key, None)
    if conn is not None:
        conn.close()


def close_all() -> None:
    for key in list(getattr(_local, "pool", {})):
        _drop(key)
