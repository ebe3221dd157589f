"""The open-data dump: public reports without personal data, as CSV and JSON Lines (gzip).

Only published, non-confidential, non-archived reports; only the redacted
public text; never the reporter's name, contacts, account, PIN or the exact
coordinates. Each dump is a directory ``<OPENDATA_DIR>/<YYYY-MM-DD>/`` with a
Frictionless ``datapackage.json`` whose field descriptions are the data dictionary.
"""

import csv
import gzip
import io
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from aduan.reports.models import PUBLIC_Q, Report

from .opendata_copy import write_copy

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
KEEP = 7  # daily dumps kept; older ones are removed when a new one is written
# The files of one dump, as they are offered for download.
DATA_FILES = ("reports.csv.gz", "reports.jsonl.gz", "datapackage.json")
# (name, Frictionless type, description) — the data dictionary.
FIELDS = [
    ("tracking_id", "string", "Public tracking ID of the report (not sequential)."),
    ("kind", "string", "complaint, aspiration or information_request."),
    ("category", "string", "Category code of the Aduan taxonomy."),
    ("province_code", "string", "Kemendagri code of the province."),
    ("regency_code", "string", "Kemendagri code of the regency or city."),
    ("region_code", "string", "Kemendagri code of the most precise region given."),
    ("channel", "string", "Channel the report came in by (web, sms, whatsapp ...)."),
    ("status", "string", "Current status slug (dispatched, in_progress, responded, closed ...)."),
    ("holder_agency", "string", "Code of the agency that holds the report now."),
    ("received_at", "datetime", "Original receipt time (kept through forwards), UTC."),
    ("published_at", "datetime", "When the report became public (its first dispatch), UTC."),
    ("responded_at", "datetime", "Time of the latest follow-up, UTC; empty if none."),
    ("closed_at", "datetime", "Time of completion, UTC; empty if open."),
    ("forward_count", "integer", "Times the report was forwarded to another agency."),
    ("reopen_count", "integer", "Times the report was reopened."),
    ("rating", "integer", "Reporter's rating 1-5 of the follow-up; empty if none."),
    ("title", "string", "Title with personal data (NIK, phone, e-mail, plates) redacted."),
    ("body", "string", "Text with personal data redacted."),
]
_COLUMNS = ["tracking_id", "kind", "category_id", "province_code", "regency_code", "region_id",
            "channel", "status", "holder_id", "received_at", "published_at", "responded_at",
            "closed_at", "forward_count", "reopen_count", "rating", "public_title", "public_body"]


def _cell(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return "" if value is None else value


def _rows():
    reports = Report.objects.filter(PUBLIC_Q).order_by("id").values_list(*_COLUMNS)
    for row in reports.iterator(chunk_size=5000):
        yield [_cell(v) for v in row]


# The fastest gzip level: the dump is rewritten daily and mostly read by machines.
GZIP_LEVEL = 1


def _write(work: Path) -> int:
    """Write both data files into ``work``; return the number of reports."""
    names = [name for name, _type, _desc in FIELDS]
    with gzip.open(work / "reports.csv.gz", "wb", compresslevel=GZIP_LEVEL) as csv_out, \
            gzip.open(work / "reports.jsonl.gz", "wb", compresslevel=GZIP_LEVEL) as jsonl_out:
        if connection.vendor == "postgresql":
            return write_copy(_COLUMNS, names, csv_out, jsonl_out)
        return _write_python(names, csv_out, jsonl_out)


def _write_python(names: list[str], csv_raw, jsonl_raw) -> int:
    """The same files row by row (databases without COPY; the reference for the test)."""
    count = 0
    csv_out = io.TextIOWrapper(csv_raw, encoding="utf-8", newline="")
    jsonl_out = io.TextIOWrapper(jsonl_raw, encoding="utf-8")
    writer = csv.writer(csv_out, lineterminator="\n")
    writer.writerow(names)
    for row in _rows():
        writer.writerow(row)
        jsonl_out.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n")
        count += 1
    for stream in (csv_out, jsonl_out):
        stream.flush()
        stream.detach()
    return count


def _datapackage(day: str, count: int) -> dict:
    opts = settings.ADUAN
    schema = {"fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS],
              "primaryKey": ["tracking_id"]}
    resource = {"profile": "tabular-data-resource", "schema": schema, "encoding": "utf-8"}
    return {
        "profile": "tabular-data-package", "name": f"aduan-reports-{day}",
        "title": "Aduan: public reports", "created": timezone.now().isoformat(),
        "description": "Published, non-confidential reports with personal data redacted.",
        "licenses": [{"name": opts["OPENDATA_LICENSE"], "path": opts["OPENDATA_LICENSE_URL"]}],
        "resources": [
            {**resource, "name": "reports", "path": "reports.csv.gz", "format": "csv",
             "mediatype": "text/csv", "compression": "gz",
             "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\n"}},
            {**resource, "name": "reports-jsonl", "path": "reports.jsonl.gz", "format": "jsonl",
             "mediatype": "application/jsonl", "compression": "gz"},
        ],
        "count": count,
    }


def opendata_export(output: str | os.PathLike | None = None) -> Path:
    """Write today's dump (into ``output``, else the configured directory); return its folder."""
    day = timezone.localdate().isoformat()
    root = Path(output) if output else Path(settings.ADUAN["OPENDATA_DIR"])
    target = root / day
    work = root / f".{day}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    count = _write(work)
    (work / "datapackage.json").write_text(
        json.dumps(_datapackage(day, count), indent=2, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    work.rename(target)  # readers never see a half-written dump
    if output is None:  # only the site's own folder is pruned, never a folder given by hand
        for old in _dumps(root)[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)
    return target


def _dumps(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and _DAY.fullmatch(p.name))


def opendata_latest(root: str | os.PathLike | None = None) -> Path | None:
    """The newest complete dump, or None."""
    base = Path(root) if root else Path(settings.ADUAN["OPENDATA_DIR"])
    if not base.is_dir():
        return None
    days = _dumps(base)
    return days[-1] if days else None
