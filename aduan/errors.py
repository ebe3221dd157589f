"""One domain error type with stable codes for every app; the API maps each code to an HTTP status."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused request: ``code`` is stable for machines, ``message`` is for people."""

    code = "invalid_input"
    status = 422

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message if message is not None else self.default_message()
        if code is not None:
            self.code = code
        self.field = field
        super().__init__(str(self.message))

    def default_message(self):
        return _("The request is not valid.")


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422


class ReportNotFound(DomainError):
    code = "not_found"
    status = 404

    def default_message(self):
        return _("No report with this tracking ID exists, or you may not see it.")


class NotFound(DomainError):
    code = "not_found"
    status = 404

    def default_message(self):
        return _("Not found.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403

    def default_message(self):
        return _("You may not do this.")


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401

    def default_message(self):
        return _("Authentication is required: a staff token, a reporter account or the report PIN.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class NotAuthorisedAgency(DomainError):
    code = "not_authorised_agency"
    status = 422


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429


class ChallengeRequired(RateLimited):
    """Too many attempts from this client or for this target: solve the proof-of-work check."""

    code = "challenge_required"

    def default_message(self):
        return _("Too many attempts from this connection or for this ID; solve the check and "
                 "send the form again.")
class Conflict(DomainError):
    code = "conflict"
    status = 409
