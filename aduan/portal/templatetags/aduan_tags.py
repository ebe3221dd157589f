"""Template helpers for labels, tracking IDs and deadlines in working days."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
def kind_label(value: str) -> str:
    return _label(Kind, value)


@register.filter
def archive_reason_label(value: str) -> str:
    return _label(ArchiveReason, value)


@register.filter
def tid(value: str) -> str:
    """A tracking ID in two groups, easier to read aloud: 7QMX2-P4FKA."""
    return tracking.display(value) if value and len(value) == tracking.LENGTH else value


def _workdays_left(due, region_code):
    try:
        from aduan.deadlines.calendar import workdays_left
    except ImportError:  # the working-day calendar is not installed
        return None
    return workdays_left(due, timezone.now(), region_code)


@register.simple_tag
def time_left(due, region_code=None) -> str:
    """"3 working days left", "due today" or "2 working days late" in the region's calendar."""
    if due is None:
        return ""
    left = _workdays_left(due, region_code)
    if left is None:
        return _("late") if due < timezone.now() else ""
    if left > 0:
        return ngettext("%(n)d working day left", "%(n)d working days left", left) % {"n": left}
    if left == 0:
        return _("late") if due < timezone.now() else _("due today")
    return ngettext("%(n)d working day late", "%(n)d working days late", -left) % {"n": -left}


@register.filter
def is_late(due) -> bool:
    return due is not None and due < timezone.now()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
