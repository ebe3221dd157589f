"""Seal a hash chain after commit: the hook models call, with no import of the chain code.

``accounts.chain`` (which imports the models) fills ``SEALERS`` when it is loaded,
at start-up (``AccountsConfig.ready``); the models only name their stream.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections, transaction

logger = logging.getLogger("aduan.audit")
SEALERS: dict = {}


def seal_on_commit(name: str) -> None:
    """After the current transaction commits, seal what it wrote (best effort).

    One seal per stream and transaction, however many rows it wrote: a seal takes
    every unsealed row, so a second one queued behind it would only lock the head
    and find nothing (a worker's batch writes hundreds of events in one transaction).
    A seal queued inside a savepoint that is later rolled back is dropped by Django
    from the commit hooks, so the next row written queues one again.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block and any(
            getattr(hook, "seals", None) == name for _sids, hook, _robust in
            connection.run_on_commit):
        return

    def run():
        try:
            SEALERS[name](name, wait=False)
        except Exception:  # the worker's tick seals it; the write itself succeeded
            logger.exception("could not seal the %s stream", name)

    run.seals = name
    transaction.on_commit(run)
