"""What a reporter's message on a channel does: a command, an answer, a new report.

Runs in the worker, inside the transaction that records the message's outcome,
so a report, its receipt and the outcome are written together or not at all; what
an answer files and sends is kept in the chunk's ``Answers`` and written with the
other answers' rows (``answers``).
A known contact's message about an open report (or quoting its tracking ID)
joins that report; a message that says what and where files a report at once;
otherwise the contact is asked where, at most twice, and the report is filed
anyway for the verifier.
"""

from dataclasses import dataclass
from functools import partial

from django.utils import timezone
from django.utils.formats import date_format

from aduan.errors import DomainError
from aduan.lib.tracking import display
from aduan.reports import services
from aduan.reports.attachments import attachments_prepare
from aduan.reports.callers import Caller
from aduan.reports.models import DUE_FIELD_BY_STATUS, Channel, Report, ReportEvent
from aduan.reports.workflow import HELD, OPEN_STATUSES, Status
from aduan.routing.aliases import find_region

from . import commands, replies
from .answers import Answers
from .contacts import CHANNEL_OF, contact_link, contact_opt_out, contact_report_ids
from .held import held_keep, held_take
from .messages import bilingual, channel_text, contact_message, track_link
from .models import Contact, InboundMessage, InboundOutcome, OutboundChannel, Provider
from .parsers import Incoming

REPORT_CHANNEL = {
    OutboundChannel.SMS: Channel.SMS, OutboundChannel.WHATSAPP: Channel.WHATSAPP,
    OutboundChannel.TELEGRAM: Channel.TELEGRAM, OutboundChannel.TWITTER: Channel.TWITTER,
    OutboundChannel.EMAIL: Channel.EMAIL,
}
# Channels on which a reporter can share a location instead of typing the place.
SHARES_LOCATION = {OutboundChannel.WHATSAPP, OutboundChannel.TELEGRAM}
MAX_QUESTIONS = 2
TITLE_LENGTH = 80


@dataclass
class Turn:
    """One message being answered: who sent it, what it says, where it is stored."""

    contact: Contact
    message: InboundMessage
    incoming: Incoming
    answers: Answers  # where its rows wait to be written with the chunk's

    def reply(self, template, context: dict | None = None, *, purpose: str,
              event_id: int | None = None, link: str = "") -> None:
        texts = tuple(str(text) % (context or {}) if context else str(text)
                      for text in bilingual(template))
        body = channel_text(self.contact.channel, texts, link)
        subject = self.incoming.subject and f"Re: {self.incoming.subject}"[:250]
        payload = {"reply_to": self.message.provider_message_id[:200],
                   "door": self.message.provider}
        if self.incoming.thread_ref:
            payload["thread"] = self.incoming.thread_ref
        self.answers.send(contact_message(self.contact, body, purpose=purpose,
                                          subject=subject or "", event_id=event_id,
                                          payload=payload))


def converse(turn: Turn) -> tuple[str, int | None]:
    """Answer one message; return its outcome and the report it filed or joined."""
    text = turn.incoming.text.strip()
    command = commands.command_parse(text)
    if command is not None:
        return command_run(turn, command)
    if turn.contact.opted_out_at is not None:
        turn.contact.opted_out_at = None
        Contact.objects.filter(pk=turn.contact.pk).update(opted_out_at=None)
    if turn.contact.draft:
        return where_answer(turn)
    report = _report_in_question(turn.contact, text)
    if report is not None:
        return conversation_add(turn, report, text)
    if not text and turn.incoming.latitude is None:
        turn.reply(replies.ASK_WHAT, purpose="channel_question")
        return InboundOutcome.QUESTION, None
    return where_ask_or_file(turn, text)


# --- commands ----------------------------------------------------------------------


