"""Photos sent while the channel was still asking "where?", held until the report is filed.

A provider's media link may not outlive the questions (WhatsApp's expire), so a
photo is cleaned at once, like a web upload, and kept in the site's storage
under ``channels-held/``; the contact's draft names the files. When the report
is filed they join its attachments and the held copies are deleted once the
filing has committed. Files whose draft was rolled back are orphans to sweep,
never reachable from a page.
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from aduan.reports.attachments import Prepared, limits

FOLDER = "channels-held"


def held_keep(prepared: list[Prepared]) -> list[dict]:
    """Store cleaned files for a draft; return what the draft records about them."""
    kept = []
    for item in prepared:
        name = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}{item.extension}",
                                    ContentFile(item.data))
        kept.append({"name": name, "type": item.content_type, "ext": item.extension,
                     "w": item.width, "h": item.height})
    return kept


def held_take(files: list[dict], current: list[Prepared]) -> list[Prepared]:
    """The held files, oldest first, then the current ones, as many as a report may have.

    The held copies are deleted after the transaction that files the report commits.
    """
    max_files, _max_bytes = limits()
    room = max(0, max_files - len(current))
    taken = []
    for entry in files[:room]:
        try:
            with default_storage.open(entry["name"], "rb") as handle:
                data = handle.read()
        except (OSError, KeyError):
            continue  # swept or lost: the report still counts
        taken.append(Prepared(data, entry["type"], entry["ext"], entry.get("w"), entry.get("h")))
    names = [entry["name"] for entry in files if "name" in entry]
    transaction.on_commit(lambda: held_drop(names), robust=True)
    return taken + list(current)


def held_drop(names: list[str]) -> None:
    for name in names:
        if name.startswith(f"{FOLDER}/"):
            default_storage.delete(name)
