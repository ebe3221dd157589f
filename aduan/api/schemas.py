"""Strict input and output schemas of the JSON API (unknown fields are refused)."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StringConstraints, field_validator

from aduan.reports.models import Kind
from aduan.reports.workflow import ArchiveReason, Status

_REGION_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Message = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
KindLiteral = Literal["complaint", "aspiration", "information_request"]
ArchiveLiteral = Literal["spam", "unintelligible", "duplicate", "out_of_scope", "incomplete",
                         "test"]

assert set(KindLiteral.__args__) == set(Kind.values)
assert set(ArchiveLiteral.__args__) == set(ArchiveReason.values)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ReporterIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)] = ""
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] = ""
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError(_("Enter a valid e-mail address, such as nama@contoh.id.")) from None
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and not _PHONE_RE.match(value):
            raise ValueError(_("Enter a phone number of digits, such as 0812 3456 7890 or "
                               "+62 812 3456 7890."))
        return value


class ReportIn(Strict):
    kind: KindLiteral
    title: Title
    body: Body
    category: Code | None = None
    region_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=13)] | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    occurred_on: date | None = None
    anonymous: StrictBool = False
    confidential: StrictBool = False
    reporter: ReporterIn | None = None
    agency: Code | None = Field(default=None, description="Requested target agency (optional).")
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = Field(
        default="", description="API clients only: the partner system's own id for the report. "
        "A repeat with the same id returns the report filed first (200, no PIN).")

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value and not _REGION_RE.match(value):
            raise ValueError(_("Use a Kemendagri region code such as 35, 35.78, 35.78.01 or "
                               "35.78.01.1001."))
        return value or None

    @staticmethod
    def coordinate(value: float | None) -> Decimal | None:
        return None if value is None else Decimal(str(round(value, 6)))


class Created(Schema):
    tracking_id: str
    pin: str
    status: str


class AgencyRef(Schema):
    code: str
    name: str


class CategoryRef(Schema):
    code: str
    name: str


class ReporterOut(Schema):
    name: str | None
    email: str | None
    phone: str | None


class RoutingCandidate(Schema):
    category: str
    agency: str | None
    confidence: float


class RoutingOut(Schema):
    decision: Literal["auto_dispatched", "needs_verifier"]
    reason: str | None = Field(description="Why the report waits: low_confidence, no_agency, "
                               "region_not_specific, sent_to_agency, auto_dispatch_off, "
                               "dispatch_refused")
    category: str | None
    agency: str | None
    region_code: str | None
    level: str | None
    confidence: float
    threshold: float
    candidates: list[RoutingCandidate] = Field(description="Top three (category, agency, "
                                               "confidence), best first")
    evidence: dict[str, list[str]] = Field(
        default_factory=dict, description="Why: 'place' lists the words that made the region "
        "(e.g. 'kec tebet', 'pemkot medan'), 'agency' the handle or name that named the agency")
    at: datetime


class Deadline(Schema):
    timer: str = Field(description="verification | info | followup | resolution | reply_window")
    due: datetime
    workdays_left: int = Field(description="Working days (hari kerja) left in the region's "
                               "calendar; 0 on the day, negative when late")
    overdue: bool


class AcceptIn(Strict):
    severity: Literal["simple", "dispute", "field_check"] | None = None


class ReportOut(Schema):
    tracking_id: str
    kind: str
    title: str
    body: str
    status: Literal[tuple(Status.values)]  # type: ignore[valid-type]
    status_label: str
    category: CategoryRef | None
    region_code: str | None
    region_name: str | None
    address: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    occurred_on: date | None
    anonymous: bool
    confidential: bool
    channel: str
    holder: AgencyRef | None
    received_at: datetime
    published_at: datetime | None
    dispatched_at: datetime | None
    responded_at: datetime | None
    closed_at: datetime | None
    verification_due: datetime | None
    followup_due: datetime | None
    resolution_due: datetime | None
    reply_due: datetime | None
    autoclose_due: datetime | None
    info_due: datetime | None
    severity: str
    paused_workdays: int
    current_deadline: Deadline | None
    escalation_level: int
    forward_count: int
    reopen_count: int
    rating: int | None
    rating_comment: str | None
    archive_reason: str | None
    reporter: ReporterOut | None
    reporter_hidden: bool
    allowed_actions: list[str]
    support_count: int = Field(description="Citizens who support the report, plus reports "
                               "archived as its duplicates")
    duplicate_of: str | None = Field(description="The original, for a report archived as a "
                                     "duplicate (only if the caller may see it)")
    related: list[str] = Field(description="Linked reports the caller may see")
    routing: RoutingOut | None = Field(description="The router's proposal (staff only)")


class ReportSummary(Schema):
    tracking_id: str
    kind: str
    title: str
    status: str
    category: str | None
    region_code: str | None
    holder: AgencyRef | None
    received_at: datetime
    published_at: datetime | None
    confidential: bool
    anonymous: bool


class ReportList(Schema):
    items: list[ReportSummary]
    next_cursor: str | None


class SimilarReport(ReportSummary):
    score: float = Field(description="How alike the texts and places are, 0 to 1")
    support_count: int


class SimilarList(Schema):
    items: list[SimilarReport]


class SupportOut(Schema):
    tracking_id: str
    support_count: int


class CategoryIn(Strict):
    category: Code


class LinkIn(Strict):
    other: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class EventOut(Schema):
    action: str
    at: datetime
    from_status: str | None
    to_status: str | None
    from_agency: AgencyRef | None
    to_agency: AgencyRef | None
    message: str | None
    actor_role: str
    actor: str | None
    data: dict


class EventList(Schema):
    items: list[EventOut]


class AgencyIn(Strict):
    agency: Code


class ForwardIn(Strict):
    agency: Code
    reason: Reason


class ReasonIn(Strict):
    reason: Reason


class MessageIn(Strict):
    message: Message


class CloseIn(Strict):
    rating: Annotated[int, Field(ge=1, le=5, strict=True)]
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class ArchiveIn(Strict):
    reason: ArchiveLiteral
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    duplicate_of: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None


class RestrictIn(Strict):
    anonymous: StrictBool | None = None
    confidential: StrictBool | None = None


class ReporterIdentity(Schema):
    name: str
    email: str
    phone: str
    account: str | None


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None
    default_level: str


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None


class AgencyOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    level: str
    region_code: str | None
    parent: str | None


class ErrorBody(Schema):
    code: str
    message: str


class Error(Schema):
    error: ErrorBody
