"""An agency's sign-off rule for a report: whether follow-ups go through a draft first.

This is about the holding agency's configuration, not about the caller: who may
take an action at all is decided by ``workflow`` and ``access.relations``.
"""

from aduan.agencies.models import Agency

from .models import DraftStatus, Report, ResponseDraft
from .workflow import Action


def signoff_required(report: Report) -> bool:
    """Whether the holding agency, or one above it, has its follow-ups signed off."""
    if report.holder_id is None:
        return False
    return Agency.objects.filter(pk__in=report.holder.ancestor_codes,
                                 requires_signoff=True).exists()


def pending_draft(report: Report) -> ResponseDraft | None:
    return (ResponseDraft.objects.select_related("author")
            .filter(report=report, status=DraftStatus.PENDING).first())


_SIGNOFF_ACTIONS = frozenset({Action.SIGN_OFF, Action.RETURN_DRAFT})


class Policy:
    """The agency's sign-off rule for one report, looked up at most once per request."""

    def __init__(self, report: Report):
        self.report = report
        self._required: bool | None = None
        self._draft: ResponseDraft | None | bool = False

    @property
    def required(self) -> bool:
        if self._required is None:
            self._required = signoff_required(self.report)
        return self._required

    @property
    def draft(self) -> ResponseDraft | None:
        if self._draft is False:
            self._draft = pending_draft(self.report)
        return self._draft

    def refusal(self, action: str) -> str | None:
        """Why the agency's rules refuse an action the workflow allows, or None.

        Returns a stable code: ``signoff_required`` (draft instead of responding),
        ``signoff_not_required`` (respond directly) or ``no_pending_draft``.
        """
        if action == Action.RESPOND and self.required:
            return "signoff_required"
        if action == Action.DRAFT and not self.required:
            return "signoff_not_required"
        if action in _SIGNOFF_ACTIONS and self.draft is None:
            return "no_pending_draft"
        return None