def command_run(turn: Turn, command: commands.Command) -> tuple[str, int | None]:
    if command.name == commands.HELP:
        turn.reply(replies.HELP, purpose="channel_help")
        return InboundOutcome.COMMAND, None
    if command.name == commands.STOP:
        turn.reply(replies.STOPPED, purpose="channel_stop")
        contact_opt_out(turn.contact)
        return InboundOutcome.COMMAND, None
    example = {commands.CHECK: "CEK 7QMX2-P4FKA", commands.INFO: "INFO 7QMX2-P4FKA ...",
               commands.REPLY: "BALAS 7QMX2-P4FKA ..."}[command.name]
    if not command.typed_id:
        turn.reply(replies.MISSING_ID, {"example": example}, purpose="channel_error")
        return InboundOutcome.COMMAND, None
    report = _own_report(turn.contact, command.tracking_id)
    if report is None:
        turn.reply(replies.UNKNOWN_ID, {"typed": command.typed_id}, purpose="channel_error")
        return InboundOutcome.COMMAND, None
    if command.name == commands.CHECK:
        turn.reply(replies.STATUS, status_context(report), purpose="channel_status",
                   link=track_link(report.tracking_id))
        return InboundOutcome.COMMAND, report.pk
    if not command.text and not turn.incoming.uploads:
        turn.reply(replies.MISSING_TEXT, {"example": example}, purpose="channel_error")
        return InboundOutcome.COMMAND, report.pk
    return conversation_add(turn, report, command.text,
                            prefer_reply=command.name == commands.REPLY)


def status_context(report: Report) -> dict:
    due = getattr(report, DUE_FIELD_BY_STATUS.get(report.status, ""), None)
    return {"id": display(report.tracking_id), "status": report.get_status_display(),
            "holder": report.holder.name if report.holder_id else replies.NOBODY,
            "due": date_format(timezone.localtime(due), "j M Y") if due else replies.NO_DUE}


def _own_report(contact: Contact, tracking_id: str | None) -> Report | None:
    """The contact's report with this ID; another person's report is as unknown as none."""
    if not tracking_id:
        return None
    report = Report.objects.select_related("holder").filter(tracking_id=tracking_id).first()
    if report is None or report.pk not in contact_report_ids(contact):
        return None
    return report


def _report_in_question(contact: Contact, text: str) -> Report | None:
    """The report a message is about: the one it quotes, else the contact's newest open one."""
    quoted = _own_report(contact, commands.quoted_tracking_id(text))
    if quoted is not None:
        return quoted
    ids = contact_report_ids(contact)
    if not ids:
        return None
    return (Report.objects.select_related("holder").filter(pk__in=ids, status__in=OPEN_STATUSES)
            .order_by("-received_at").first())


# --- joining a report ----------------------------------------------------------------


def conversation_add(turn: Turn, report: Report, text: str, *,
                     prefer_reply: bool = False) -> tuple[str, int | None]:
    """Add the message to the report by the move its status allows."""
    if report.status not in OPEN_STATUSES:
        return where_ask_or_file(turn, text)
    caller = Caller(pin_report_id=report.pk)
    try:
        prepared = attachments_prepare(turn.incoming.uploads)
        service = {Status.NEEDS_INFO: services.report_provide_info,
                   Status.RESPONDED: services.report_reply}.get(report.status)
        if service is None and report.status in HELD | {Status.SUBMITTED}:
            service = services.report_add_info
        service(caller=caller, report=report, message=text or "(foto)", attachments=prepared)
    except DomainError as exc:
        turn.reply(replies.REFUSED, {"id": display(report.tracking_id),
                                     "reason": str(exc.message)}, purpose="channel_error")
        return InboundOutcome.FAILED, report.pk
    # Tied to the event it confirms: shown in the report's conversation, never sent twice.
    event_id = (ReportEvent.objects.filter(report_id=report.pk).order_by("-pk")
                .values_list("pk", flat=True).first())
    turn.reply(replies.ADDED, {"id": display(report.tracking_id)}, purpose="channel_added",
               event_id=event_id)
    return InboundOutcome.CONVERSATION, report.pk


# --- a new report and the "where?" questions -----------------------------------------


def where_ask_or_file(turn: Turn, text: str) -> tuple[str, int | None]:
    region = find_region(text) if text else None
    if region or turn.incoming.latitude is not None:
        return report_file(turn, text, region)
    _draft_save(turn.contact, {"text": text, "asked": 1, "messages": [turn.message.pk],
                               "files": held_keep(_cleaned(turn.incoming.uploads))})
    turn.reply(replies.ASK_WHERE, purpose="channel_question")
    return InboundOutcome.QUESTION, None


