"""What the worker's answers write, kept and written together: one INSERT or UPDATE per table.

The worker answers a chunk of messages in one transaction (``inbound``). Each answer
decides in memory what it writes (a report to file, replies to queue, the message's
outcome) and hands it here; ``flush`` files the reports through the intake's batch
form (``reports_intake``: one INSERT each for reports, events, feed entries and
grants, one routing kick), then links each report to its contact and queues its
receipt, and writes every reply and outcome, one statement per table.

The worker flushes at the end of a chunk, and before an answer whose contact already
has rows waiting here: an answer must see what the contact's earlier messages did
(the report it may join, the draft it answers). Replies keep the order in which the
answers made them; a filing's receipt takes the place of the filing.
"""

from collections.abc import Callable

from aduan.lib.bulkupdate import rows_update
from aduan.reports.services import Filed, Submission
from aduan.routing.intake import reports_intake

from .models import InboundMessage, OutboundMessage, ReportContact
from .tasks import kick_after_commit

# What an answer sets on its message (one UPDATE for the chunk).
OUTCOME_FIELDS = ("outcome", "report", "contact", "processed_at", "claimed_until", "attempts",
                  "error", "text")


class Answers:
    """The rows of the answers made since the last ``flush``."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        """Forget what is kept (its answers were rolled back)."""
        self._filings: list[tuple[Submission, Callable[[Filed], None], list]] = []
        self._outbound: list = []  # rows, and one list per filing for what it queues
        self._target = self._outbound
        self._links: list[ReportContact] = []
        self._outcomes: dict[int, InboundMessage] = {}

    def file(self, submission: Submission, then: Callable[[Filed], None]) -> None:
        """File the report at the next flush, then call ``then`` with it (in the same
        transaction): its link, its receipt, the message's report."""
        slot: list[OutboundMessage] = []
        self._outbound.append(slot)
        self._filings.append((submission, then, slot))

    def send(self, row: OutboundMessage | None) -> bool:
        """Queue an outbox row (None: nothing to send, e.g. to a contact that sent STOP)."""
        if row is None:
            return False
        self._target.append(row)
        return True

    def link(self, row: ReportContact) -> None:
        self._links.append(row)

    def record(self, message: InboundMessage, **fields) -> None:
        """The message's outcome (``OUTCOME_FIELDS``; ``text`` kept when not given)."""
        fields.setdefault("text", message.text)
        self._outcomes[message.pk] = InboundMessage(pk=message.pk, **fields)

    def report_of(self, message: InboundMessage, report_id: int) -> None:
        """The report a filing made for the message (known once it is written)."""
        self._outcomes[message.pk].report_id = report_id

    def flush(self) -> None:
        filings, outbound = self._filings, self._outbound
        links, outcomes = self._links, self._outcomes
        if filings:
            for (_submission, then, slot), filed in zip(
                    filings, reports_intake([item[0] for item in filings]), strict=True):
                self._target = slot
                then(filed)
        self.clear()
        ReportContact.objects.bulk_create(links, ignore_conflicts=True)
        rows = [row for item in outbound for row in (item if isinstance(item, list) else [item])]
        if rows:
            OutboundMessage.objects.bulk_create(rows, ignore_conflicts=True)
            kick_after_commit()
        rows_update(list(outcomes.values()), OUTCOME_FIELDS)
