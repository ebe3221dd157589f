"""/api/v1/push: the server's VAPID key and a device's push subscription."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StringConstraints

from aduan.push.services import push_subscribe, push_unsubscribe
from aduan.push.vapid import vapid_public_key
from aduan.reports.access import push_owner_for_caller

from .auth import credentials_present, resolve_caller
from .schemas import Error, Strict

router = Router(tags=["push"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 413: Error, 422: Error, 429: Error}
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class PushKeysIn(Strict):
    p256dh: Key
    auth: Key


class SubscriptionIn(Strict):
    endpoint: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=1000)]
    keys: PushKeysIn
    # Browsers' PushSubscription.toJSON() carries it; Aduan does not use it.
    expirationTime: int | None = None  # noqa: N815 - the browser's own spelling
    tracking_id: str | None = Field(
        default=None, max_length=20,
        description="Subscribe to this one report (with X-Report-PIN); without it, to every "
                    "report of the reporter account that the bearer token belongs to.")


class EndpointIn(Strict):
    endpoint: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=1000)]
    tracking_id: str | None = Field(default=None, max_length=20)


class PublicKey(Schema):
    public_key: str = Field(description="VAPID application server key (base64url, P-256).")


class Subscribed(Schema):
    endpoint: str
    scope: str = Field(description="'account' or 'report'.")


class Removed(Schema):
    removed: int


@router.get("/push/key", response={200: PublicKey}, openapi_extra={"security": [{}]},
            summary="The VAPID public key to subscribe with")
def public_key(request: HttpRequest):
    return {"public_key": vapid_public_key()}


@router.post("/push/subscriptions", response={201: Subscribed, **ERRORS},
             openapi_extra={"security": [{"ReportPin": []}, {"BearerToken": []}]},
             auth=credentials_present,
             summary="Register a device for a reporter's notifications")
def subscribe(request: HttpRequest, payload: SubscriptionIn):
    owner = push_owner_for_caller(resolve_caller(request, payload.tracking_id),
                                  payload.tracking_id)
    push_subscribe(endpoint=payload.endpoint, p256dh=payload.keys.p256dh,
                   auth=payload.keys.auth, **owner)
    return Status(201, {"endpoint": payload.endpoint,
                        "scope": "report" if "report" in owner else "account"})


@router.post("/push/unsubscribe", response={200: Removed, **ERRORS},
             openapi_extra={"security": [{"ReportPin": []}, {"BearerToken": []}]},
             auth=credentials_present,
             summary="Stop a device's notifications")
def unsubscribe(request: HttpRequest, payload: EndpointIn):
    owner = push_owner_for_caller(resolve_caller(request, payload.tracking_id),
                                  payload.tracking_id)
    return {"removed": push_unsubscribe(endpoint=payload.endpoint, **owner)}
