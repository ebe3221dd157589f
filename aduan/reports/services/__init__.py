"""Every change to a report: one service function per action (DESIGN §3).

Split by who acts: ``intake`` (a new report, PIN checks), ``handling`` (staff),
``reporter`` (the citizen), ``signoff`` (liaison officers); what they share is in
``_core``. Import services from here: ``from aduan.reports import services``.
"""

from ._core import SYSTEM_CALLER
from .batch import SystemDispatch, reports_dispatch_as_system
from .handling import (
                       report_accept,
                       report_archive,
                       report_categorise,
                       report_dispatch,
                       report_dispatch_internal,
                       report_forward,
                       report_link,
                       report_reopen,
                       report_request_info,
                       report_respond,
                       report_restrict,
                       report_return,
)
from .identity import reporter_identity_reveal
from .intake import (
    Filed,
    NewReport,
    Submission,
    WrongPin,
    report_pin_check,
    report_prepare,
    report_submit,
    reports_submit,
)
from .reporter import report_add_info, report_close, report_provide_info, report_reply
from .signoff import report_draft_response, report_return_draft, report_sign_off

__all__ = [
    "SYSTEM_CALLER", "SystemDispatch", "reports_dispatch_as_system", "Filed", "NewReport",
    "Submission", "WrongPin", "report_prepare", "reports_submit", "report_accept", "report_add_info",
    "report_archive", "report_categorise", "report_close", "report_dispatch",
    "report_dispatch_internal", "report_draft_response", "report_forward", "report_link",
    "report_pin_check", "report_provide_info", "report_reopen", "report_reply",
    "report_request_info", "report_respond", "report_restrict", "report_return",
    "report_return_draft", "report_sign_off", "report_submit", "reporter_identity_reveal",
]
