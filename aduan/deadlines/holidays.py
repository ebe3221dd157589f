"""The calendar data that admins edit: holidays added or removed, and the deadlines they move."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.audit import AuditAction, audit_record
from aduan.agencies.models import Region
from aduan.errors import InvalidInput

from .calendar import forget_data_rows, holidays_in
from .models import Holiday, HolidayKind
from .tasks import recompute_open_deadlines


def _region(code: str | None) -> str:
    if not code:
        return ""
    if not Region.objects.filter(pk=code).exists():
        raise InvalidInput(_("Unknown region code %(code)r.") % {"code": code},
                           field="region_code")
    return code


def holiday_add(*, day: date, name: str, region_code: str | None = None,
                kind: str | None = None, actor=None) -> Holiday:
    """Make ``day`` a holiday (nationwide, or for a region and everything below it)."""
    name = (name or "").strip()
    if not name or len(name) > 150:
        raise InvalidInput(_("Give the holiday a name of at most 150 characters."), field="name")
    region = _region(region_code)
    kind = kind or (HolidayKind.REGIONAL if region else HolidayKind.PUBLIC)
    if kind not in HolidayKind.values:
        raise InvalidInput(_("Unknown holiday kind %(kind)r; allowed: %(allowed)s.")
                           % {"kind": kind, "allowed": ", ".join(HolidayKind.values)},
                           field="kind")
    with transaction.atomic():
        holiday, _created = Holiday.objects.update_or_create(
            date=day, region_code=region,
            defaults={"name": name, "kind": kind, "removed": False})
        audit_record(AuditAction.CALENDAR_CHANGED, actor=actor, target=f"holiday:{day}",
                     change="add", region=region or "", kind=kind, name=name)
        _recompute_after_commit(day)
    return holiday


def holiday_remove(*, day: date, region_code: str | None = None, actor=None) -> Holiday:
    """Make ``day`` a working day again (a moved holiday, a revoked cuti bersama)."""
    region = _region(region_code)
    if day not in {entry.date for entry in holidays_in([day.year], region)}:
        raise InvalidInput(_("%(day)s is not a holiday here.") % {"day": day.isoformat()},
                           field="date")
    with transaction.atomic():
        holiday, _created = Holiday.objects.update_or_create(
            date=day, region_code=region,
            defaults={"name": _("Working day (holiday removed)"), "removed": True})
        audit_record(AuditAction.CALENDAR_CHANGED, actor=actor, target=f"holiday:{day}",
                     change="remove", region=region or "")
        _recompute_after_commit(day)
    return holiday


def _recompute_after_commit(day: date) -> None:
    """Deadlines that fall after a changed day move with it: recompute them in the background."""
    forget_data_rows()
    transaction.on_commit(forget_data_rows)
    transaction.on_commit(lambda: recompute_open_deadlines.enqueue(since=day.isoformat()))