def where_answer(turn: Turn) -> tuple[str, int | None]:
    draft = turn.contact.draft
    text = "\n".join(part for part in (draft.get("text", ""), turn.incoming.text.strip()) if part)
    region = find_region(text) if text else None
    if region or turn.incoming.latitude is not None or draft.get("asked", 0) >= MAX_QUESTIONS:
        _draft_save(turn.contact, {})
        return report_file(turn, text, region, earlier=draft.get("messages", []),
                           held=draft.get("files", []))
    files = [*draft.get("files", []), *held_keep(_cleaned(turn.incoming.uploads))]
    _draft_save(turn.contact, {**draft, "text": text, "asked": draft.get("asked", 0) + 1,
                               "messages": [*draft.get("messages", []), turn.message.pk],
                               "files": files})
    turn.reply(replies.ASK_WHERE_AGAIN, purpose="channel_question")
    return InboundOutcome.QUESTION, None


def _cleaned(uploads) -> list:
    """The message's files cleaned like the web's; a bad photo must not cost the report."""
    try:
        return attachments_prepare(uploads)
    except DomainError:
        return []


def _draft_save(contact: Contact, draft: dict) -> None:
    contact.draft = draft
    Contact.objects.filter(pk=contact.pk).update(draft=draft)


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= TITLE_LENGTH else first[:TITLE_LENGTH - 1].rstrip() + "…"


def report_file(turn: Turn, text: str, region: str | None, *, earlier: list[int] = (),
                held: list[dict] = ()) -> tuple[str, int | None]:
    """File the report through the intake entry point's batch form, with the chunk's others;
    then link the contact and send the receipt (``report_filed``).

    ``earlier`` are the messages answered with "where?", ``held`` the photos they carried.
    The report's id is set on the message once it is filed.
    """
    text = text or str(replies.ASK_WHAT)
    incoming = turn.incoming
    prepared = _cleaned(incoming.uploads)
    if held:
        prepared = held_take(list(held), prepared)
    data = services.NewReport(
        kind="complaint", title=_title(text) or "-", body=text[:10_000], region_code=region,
        latitude=incoming.latitude, longitude=incoming.longitude,
        channel=REPORT_CHANNEL[turn.contact.channel])
    # Checked now, so a report that cannot be filed fails its own message's answer.
    submission = services.report_prepare(data=data, attachments=prepared)
    turn.answers.file(submission, partial(report_filed, turn, list(earlier)))
    return InboundOutcome.REPORT, None


def report_filed(turn: Turn, earlier: list[int], filed: services.Filed) -> None:
    report = filed.report
    incoming = turn.incoming
    turn.answers.link(contact_link(report_id=report.pk, contact=turn.contact,
                                   provider=turn.message.provider,
                                   thread_ref=incoming.thread_ref or incoming.public_ref))
    turn.answers.report_of(turn.message, report.pk)
    if earlier:  # the questions' earlier messages belong to the report too
        InboundMessage.objects.filter(pk__in=earlier).update(report=report)
    receipt_send(turn, report, filed.pin, filed.event.pk)


def receipt_send(turn: Turn, report: Report, pin: str, event_id: int) -> None:
    """The receipt, tied to the submission's event; a public tweet gets only ID and link."""
    context = {"id": display(report.tracking_id), "pin": pin}
    link = track_link(report.tracking_id)
    if turn.incoming.public_ref:
        texts = tuple(str(t) % context for t in bilingual(replies.RECEIPT_PUBLIC))
        public = Contact(pk=turn.contact.pk, channel=turn.contact.channel,
                         address=f"tweet:{turn.incoming.public_ref}")
        turn.answers.send(contact_message(
            public, channel_text(turn.contact.channel, texts[:1], link),
            purpose="report_receipt_public", event_id=event_id,
            payload={"in_reply_to": turn.incoming.public_ref}))
    turn.reply(replies.RECEIPT, context, purpose="report_receipt", event_id=event_id, link=link)


def provider_channel(provider: str, payload: dict) -> str:
    if provider == Provider.SIMULATOR:
        return payload.get("channel", OutboundChannel.SMS)
    return CHANNEL_OF[provider]
