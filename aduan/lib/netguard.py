"""Refuse outbound HTTP to addresses inside our own network (server-side request forgery).

A partner names the URL our worker calls; without a check it could point the
worker at 127.0.0.1, the metadata service at 169.254.169.254 or a database on
the private network. A URL is resolved once and every address it resolves to
must be global; the caller then connects to that checked address (not to a
second lookup, which an attacker's DNS could answer differently).
"""

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeAddress(ValueError):
    """The URL is malformed or points at an address that is not on the public internet."""


def url_parts(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL; UnsafeAddress if malformed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeAddress(f"malformed URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress("the URL must start with http:// or https:// and name a host")
    if parts.username or parts.password:
        raise UnsafeAddress("the URL must not carry a user name or password")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve_checked(host: str, port: int, *, allow_private: bool = False) -> str:
    """One address of ``host`` to connect to; UnsafeAddress if any address is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnsafeAddress(f"cannot resolve {host}: {exc.strerror or exc}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeAddress(f"{host} has no address")
    if not allow_private:
        inside = [a for a in addresses if not is_public(a)]
        if inside:
            raise UnsafeAddress(f"{host} resolves to a private or local address ({inside[0]})")
    return addresses[0]
