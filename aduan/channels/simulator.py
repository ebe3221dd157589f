"""The channel simulator: a trainee writes as a citizen on a door and sees what happens.

Only in training mode, where the outbox never sends anything: the trainee's
message goes through the same worker code as a real one (commands, questions,
intake), and the replies it would have got are read back from the outbox.
"""

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aduan.errors import Forbidden, InvalidInput
from aduan.reports.models import Report
from aduan.reports.training import training_mode

from .contacts import address_digest, normalise_address
from .inbound import inbound_process, inbound_store
from .models import Contact, InboundMessage, OutboundChannel, OutboundMessage, Provider

CHANNELS = (OutboundChannel.SMS, OutboundChannel.WHATSAPP, OutboundChannel.TELEGRAM,
            OutboundChannel.TWITTER)


@dataclass(frozen=True)
class Simulated:
    outcome: str
    report: Report | None
    replies: list[OutboundMessage]


def simulator_address(user_id: int) -> str:
    return f"simulator-{user_id}"


def simulate(*, user_id: int, channel: str, text: str, public: bool = False) -> Simulated:
    """Handle a trainee's message as the door would; refuse outside training mode."""
    if not training_mode():
        raise Forbidden(_("The channel simulator works only in training mode."))
    if channel not in CHANNELS:
        raise InvalidInput(_("Choose SMS, WhatsApp, Telegram or X."), field="channel")
    if not text.strip() or len(text) > 4000:
        raise InvalidInput(_("Type a message of at most 4000 characters."), field="text")
    message_id = uuid.uuid4().hex
    row, _created = inbound_store(
        provider=Provider.SIMULATOR, provider_message_id=message_id,
        sender=simulator_address(user_id),
        payload={"text": text, "channel": channel,
                 "public": bool(public and channel == OutboundChannel.TWITTER),
                 "ref": message_id})
    last = OutboundMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    outcome = inbound_process(row)
    row = InboundMessage.objects.select_related("report").get(pk=row.pk)
    return Simulated(outcome, row.report, simulated_replies(user_id, channel, after=last))


def simulated_replies(user_id: int, channel: str, *, after: int = 0) -> list[OutboundMessage]:
    address = normalise_address(channel, simulator_address(user_id))
    contact = Contact.objects.filter(channel=channel,
                                     address_digest=address_digest(channel, address)).first()
    if contact is None:
        return []
    return list(OutboundMessage.objects.filter(pk__gt=after, payload__contact=contact.pk)
                .order_by("pk")[:20])
