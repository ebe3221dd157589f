"""API clients: partner systems that submit, read and act for one agency with a key.

A key is shown once, at creation or rotation, and only its SHA-256 is stored. A
rotation keeps the old keys working for an overlap period, so a partner can
deploy the new key without an outage; a revocation ends every key at once. Each
client acts through its own service account, so events and audit entries name it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from aduan.accounts.models import AuditEntry
from aduan.accounts.ratelimit import rate_hit
from aduan.agencies.models import Agency
from aduan.errors import InvalidInput, NotFound, RateLimited
from aduan.routing.intake import report_intake

from .deliveries import webhooks_queue
from .models import ApiClient, ApiClientKey, ClientReport, Scope, key_hash

TOUCH_EVERY = timedelta(minutes=5)
DEFAULT_OVERLAP = timedelta(hours=24)


@dataclass(frozen=True)
class ClientKey:
    client: ApiClient
    raw: str


def scopes_parse(text: str | list[str]) -> list[str]:
    """The scopes named in ``text`` (comma-separated or a list), checked against ``Scope``."""
    items = text.split(",") if isinstance(text, str) else list(text)
    scopes = sorted({item.strip() for item in items if item.strip()})
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown or not scopes:
        raise InvalidInput(_("Unknown or missing scopes: %(scopes)s. Choose from %(known)s.") % {
            "scopes": ", ".join(unknown) or "-", "known": ", ".join(Scope.values)},
            code="invalid_scopes", field="scopes")
    return scopes


def _new_key(client: ApiClient) -> str:
    raw = ApiClientKey.new_raw()
    ApiClientKey.objects.create(client=client, key_hash=key_hash(raw), prefix=raw[:12])
    return raw


def _service_user(name: str):
    username = f"client-{slugify(name)[:40] or 'partner'}"
    users = get_user_model().objects
    base, n = username, 1
    while users.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = users.create(username=username, first_name=name[:150], is_active=True)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def client_create(*, name: str, agency_code: str, scopes: str | list[str], actor=None,
                  rate_limit_per_minute: int = 600) -> ClientKey:
    """Create a client and its first key; the raw key is returned once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the client a name of at most 100 characters."),
                           field="name")
    agency = Agency.objects.filter(pk=agency_code.strip(), active=True).first()
    if agency is None:
        raise InvalidInput(_("No active agency with the code %(code)s.") % {"code": agency_code},
                           code="unknown_agency", field="agency")
    parsed = scopes_parse(scopes)
    if not 1 <= rate_limit_per_minute <= 100_000:
        raise InvalidInput(_("The rate limit must be between 1 and 100000 requests per minute."),
                           field="rate_limit_per_minute")
    with transaction.atomic():
        if ApiClient.objects.filter(name__iexact=name).exists():
            raise InvalidInput(_("A client with this name already exists."),
                               code="duplicate_client", field="name")
        client = ApiClient.objects.create(
            name=name, agency=agency, scopes=parsed, created_by=actor,
            rate_limit_per_minute=rate_limit_per_minute, service_user=_service_user(name))
        raw = _new_key(client)
        AuditEntry.objects.create(actor=actor, action=AuditEntry.Action.CLIENT_CREATED,
                                  target=f"client:{client.pk}",
                                  detail={"client": client.name, "agency": agency.pk,
                                          "scopes": parsed})
    return ClientKey(client, raw)


def client_get(name_or_id: str) -> ApiClient:
    text = str(name_or_id).strip()
    client = (ApiClient.objects.filter(pk=int(text)).first() if text.isdigit()
              else ApiClient.objects.filter(name__iexact=text).first())
    if client is None:
        raise NotFound(_("No API client named %(name)s.") % {"name": text})
    return client


