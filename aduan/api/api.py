"""The JSON API at /api/v1, with its OpenAPI document and browsable docs."""

from django.core.exceptions import RequestDataTooBig
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from aduan.errors import DomainError
from aduan.web.openapi import openapi_parts_merge

from . import changes, errors, idempotency
from .changes import router as changes_router
from .opendata import router as opendata_router
from .privacy import router as privacy_router
from .push import router as push_router
from .reference import router as reference_router
from .reports import router as reports_router
from .routing import router as routing_router
from .stats import router as stats_router
from .uploads import router as uploads_router

DESCRIPTION = """
Aduan's JSON API for mobile apps, partner systems and testers.

* Citizens submit reports with or without an account. Reporters without an account
  act on their report with the header `X-Report-PIN` (the PIN returned at submission).
* Staff authenticate with `Authorization: Bearer <token>` (`aduan token create USERNAME`).
* Errors always have the shape `{"error": {"code": ..., "message": ...}}`; messages are in
  Indonesian unless `Accept-Language: en` asks for English.
* A report the caller may not see answers 404, whether or not it exists.
* Every `POST` accepts an `Idempotency-Key` header (a random UUID per new request): a retry
  with the same key and body returns the first response and changes nothing.
* Open311 GeoReport v2 clients (FixMyStreet, the `georeport` package, city apps) use
  `/open311/v2/` instead: `discovery`, `services`, `services/{code}`, `requests` (GET, and
  a form-encoded POST with an API client key as `api_key`), `requests/{id}`, `tokens/{token}`
  and FixMyStreet's `servicerequestupdates`, each as `.json` or `.xml`, with the spec's error
  arrays (not this API's error shape). They are listed here under the `open311` tag; curl
  examples in docs/open311.md.
"""

# Swagger UI sets inline styles; the docs page alone may use them.
_docs_csp = csp_override({
    "default-src": [CSP.SELF], "script-src": [CSP.SELF], "img-src": [CSP.SELF, "data:"],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE], "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE], "frame-ancestors": [CSP.NONE],
})

api = NinjaAPI(
    title="Aduan API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=_docs_csp,
)

# Before the reports router: /reports/similar must not be read as a tracking ID.
api.add_router("", routing_router)
api.add_router("", uploads_router)
api.add_router("", reports_router)
api.add_router("", reference_router)
api.add_router("", stats_router)
api.add_router("", opendata_router)
api.add_router("", push_router)
api.add_router("", changes_router)
api.add_router("", privacy_router)

api.add_exception_handler(DomainError, errors.domain_error)
api.add_exception_handler(ValidationError, errors.validation_error)
api.add_exception_handler(HttpError, errors.http_error)
api.add_exception_handler(AuthenticationError, errors.missing_credentials)
api.add_exception_handler(RequestDataTooBig, errors.too_big)

_original_schema = api.get_openapi_schema


def _schema(*args, **kwargs):
    schema = _original_schema(*args, **kwargs)
    components = schema.setdefault("components", {})
    components["securitySchemes"] = {
        "BearerToken": {"type": "http", "scheme": "bearer",
                        "description": "Staff or reporter-account token"},
        "ReportPin": {"type": "apiKey", "in": "header", "name": "X-Report-PIN",
                      "description": "The PIN given when the report was submitted"},
    }
    schema["security"] = [{}, {"BearerToken": []}]
    schema["webhooks"] = changes.webhook_document()
    return openapi_parts_merge(idempotency.document(schema))


api.get_openapi_schema = _schema
