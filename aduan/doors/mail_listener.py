"""E-mail in over SMTP: ``aduan mail serve`` receives mail for the door's address itself.

Each message is kept raw through ``email_in.mail_receive``, exactly as the IMAP
poll keeps it, and the sending server hears ``250`` only once the row is
committed: a crash or a database outage answers ``451`` and the sender's
server tries again later, so nothing is lost and a retry of a stored message
(same Message-ID) is a no-op. Oversize mail is refused by aiosmtpd before it is
stored (``552`` at ``MAIL FROM ... SIZE=`` or at the end of ``DATA``); mail for
other addresses is refused at ``RCPT`` (``550``), so the listener never relays.
The database work runs in a small thread pool: the ORM is synchronous and the
listener's event loop must keep reading other connections meanwhile.
"""

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections

from .email_in import mail_receive

logger = logging.getLogger(__name__)
STORE_THREADS = 4
MAX_RECIPIENTS = 20


def store_in_thread(raw: bytes) -> bool:
    """Keep one message from a pool thread, with a connection as fresh as a request's."""
    close_old_connections()
    try:
        return mail_receive(raw)
    finally:
        close_old_connections()


class MailDoor:
    """The aiosmtpd handler: accept mail for the door's address, answer after storing it."""

    def __init__(self, *, address: str = "", store: Callable[[bytes], bool] = store_in_thread,
                 executor: Executor | None = None):
        self.local, _at, self.domain = address.lower().rpartition("@")
        self.store = store
        self.executor = executor or ThreadPoolExecutor(STORE_THREADS, "mail-store")

    def accepts(self, recipient: str) -> bool:
        """The door's own address, or ``lapor+<tracking ID>@`` on it; any address when unset."""
        if not self.domain:
            return True
        local, _at, domain = recipient.lower().rpartition("@")
        return domain == self.domain and local.split("+", 1)[0] == self.local

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.accepts(address):
            return "550 5.1.1 No such mailbox here"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or b""
        loop = asyncio.get_running_loop()
        try:
            created = await loop.run_in_executor(self.executor, self.store, raw)
        except Exception as exc:  # the database is away: the sender's server keeps it and retries
            logger.warning("mail not stored: %s", type(exc).__name__)
            return "451 4.3.0 Message not stored, please try again later"
        return "250 2.0.0 Message accepted" if created else "250 2.0.0 Message already received"


def mail_max_bytes() -> int:
    return settings.CHANNEL_DOORS["email"]["MAX_BYTES"]


def mail_listener(host: str, port: int, *, handler: MailDoor | None = None) -> Controller:
    """An SMTP listener on ``host:port`` (not started: call ``start()`` and ``stop()``)."""
    config = settings.CHANNEL_DOORS["email"]
    handler = handler or MailDoor(address=config["ADDRESS"])
    return Controller(handler, hostname=host.strip("[]"), port=port,
                      server_hostname=handler.domain or "aduan", ident="Aduan",
                      data_size_limit=mail_max_bytes(), enable_SMTPUTF8=True)


def listen_address(value: str) -> tuple[str, int]:
    """Split ``host:port`` (``[::1]:2525`` for IPv6), as ``ADUAN_MAIL_LISTEN`` holds it."""
    host, _colon, port = value.rpartition(":")
    return host, int(port)
