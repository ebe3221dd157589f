"""Django's admin for the raw reference tables, open to national admins only (at /admin/).

Every model registered on Django's default site is offered here too, so a domain
app adds its tables with a plain ``admin.register``; the national-admin check
replaces Django's per-model permissions. Nothing here may identify a reporter: the
outbox (recipients' addresses) is not offered, the users table lists staff only,
lists filter only by their declared filters (``?recipient=...`` in a URL is refused),
and every change made here is written to the audit log.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from aduan.accounts.models import AuditEntry, User
from aduan.agencies.models import Agency, Category, Membership, ReferenceDataset, Region
from aduan.agencies.selectors import forget_reference_cache
from aduan.errors import DomainError
from aduan.reports.callers import caller_for_user
from aduan.stats.models import PredikatScheme
from aduan.stats.predikat import scheme_add, scheme_validate


def is_national_admin(request) -> bool:
    return caller_for_user(request.user).is_national_admin


def _declared_filters(model_admin) -> set[str]:
    names = {f if isinstance(f, str) else f[0] for f in model_admin.list_filter}
    return names | {model_admin.date_hierarchy} if model_admin.date_hierarchy else names


# Changes the audit log names by what they are (the same actions the services write).
_ADMIN_ACTIONS = {
    "deadlines.slapolicy": AuditEntry.Action.SLA_CHANGED,
    "deadlines.escalationstep": AuditEntry.Action.SLA_CHANGED,
    "deadlines.holiday": AuditEntry.Action.CALENDAR_CHANGED,
    "agencies.routingrule": AuditEntry.Action.ROUTING_RULE_CHANGED,
    "agencies.membership": AuditEntry.Action.ROLE_GRANTED,
    "privacy.retentionperiod": AuditEntry.Action.RETENTION_CHANGED,
}


class NationalOnly:
    """Permissions for the national admin; ``read_only`` tables cannot be changed here."""

    read_only = False

    def lookup_allowed(self, lookup, value, request=None):
        # Django allows a filter on any field from the URL; only the declared ones here.
        return lookup.split("__")[0] in _declared_filters(self) and super().lookup_allowed(
            lookup, value, request)

    def _audit(self, request, obj_or_label, verb: str, message="") -> None:
        AuditEntry.objects.create(
            actor=request.user,
            action=_ADMIN_ACTIONS.get(self.model._meta.label_lower,
                                      AuditEntry.Action.ADMIN_CHANGE),
            target=f"{self.model._meta.label_lower}:{getattr(obj_or_label, 'pk', obj_or_label)}"
            [:100], detail={"change": verb, "message": str(message)[:500]})

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "add", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "delete")
        return super().log_deletions(request, queryset)

    def has_module_permission(self, request):
        return is_national_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_national_admin(request)

    def has_add_permission(self, request, *args):
        return not self.read_only and is_national_admin(request)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and is_national_admin(request)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and is_national_admin(request)


class NationalAdminSite(admin.AdminSite):
    site_header = _("Aduan reference data")
    site_title = _("Aduan reference data")
    index_title = _("Tables for national admins")
    site_url = "/kantor/"

    def has_permission(self, request):
        return request.user.is_active and is_national_admin(request)

    def login(self, request, extra_context=None):
        return redirect(f"/kantor/?next={request.get_full_path()}")

    def register(self, model, admin_class=None, **options):
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, NationalOnly):
            base = type(base.__name__, (NationalOnly, base), {})
        super().register(model, base, **options)

    def adopt_default_registry(self):
        for model, model_admin in admin.site._registry.items():
            # Second factors (TOTP keys) are no table to browse: each staff member
            # manages their own at /kantor/keamanan/, an operator resets with the CLI.
            if issubclass(model, Device):
                continue
            if model not in self._registry:
                self.register(model, type(model_admin))


site = NationalAdminSite(name="national_admin")


@admin.register(Category, site=site)
class CategoryAdmin(NationalOnly, admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "default_level", "active"]
    list_filter = ["active", "default_level"]
    search_fields = ["code", "name", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    # This process forgets its cached categories at once; others within a minute.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_reference_cache()


@admin.register(Agency, site=site)
class AgencyAdmin(NationalOnly, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "active", "requires_signoff"]
    list_filter = ["kind", "level", "active", "requires_signoff"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region", "parent"]
    filter_horizontal = ["categories"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Moving an agency would change every descendant's path: not a form edit.
        return ["code", "parent", "path"] if obj else ["path"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.path = f"{obj.parent.path if obj.parent_id else '/'}{obj.code}/"
        super().save_model(request, obj, form, change)


@admin.register(Region, site=site)
class RegionAdmin(NationalOnly, admin.ModelAdmin):
    read_only = True
    list_display = ["code", "name", "kind", "level"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    show_full_result_count = False


@admin.register(Membership, site=site)
class MembershipAdmin(NationalOnly, admin.ModelAdmin):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__code", "agency__name"]
    raw_id_fields = ["user", "agency"]


@admin.register(User, site=site)
class StaffUserAdmin(NationalOnly, UserAdmin):
    """Staff accounts only: reporters' accounts (names, e-mail addresses) stay out."""

    list_display = ["username", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username"]

    def get_queryset(self, request):
        staff = Membership.objects.filter(user=OuterRef("pk"))
        return super().get_queryset(request).filter(Exists(staff))


@admin.register(ReferenceDataset, site=site)
class ReferenceDatasetAdmin(NationalOnly, admin.ModelAdmin):
    read_only = True
    list_display = ["name", "rows", "loaded_at"]


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(NationalOnly, admin.ModelAdmin):
    read_only = True
    list_display = ["at", "actor", "action", "target"]
    list_filter = ["action"]
    search_fields = ["target"]


class PredikatSchemeForm(forms.ModelForm):
    class Meta:
        model = PredikatScheme
        fields = ("weights", "baik_from", "sedang_from", "min_reports", "note")

    def clean(self):
        data = super().clean()
        try:
            scheme_validate(weights=data.get("weights"), baik_from=data.get("baik_from") or 0,
                            sedang_from=data.get("sedang_from") or 0)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        return data


@admin.register(PredikatScheme, site=site)
class PredikatSchemeAdmin(NationalOnly, admin.ModelAdmin):
    """Predikat weights and thresholds: national admins add versions, never edit old ones."""

    list_display = ("version", "baik_from", "sedang_from", "min_reports", "created_at", "note")
    fields = ("weights", "baik_from", "sedang_from", "min_reports", "note")
    form = PredikatSchemeForm

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = scheme_add(weights=obj.weights, baik_from=obj.baik_from,
                           sedang_from=obj.sedang_from, min_reports=obj.min_reports,
                           note=obj.note, user=request.user)
        obj.pk, obj.version = saved.pk, saved.version
