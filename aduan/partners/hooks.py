"""What the partners app does with every batch of report events (see ``reports.events``)."""

from .deliveries import webhooks_queue
from .feed import feed_record


def events_written(event_ids) -> None:
    feed_record(event_ids)
    webhooks_queue(event_ids)
