"""Seal a hash chain after commit: the hook models call, with no import of the chain code.

``accounts.chain`` (which imports the models) fills ``SEALERS`` when it is loaded,
at start-up (``AccountsConfig.ready``); the models only name their stream.
"""

import logging

from django.db import transaction

logger = logging.getLogger("aduan.audit")
SEALERS: dict = {}


def seal_on_commit(name: str) -> None:
    """After the current transaction commits, seal what it wrote (best effort)."""

    def run():
        try:
            SEALERS[name](name, wait=False)
        except Exception:  # the worker's tick seals it; the write itself succeeded
            logger.exception("could not seal the %s stream", name)

    transaction.on_commit(run)