def client_rotate(*, client: ApiClient, actor=None,
                  overlap: timedelta = DEFAULT_OVERLAP) -> ClientKey:
    """A new key; the keys before it keep working for ``overlap``, then stop."""
    if client.revoked_at is not None:
        raise InvalidInput(_("This client is revoked; create a new one."), code="revoked")
    now = timezone.now()
    with transaction.atomic():
        ends = now + overlap
        client.keys.filter(expires_at__isnull=True).update(expires_at=ends)
        client.keys.filter(expires_at__gt=ends).update(expires_at=ends)
        raw = _new_key(client)
        AuditEntry.objects.create(actor=actor, action=AuditEntry.Action.CLIENT_CHANGED,
                                  target=f"client:{client.pk}",
                                  detail={"client": client.name, "change": "rotated",
                                          "old_keys_until": ends.isoformat()})
    return ClientKey(client, raw)


def client_revoke(*, client: ApiClient, actor=None) -> None:
    """End every key of the client at once."""
    now = timezone.now()
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(revoked_at=now)
        client.keys.filter(expires_at__isnull=True).update(expires_at=now)
        client.keys.filter(expires_at__gt=now).update(expires_at=now)
        AuditEntry.objects.create(actor=actor, action=AuditEntry.Action.CLIENT_CHANGED,
                                  target=f"client:{client.pk}",
                                  detail={"client": client.name, "change": "revoked"})
    client.revoked_at = now


def client_authenticate(raw: str, *, now: datetime | None = None) -> ApiClient | None:
    """The client a raw key belongs to, if the key and the client are both live."""
    if not raw.startswith("adc_"):
        return None
    now = now or timezone.now()
    key = (ApiClientKey.objects.select_related("client", "client__agency",
                                               "client__service_user")
           .filter(key_hash=key_hash(raw), client__revoked_at__isnull=True)
           .first())
    if key is None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if key.last_used_at is None or key.last_used_at < now - TOUCH_EVERY:
        ApiClientKey.objects.filter(pk=key.pk).update(last_used_at=now)
        ApiClient.objects.filter(pk=key.client_id).update(last_used_at=now)
    return key.client


def client_rate_check(client: ApiClient) -> None:
    """Count one request of the client against its own per-minute limit."""
    if not rate_hit("api_client", f"client:{client.pk}",
                    limit=(client.rate_limit_per_minute, 60)):
        raise RateLimited(_("This client sent more than %(n)d requests in a minute; slow "
                            "down and retry.") % {"n": client.rate_limit_per_minute})


def client_call_audit(*, client: ApiClient, method: str, path: str, status: int) -> None:
    """Every call by a client is in the audit log under its name (no query string: it may
    carry citizens' words)."""
    AuditEntry.objects.create(actor=client.service_user, action=AuditEntry.Action.CLIENT_CALL,
                              target=path[:100],
                              detail={"client": client.name, "method": method,
                                      "status": status})


def client_report_submit(*, client: ApiClient, data, external_id: str = "",
                         attachments: list = (), extra: dict | None = None,
                         ) -> tuple[object, str, bool]:
    """File a partner's report through the one intake entry point.

    Returns (report, pin, created). A repeat of the client's own ``external_id``
    returns the report filed the first time (no PIN: it was given once) and files
    nothing; two racing repeats file one report. ``extra`` is kept beside the link for
    staff (what the partner sent that the report has no field for).
    """
    external_id = external_id.strip()
    if external_id:
        existing = _client_report(client, external_id)
        if existing is not None:
            return existing, "", False
    try:
        with transaction.atomic():
            report, pin = report_intake(data=data, attachments=attachments)
            ClientReport.objects.create(client=client, external_id=external_id, report=report,
                                        extra=extra or {})
            # The submit event was written before the link: tell the submitter now.
            webhooks_queue(list(report.events.values_list("pk", flat=True)))
    except IntegrityError:
        existing = _client_report(client, external_id) if external_id else None
        if existing is None:
            raise
        return existing, "", False
    return report, pin, True


def _client_report(client: ApiClient, external_id: str):
    link = (ClientReport.objects.select_related("report")
            .filter(client=client, external_id=external_id).first())
    return link.report if link else None
