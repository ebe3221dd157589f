"""/api/v1/open-data: the newest open-data dump, listed and downloaded (public).

A call with a partner's key needs the ``open-data:read`` scope (``access.open_data_allowed``);
the same rule guards ``/api/v1/stats``.
"""

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from aduan.errors import Forbidden, NotFound
from aduan.reports.access import open_data_allowed
from aduan.stats.opendata import DATA_FILES, opendata_latest

from .auth import resolve_caller
from .schemas import Error

router = Router(tags=["statistics"])


def open_data_check(request: HttpRequest) -> None:
    """Refuse (403) a partner's key without ``open-data:read``; anyone else may read."""
    if not open_data_allowed(resolve_caller(request)):
        raise Forbidden(_("Open data through an API client key needs the open-data:read "
                          "scope."), code="scope_missing")


class DataFile(Schema):
    name: str
    size: int = Field(description="Bytes")
    url: str = Field(description="Where to download it (this API, same key)")


class OpenDataOut(Schema):
    day: str | None = Field(description="The day of the newest dump (YYYY-MM-DD); null "
                            "before the first one is written")
    license: str
    license_url: str
    files: list[DataFile]


@router.get("/open-data", response={200: OpenDataOut, 401: Error, 403: Error},
            summary="The newest open-data dump: its day, licence and files")
def open_data(request: HttpRequest):
    """Published, non-confidential reports without personal data, written daily as CSV and
    JSON Lines (gzip) with a Frictionless `datapackage.json` (the data dictionary)."""
    open_data_check(request)
    latest = opendata_latest()
    files = [{"name": name, "size": (latest / name).stat().st_size,
              "url": f"/api/v1/open-data/{name}"}
             for name in DATA_FILES if latest and (latest / name).exists()]
    return {"day": latest.name if latest else None,
            "license": settings.ADUAN["OPENDATA_LICENSE"],
            "license_url": settings.ADUAN["OPENDATA_LICENSE_URL"], "files": files}


@router.get("/open-data/{name}", response={200: None, 401: Error, 403: Error, 404: Error},
            summary="Download one file of the newest open-data dump")
def open_data_file(request: HttpRequest, name: str):
    """`reports.csv.gz`, `reports.jsonl.gz` or `datapackage.json` of the newest dump."""
    open_data_check(request)
    latest = opendata_latest()
    path = latest / name if latest and name in DATA_FILES else None
    if path is None or not path.exists():
        raise NotFound(_("No open-data file %(name)s; see /api/v1/open-data for the files.")
                       % {"name": name[:60]})
    return FileResponse(path.open("rb"), as_attachment=True,
                        filename=f"aduan-{latest.name}-{name}")
