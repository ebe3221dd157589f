"""E-mail in: each new message in the mailbox is kept and read like any door's.

``aduan mail poll`` fetches unseen messages over IMAP (``ADUAN_IMAP_*``) and
marks them seen only once they are stored, so a crash fetches them again and
the Message-ID makes the second copy a no-op. A new message files a report; a
reply whose subject (or ``lapor+<tracking ID>@`` address) carries a tracking ID
joins that report when it comes from the report's own address. Attachments go
through the web's cleaning (``reports.attachments``). Outbound mail threads on
the first message's Message-ID (In-Reply-To, References).
"""

import base64
import email
import email.policy
import hashlib
import imaplib
import re
from email.utils import parseaddr

from django.conf import settings

from aduan.channels.inbound import inbound_store
from aduan.channels.commands import command_parse
from aduan.channels.models import Provider
from aduan.channels.parsers import Incoming, Unreadable, parser_register
from aduan.reports.attachments import Upload

ATTACHMENT_TYPES = ("image/", "application/pdf")
_TAG = re.compile(r"^\s*<[^>]+>\s*$")
_PLUS = re.compile(r"\+([0-9A-Za-z\-]{10,11})@")


def mail_receive(raw: bytes) -> bool:
    """Keep one raw message; False when it was already kept (same Message-ID)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = str(message.get("Message-ID", "")).strip()
    if not _TAG.match(message_id):
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    sender = parseaddr(str(message.get("From", "")))[1]
    _row, created = inbound_store(provider=Provider.EMAIL, provider_message_id=message_id,
                                  sender=sender, payload={"raw": base64.b64encode(raw).decode()})
    return created


def parse(payload: dict) -> Incoming:
    try:
        raw = base64.b64decode(payload["raw"])
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except (KeyError, ValueError, TypeError):
        raise Unreadable("not an e-mail message") from None
    subject = " ".join(str(message.get("Subject", "")).split())
    to = " ".join(str(message.get("To", "")).split())
    if plus := _PLUS.search(to):
        subject = f"[{plus.group(1)}] {subject}"
    body = _text(message)
    uploads = [Upload(part.get_filename() or "attachment", part.get_content())
               for part in message.iter_attachments()
               if part.get_content_type().startswith(ATTACHMENT_TYPES)]
    # A command is the body's first line ("CEK ..."); otherwise the subject opens the text.
    text = body if command_parse(body) else "\n\n".join(p for p in (subject, body) if p)
    if message.get("Auto-Submitted", "no").lower() != "no":
        return Incoming(ignore="automatic reply (Auto-Submitted)")
    return Incoming(text=text, uploads=uploads, subject=subject,
                    thread_ref=str(message.get("Message-ID", "")).strip()[:300])


def _text(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        content = re.sub(r"<[^>]+>", " ", content)
    # A reply quotes our message below it: keep only what the reporter wrote.
    lines = []
    for line in content.splitlines():
        if line.startswith(">") or re.match(r"^On .+ wrote:$|^Pada .+ menulis:$", line.strip()):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def mail_poll(*, limit: int = 200) -> int:
    """Fetch unseen messages from the IMAP mailbox; return how many new ones were kept."""
    config = settings.CHANNEL_DOORS["email"]
    kept = 0
    with imaplib.IMAP4_SSL(config["IMAP_HOST"], config["IMAP_PORT"]) as imap:
        imap.login(config["IMAP_USER"], config["IMAP_PASSWORD"])
        imap.select("INBOX")
        _status, found = imap.search(None, "UNSEEN")
        for number in (found[0].split() if found and found[0] else [])[:limit]:
            _status, data = imap.fetch(number, "(BODY.PEEK[])")
            raw = next((item[1] for item in data if isinstance(item, tuple)), b"")
            kept += mail_receive(raw)
            imap.store(number, "+FLAGS", "\\Seen")
    return kept


parser_register(Provider.EMAIL, parse)
