"""POST requests: a form-encoded GeoReport request becomes a report through the one intake.

The partner's ``api_key`` is an API client key with ``reports:submit``; the
report is filed as that client's (``partners.clients.client_report_submit``)
on the Open311 channel. ``attribute[...]`` answers set the report's kind and
privacy or add a labelled line to its text; ``media_url``, ``device_id`` and
``account_id`` are kept for staff beside the client's link, never fetched and
never published (ADR 0016).
"""

import re
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _

from aduan.agencies.selectors import active_category
from aduan.errors import Forbidden, InvalidInput, NotFound
from aduan.partners.clients import client_authenticate, client_rate_check, client_report_submit
from aduan.reports.access import client_may_submit
from aduan.reports.callers import caller_for_client
from aduan.reports.models import Channel, Kind
from aduan.reports.services import NewReport
from aduan.routing.aliases import find_region

from .catalogue import Attribute, attributes_for

DESCRIPTION_MAX = 4000
TITLE_MAX = 100
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_.-]{1,50})\](\[\])?$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,32}$")
TOKEN_SALT = "aduan.open311.token"


def client_for_key(api_key: str):
    """The client behind ``api_key`` with the right to submit; else 403 (the spec's answer)."""
    client = client_authenticate(api_key.strip()) if api_key.strip() else None
    if client is None:
        raise Forbidden(_("Missing or invalid api_key: send an API client key that has the "
                          "reports:submit scope."), code="invalid_api_key")
    if not client_may_submit(caller_for_client(client)):
        raise Forbidden(_("This api_key has no reports:submit scope."), code="scope_missing")
    client_rate_check(client)
    return client


def reader_for_key(api_key: str):
    """The live client behind an ``api_key`` sent on a read (reads are public: a wrong key is
    ignored and gives no extra rights), so that its calls are audited and counted."""
    return client_authenticate(api_key.strip()) if api_key.strip() else None


def _answers(form) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in form:
        match = _ATTRIBUTE.match(key)
        if match:
            found.setdefault(match.group(1), []).extend(v.strip() for v in form.getlist(key))
    return found


def _choice(attribute: Attribute, values: list[str]) -> str:
    allowed = [key for key, _label in attribute.values]
    if len(values) != 1 or values[0] not in allowed:
        raise InvalidInput(_("attribute[%(code)s] must be one of: %(allowed)s.")
                           % {"code": attribute.code, "allowed": ", ".join(allowed)},
                           field=f"attribute[{attribute.code}]")
    return values[0]


def _free_text(attribute: Attribute, values: list[str]) -> str:
    if len(values) != 1 or len(values[0]) > 100:
        raise InvalidInput(_("attribute[%(code)s] takes one value of at most 100 characters.")
                           % {"code": attribute.code}, field=f"attribute[{attribute.code}]")
    return values[0]


def attributes_apply(code: str, form) -> tuple[dict, list[str]]:
    """(NewReport fields, lines for the report's text) from the service's attributes.

    Attributes the service does not define are ignored, as Open311 clients send their own
    (FixMyStreet's ``fixmystreet_id``, ``easting``): the spec asks only for the defined ones.
    """
    answers = _answers(form)
    fields, lines = {}, []
    for attribute in attributes_for(code):
        values = [value for value in answers.get(attribute.code, []) if value]
        if not values:
            if attribute.required:
                raise InvalidInput(_("attribute[%(code)s] is required.")
                                   % {"code": attribute.code},
                                   field=f"attribute[{attribute.code}]")
            continue
        if attribute.datatype == "string":
            fields[attribute.field] = _free_text(attribute, values)
            continue
        key = _choice(attribute, values)
        if attribute.field in ("anonymous", "confidential"):
            fields[attribute.field] = key == "true"
        elif attribute.field:
            fields[attribute.field] = key
        else:
            # Written for the agency, in Indonesian, whatever the client's language.
            with translation.override("id"):
                lines.append(f"{attribute.description} {dict(attribute.values)[key]}")
    return fields, lines


def _coordinate(form, name: str) -> Decimal | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput(_("%(name)s must be a number in WGS84 degrees.") % {"name": name},
                           field=name)
    return value.quantize(Decimal("0.000001"))


