"""Django admin: the router's models and suggestions, read-only (they are written by training
and routing, never by hand)."""

from django.contrib import admin

from .models import ClassifierModel, RoutingSuggestion


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
