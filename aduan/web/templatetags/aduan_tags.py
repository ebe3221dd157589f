"""Template helpers for labels, tracking IDs and deadlines in working days."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aduan.agencies.models import Role
from aduan.deadlines.services import current_deadline
from aduan.lib import tracking
from aduan.reports.models import Kind
from aduan.reports.workflow import Action, Actor, ArchiveReason, Status

register = template.Library()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


@register.filter
def status_label(value: str) -> str:
    return _label(Status, value)


@register.filter
def action_label(value: str) -> str:
    return _label(Action, value)


@register.filter
def actor_label(value: str) -> str:
    return _label(Actor, value)


@register.filter
def role_label(value: str) -> str:
    return _label(Role, value)


@register.filter
def kind_label(value: str) -> str:
    return _label(Kind, value)


@register.filter
def archive_reason_label(value: str) -> str:
    return _label(ArchiveReason, value)


@register.filter
def tid(value: str) -> str:
    """A tracking ID in two groups, easier to read aloud: 7QMX2-P4FKA."""
    return tracking.display(value) if value and len(value) == tracking.LENGTH else value


@register.simple_tag
def time_left(report) -> str:
    """"3 working days left", "due today" or "2 working days late", in the report's calendar.

    ``report`` is a presenter dict (with ``current_deadline``) or a ``Report``.
    """
    if isinstance(report, dict):
        deadline = report.get("current_deadline")
    else:
        deadline = current_deadline(report, timezone.now())
    if not deadline:
        return ""
    left = deadline["workdays_left"]
    if left > 0:
        return ngettext("%(n)d working day left", "%(n)d working days left", left) % {"n": left}
    if left == 0:
        return _("late") if deadline["overdue"] else _("due today")
    return ngettext("%(n)d working day late", "%(n)d working days late", -left) % {"n": -left}


@register.filter
def is_late(due) -> bool:
    return due is not None and due < timezone.now()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
