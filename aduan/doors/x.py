"""X (Twitter) through Account Activity webhooks.

``GET /channels/x?crc_token=...`` answers the challenge-response check with
``{"response_token": "sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}``.
``POST /channels/x`` carries ``x-twitter-webhooks-signature`` (the same HMAC over
the raw body). A ``tweet_create_events`` tweet that mentions the account and
carries the hashtag becomes a report; the account's own tweets and retweets are
ignored. The public answer, in the thread, says only "received", the tracking ID
and a link; everything else goes by direct message (``direct_message_events``).
"""

import base64
import hashlib
import hmac
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from aduan.channels.inbound import inbound_store
from aduan.channels.models import OutboundChannel, OutboundMessage, Provider
from aduan.channels.parsers import Incoming, Unreadable, parser_register
from aduan.channels.transports import PermanentFailure, transport_register

from .common import (
    accepted,
    door_settings,
    http_json,
    json_body,
    raw_body,
    refused,
    store_unreadable,
    too_big,
)


def token(secret: str, data: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), data,
                                                 hashlib.sha256).digest()).decode()


@csrf_exempt
def webhook(request):
    config = door_settings("x", "CONSUMER_SECRET", "HANDLE")
    if request.method == "GET":
        crc = request.GET.get("crc_token", "")
        if not crc:
            return JsonResponse({"error": {"code": "invalid_input",
                                           "message": "crc_token is required."}}, status=400)
        return JsonResponse({"response_token": token(config["CONSUMER_SECRET"], crc.encode())})
    if request.method != "POST":
        return HttpResponse(status=405)
    body = raw_body(request)
    if body is None:
        return too_big()
    given = request.headers.get("X-Twitter-Webhooks-Signature", "")
    if not given or not hmac.compare_digest(token(config["CONSUMER_SECRET"], body), given):
        return refused(403)
    data = json_body(body)
    if not isinstance(data, dict):
        store_unreadable(Provider.X, body)
        return accepted()
    for event_id, sender, payload in _events(data, config):
        inbound_store(provider=Provider.X, provider_message_id=event_id, sender=sender,
                      payload=payload)
    return accepted()


def _events(data: dict, config: dict):
    own = str(data.get("for_user_id", ""))
    for tweet in data.get("tweet_create_events") or []:
        if isinstance(tweet, dict) and _is_report_tweet(tweet, own, config):
            yield f"tweet:{tweet['id_str']}", str(tweet["user"]["id_str"]), {
                "kind": "tweet", "id": tweet["id_str"], "text": _tweet_text(tweet)}
    for event in data.get("direct_message_events") or []:
        create = event.get("message_create") if isinstance(event, dict) else None
        if not isinstance(create, dict) or event.get("type") != "message_create":
            continue
        sender = str(create.get("sender_id", ""))
        if sender and sender != own and event.get("id"):
            yield f"dm:{event['id']}", sender, {
                "kind": "dm", "text": (create.get("message_data") or {}).get("text", "")}


def _is_report_tweet(tweet: dict, own: str, config: dict) -> bool:
    user = tweet.get("user") or {}
    if not tweet.get("id_str") or not user.get("id_str"):
        return False
    if str(user["id_str"]) == own or user.get("screen_name", "").lower() == config["HANDLE"].lower():
        return False  # our own tweets, our own replies included
    if "retweeted_status" in tweet or tweet.get("text", "").startswith("RT @"):
        return False
    entities = (tweet.get("extended_tweet") or {}).get("entities") or tweet.get("entities") or {}
    mentions = {m.get("screen_name", "").lower() for m in entities.get("user_mentions", [])}
    tags = {h.get("text", "").lower() for h in entities.get("hashtags", [])}
    return config["HANDLE"].lower() in mentions and config["HASHTAG"].lower() in tags


def _tweet_text(tweet: dict) -> str:
    text = (tweet.get("extended_tweet") or {}).get("full_text") or tweet.get("text", "")
    handle, tag = settings.CHANNEL_DOORS["x"]["HANDLE"], settings.CHANNEL_DOORS["x"]["HASHTAG"]
    text = re.sub(rf"(?i)@{re.escape(handle)}\b|#{re.escape(tag)}\b", " ", text)
    return " ".join(text.split())


def parse(payload: dict) -> Incoming:
    if payload.get("kind") == "tweet":
        return Incoming(text=str(payload.get("text", "")), public_ref=str(payload["id"]))
    if payload.get("kind") == "dm":
        return Incoming(text=str(payload.get("text", "")))
    raise Unreadable("not a tweet or a direct message")


def send(message: OutboundMessage) -> str:
    """A reply in the tweet's thread (public: ID and link only), or a direct message."""
    config = settings.CHANNEL_DOORS["x"]
    if not config["ACCESS_TOKEN"]:
        raise PermanentFailure("X is not configured")
    base, auth = config["API_BASE"].rstrip("/"), {
        "Authorization": f"Bearer {config['ACCESS_TOKEN']}"}
    if reply_to := message.payload.get("in_reply_to"):
        answer = http_json(f"{base}/2/tweets", {
            "text": message.body[:280], "reply": {"in_reply_to_tweet_id": str(reply_to)}}, auth)
        return str((answer.get("data") or {}).get("id", ""))[:120]
    answer = http_json(f"{base}/2/dm_conversations/with/{message.recipient}/messages",
                       {"text": message.body[:10000]}, auth)
    return str((answer.get("data") or {}).get("dm_event_id", ""))[:120]


parser_register(Provider.X, parse)
transport_register(OutboundChannel.TWITTER, send)
