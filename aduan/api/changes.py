"""/api/v1/changes: the changes feed, for partners that missed webhooks (or use none)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from aduan.errors import Forbidden, Unauthenticated
from aduan.partners.feed import MAX_LIMIT, feed_page
from aduan.reports.access import changes_feed_allowed

from .auth import resolve_caller
from .query import query_check
from .schemas import Error

router = Router(tags=["partners"])


class ChangesQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    after: str = Field("", max_length=40, description="The `next` cursor of the last page; "
                       "empty for the start of the feed")
    limit: int = Field(100, description=f"Events per page, 1 to {MAX_LIMIT}")


class Holder(Schema):
    code: str
    name: str


class EventReport(Schema):
    tracking_id: str
    status: str
    category: str | None
    holder: Holder | None
    external_id: str | None = Field(None, description="Your id for it, if you submitted it")
    title: str | None = Field(None, description="With `reports:read` on a report your agency "
                              "holds or held")


class FeedEvent(Schema):
    id: str = Field(description="Unique and stable: the same id as the webhook delivery "
                    "(header X-Aduan-Event-Id); de-duplicate on it")
    type: str = Field(description="report.received, report.dispatched, report.responded, "
                      "report.closed, report.escalated, or report.<action> for other steps")
    created_at: str
    report: EventReport
    message: str = Field(description="The step's text, as far as you may read it")


class ChangesOut(Schema):
    events: list[FeedEvent]
    next: str = Field(description="Send as `after` next time (also when `events` is empty)")
    has_more: bool


@router.get("/changes", response={200: ChangesOut, 401: Error, 403: Error, 422: Error},
            summary="Report events in commit order, after a cursor")
def changes(request: HttpRequest, params: Query[ChangesQuery]):
    """Events of the reports your agency holds or held (and those you submitted), in the
    order they were committed: a page never skips or repeats an event, even one whose
    transaction committed late. Needs an API client key with `reports:read`, or a national
    admin's token. A parameter other than `after` and `limit`, or one sent twice, is a 422
    (`unknown_parameter`, `repeated_parameter`) rather than silently ignored."""
    query_check(request, ChangesQuery)
    caller = resolve_caller(request)
    if caller.user is None:
        raise Unauthenticated()
    if not changes_feed_allowed(caller):
        raise Forbidden(_("The changes feed needs an API client with the reports:read scope, "
                          "or a national admin."), code="scope_missing")
    return feed_page(caller, after=params.after, limit=params.limit)


_HEADERS = {
    "X-Aduan-Event-Id": "The event's id (also `id` in the body); de-duplicate on it",
    "X-Aduan-Event-Type": "The event's type (also `type` in the body)",
    "X-Aduan-Timestamp": "Unix seconds when this attempt was signed; refuse one more than "
                         "five minutes from your clock",
    "X-Aduan-Signature": "`sha256=<hex HMAC-SHA256(secret, timestamp + \".\" + raw body)>`",
}


def webhook_document() -> dict:
    """The OpenAPI ``webhooks`` entry: what Aduan POSTs to a client's endpoint."""
    return {"reportEvent": {"post": {
        "summary": "A report event, POSTed to a client's webhook (see docs/partners.md)",
        "parameters": [{"name": name, "in": "header", "required": True,
                        "description": text, "schema": {"type": "string"}}
                       for name, text in _HEADERS.items()],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/FeedEvent"}}}},
        "responses": {"2XX": {"description": "Received; anything else is retried for 24 h"}},
    }}}
