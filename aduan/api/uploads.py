"""POST /api/v1/reports/upload: a report and its photos in one multipart request (mobile apps)."""

from django.http import HttpRequest
from ninja import File, Form, Router
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticError

from aduan.reports.attachments import Upload, attachments_prepare

from .reports import ERRORS, submit
from .schemas import Created, ReportIn

router = Router(tags=["reports"])

# A photo larger than this is refused before it is read whole (the cleaner's limit is lower).
_READ_LIMIT = 32 * 1024 * 1024


@router.post("/reports/upload", response={201: Created, **ERRORS},
             openapi_extra={"security": [{}]},
             summary="Submit a report with photos or PDFs (multipart/form-data)",
             description="Part `report`: the same JSON object as POST /reports. Parts "
                         "`attachments`: up to the site's limit of images (re-encoded, "
                         "metadata removed) or PDFs.")
def create_report_with_files(request: HttpRequest, report: Form[str],
                             attachments: File[list[UploadedFile]] = None):
    try:
        payload = ReportIn.model_validate_json(report)
    except PydanticError as exc:
        raise ValidationError([{**e, "loc": ("report", *e["loc"])}
                               for e in exc.errors(include_url=False)]) from None
    uploads = [Upload(name=f.name or "", data=f.read(_READ_LIMIT)) for f in attachments or []]
    return submit(request, payload, attachments_prepare(uploads))
