"""Seal a hash chain after commit: the hook models call, with no import of the chain code.

``accounts.chain`` (which imports the models) fills ``SEALERS`` when it is loaded,
at start-up (``AccountsConfig.ready``); the models only name their stream.
"""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from aduan.lib.throttle import Throttle

logger = logging.getLogger("aduan.audit")
SEALERS: dict = {}
# Per stream: this process's after-commit seals, at most one every ADUAN["SEAL_EVERY"]
# seconds (a seal takes every unsealed row, so one seal covers a burst of commits).
_throttles: dict[str, Throttle] = {}


def _due(name: str) -> bool:
    every = settings.ADUAN["SEAL_EVERY"]
    if every <= 0:
        return True
    throttle = _throttles.get(name)
    if throttle is None or throttle.every != every:
        throttle = _throttles[name] = Throttle(every)
    return throttle.ready()


def seal_on_commit(name: str) -> None:
    """After the current transaction commits, seal what it wrote (best effort).

    One seal per stream and transaction, however many rows it wrote: a seal takes
    every unsealed row, so a second one queued behind it would only lock the head
    and find nothing (a worker's batch writes hundreds of events in one transaction).
    A seal queued inside a savepoint that is later rolled back is dropped by Django
    from the commit hooks, so the next row written queues one again.

    A process seals a stream after commit at most once every ``ADUAN["SEAL_EVERY"]``
    seconds: under load each web process then seals a few times a second, each seal
    taking every commit since (on one submission the seal's own transaction cost as
    much CPU as the submission). The rows a skipped seal leaves are sealed by the next
    seal of any process, the routing sweep's (a second or two after a submission) or the
    worker's tick (ADR 0011).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block and any(
            getattr(hook, "seals", None) == name for _sids, hook, _robust in
            connection.run_on_commit):
        return

    def run():
        if not _due(name):
            return
        try:
            SEALERS[name](name, wait=False)
        except Exception:  # the worker's tick seals it; the write itself succeeded
            logger.exception("could not seal the %s stream", name)

    run.seals = name
    transaction.on_commit(run)


def seal_pending(name: str) -> int:
    """Seal what commits left unsealed now, unless another process is sealing (best effort).

    Background sweeps that run shortly after bursts of commits (the routing sweep) call
    it, so the rows the throttled after-commit seals left wait seconds, not a tick.
    """
    try:
        return SEALERS[name](name, wait=False)
    except Exception:
        logger.exception("could not seal the %s stream", name)
        return 0