def _text(form, name: str, limit: int) -> str:
    value = form.get(name, "").strip()
    if len(value) > limit:
        raise InvalidInput(_("%(name)s must be at most %(limit)d characters.")
                           % {"name": name, "limit": limit}, field=name)
    return value


def _contact(form) -> dict:
    email = _text(form, "email", 254)
    phone = _text(form, "phone", 32)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise InvalidInput(_("email is not a valid e-mail address."), field="email") from None
    if phone and not _PHONE.match(phone):
        raise InvalidInput(_("phone may hold only digits, spaces, brackets, dashes and a "
                             "leading +."), field="phone")
    name = " ".join(part for part in (_text(form, "first_name", 75),
                                      _text(form, "last_name", 75)) if part)
    return {"reporter_name": name, "reporter_email": email, "reporter_phone": phone}


def _location(form) -> dict:
    latitude, longitude = _coordinate(form, "lat"), _coordinate(form, "long")
    address = _text(form, "address_string", 500)
    address_id = _text(form, "address_id", 13)
    if (latitude is None) != (longitude is None):
        raise InvalidInput(_("Send both lat and long, or neither."), field="lat")
    if latitude is None and not address and not address_id:
        raise InvalidInput(_("Say where the problem is: lat and long, address_string, or "
                             "address_id (a Kemendagri region code such as 35.78.02)."),
                           field="lat")
    region = address_id or (find_region(address) if address else None)
    return {"latitude": latitude, "longitude": longitude, "address": address,
            "region_code": region or None}


def _media_urls(form) -> list[str]:
    urls = [url.strip() for url in form.getlist("media_url") if url.strip()]
    for url in urls:
        if len(url) > 500:
            raise InvalidInput(_("media_url must be at most 500 characters."), field="media_url")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise InvalidInput(_("media_url must be an http or https URL."),
                               field="media_url") from None
    return urls[:5]


def _title(description: str, fallback: str) -> str:
    first = description.splitlines()[0].strip() if description else ""
    if len(first) > TITLE_MAX:
        first = first[:TITLE_MAX].rsplit(" ", 1)[0] + "…"
    return first or fallback


def new_report(form) -> tuple[NewReport, dict, str]:
    """The report a GeoReport form describes, what it sent that a report has no field for,
    and the client's own id for it (or "")."""
    code = form.get("service_code", "").strip()
    if not code:
        raise InvalidInput(_("service_code is required; see services.json."),
                           field="service_code")
    category = active_category(code)
    if category is None:
        raise NotFound(_("No service with the code %(code)s; see services.json.")
                       % {"code": code})
    description = _text(form, "description", DESCRIPTION_MAX)
    if not description:
        raise InvalidInput(_("description is required: say what the problem is."),
                           field="description")
    fields, lines = attributes_apply(code, form)
    external_id = fields.pop("external_id", "")
    body = "\n".join([description, *([""] + lines if lines else [])])
    extra = {key: value for key, value in (
        ("media_url", _media_urls(form)), ("device_id", _text(form, "device_id", 100)),
        ("account_id", _text(form, "account_id", 100))) if value}
    data = NewReport(kind=fields.pop("kind", Kind.COMPLAINT),
                     title=_title(description, category.name), body=body, category=code,
                     channel=Channel.OPEN311, **_location(form), **_contact(form), **fields)
    return data, extra, external_id


def file(*, client, data: NewReport, extra: dict, external_id: str = ""):
    """File the request as the client's, through the one intake entry point.

    Returns (report, pin, created); a repeat of the client's ``external_id`` returns the
    first report, files nothing and has no PIN (it was given once).
    """
    return client_report_submit(client=client, data=data, extra=extra,
                                external_id=external_id)


def token_for(tracking_id: str) -> str:
    return signing.dumps(tracking_id, salt=TOKEN_SALT, compress=True)


def token_read(token: str) -> str:
    """The service_request_id a token was given for; a token we did not sign is not found."""
    try:
        return signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise NotFound(_("No such token.")) from None
