"""Django admin: the router's models and suggestions, read-only (they are written by training
and routing, never by hand), and the region aliases national admins curate."""

from django.contrib import admin

from .aliases import gazetteer_forget
from .models import AgencyAlias, AgencyFlag, ClassifierModel, RegionAlias, RoutingSuggestion


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClassifierModel)
class ClassifierModelAdmin(ReadOnly):
    list_display = ("pk", "kind", "active", "created_at", "samples", "history_samples",
                    "threshold", "library_version")
    list_filter = ("kind", "active")
    exclude = ("blob",)


@admin.register(RoutingSuggestion)
class RoutingSuggestionAdmin(ReadOnly):
    list_display = ("report", "decision", "reason", "category", "agency", "confidence",
                    "created_at")
    list_filter = ("decision", "reason")
    raw_id_fields = ("report", "category", "region", "agency", "model")


@admin.register(RegionAlias)
class RegionAliasAdmin(admin.ModelAdmin):
    """Everyday names for regions (towns, capitals, abbreviations, local terms): they add to
    ``routing/data/region_aliases.csv``; an inactive row withdraws a shipped alias."""

    list_display = ("alias", "region", "kind", "active", "updated_at")
    list_filter = ("kind", "active")
    search_fields = ("alias", "region__name", "region__code")
    raw_id_fields = ("region",)

    def save_model(self, request, obj, form, change):
        obj.alias = " ".join(obj.alias.lower().split())
        super().save_model(request, obj, form, change)
        gazetteer_forget()  # other processes see it within a minute


@admin.register(AgencyAlias)
class AgencyAliasAdmin(admin.ModelAdmin):
    """Handles and common names of one agency ("@sapawargasby"): a report naming one goes to
    that agency (routers load them at start-up and after each retraining)."""

    list_display = ("alias", "agency", "updated_at")
    search_fields = ("alias", "agency__code", "agency__name")
    raw_id_fields = ("agency",)

    def save_model(self, request, obj, form, change):
        obj.alias = " ".join(obj.alias.lower().lstrip("@#").split())
        super().save_model(request, obj, form, change)


@admin.register(AgencyFlag)
class AgencyFlagAdmin(admin.ModelAdmin):
    """Agencies whose volume jumped or that got a new kind of complaint: look, label a few
    reports (re-categorise or forward them), then mark the flag seen."""

    list_display = ("agency", "kind", "category", "recent", "usual", "created_at", "seen")
    list_filter = ("kind", "seen")
    readonly_fields = ("agency", "kind", "category", "recent", "usual", "created_at")
    list_editable = ("seen",)

    def has_add_permission(self, request):
        return False
