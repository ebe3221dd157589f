"""Data versions in the shared cache, so every process on every machine drops stale copies.

Processes keep small, hot reference data in memory (categories, regions, SLA
policies, escalation steps, holidays). An edit bumps the data's version in the
Django cache; each process reads the version at most once per
``CHECK_SECONDS`` and reloads its copy when it moved. With ``ADUAN_CACHE_URL``
(Redis) the cache is shared by all machines, so an edit is seen everywhere
within ``CHECK_SECONDS`` after its commit; without it the cache is the
process's own, and other processes see the edit when their copy's TTL ends
(at most a minute, ten for regions), as before.

A cache that cannot be reached counts as "no news": copies then live for their
TTL, and nothing fails because of the cache.
"""

import logging
from time import monotonic

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)
CHECK_SECONDS = 2.0
_seen: dict[str, tuple[float, int]] = {}


def _key(name: str) -> str:
    return f"aduan:version:{name}"


def version(name: str) -> int:
    """The data's current version (read from the cache at most every CHECK_SECONDS)."""
    hit = _seen.get(name)
    now = monotonic()
    if hit is not None and now - hit[0] < CHECK_SECONDS:
        return hit[1]
    try:
        value = int(cache.get(_key(name)) or 0)
    except Exception:  # an unreachable cache must not stop a submission
        logger.warning("shared cache unavailable; keeping copies for their TTL")
        value = hit[1] if hit else 0
    _seen[name] = (now, value)
    return value


def bump(name: str) -> None:
    """Say the data changed (call after the edit has committed)."""
    try:
        try:
            cache.incr(_key(name))
        except ValueError:  # no version yet
            cache.set(_key(name), 1, timeout=None)
    except Exception:
        logger.warning("shared cache unavailable; other processes see the edit after their TTL")
    _seen.pop(name, None)


class Memo:
    """Values loaded from the database, kept for ``ttl`` seconds or until ``name``'s version moves."""

    def __init__(self, name: str):
        self.name = name
        self._values: dict[object, tuple[float, int, object]] = {}

    def get(self, key, ttl: float, load):
        current = version(self.name)
        hit = self._values.get(key)
        if hit is None or hit[1] != current or monotonic() - hit[0] > ttl:
            hit = (monotonic(), current, load())
            self._values[key] = hit
        return hit[2]

    def has(self, key) -> bool:
        return key in self._values

    def clear(self) -> None:
        self._values.clear()


def bump_on_change(name: str, *models) -> None:
    """Bump ``name`` after any save or delete of these models commits (admin edits included)."""

    def changed(sender, **kwargs):
        transaction.on_commit(lambda: bump(name), using=kwargs.get("using"))

    for model in models:
        post_save.connect(changed, sender=model, weak=False,
                          dispatch_uid=f"aduan-version-{name}-{model._meta.label}")
        post_delete.connect(changed, sender=model, weak=False,
                            dispatch_uid=f"aduan-version-{name}-{model._meta.label}-delete")
