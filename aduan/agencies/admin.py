"""Django admin for routing rules: national admins edit (category, region, level) -> agency."""

from django.contrib import admin

from .models import RoutingRule, RuleSource


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "region", "level", "agency", "source", "updated_at")
    list_filter = ("source", "level", "category")
    search_fields = ("region__code", "region__name", "agency__code", "agency__name")
    raw_id_fields = ("region", "agency")
    readonly_fields = ("source", "updated_at", "updated_by")
    list_select_related = ("category", "region", "agency")

    def save_model(self, request, obj, form, change):
        # A rule an admin touched is theirs: reloading the defaults leaves it alone.
        obj.source, obj.updated_by = RuleSource.ADMIN, request.user
        super().save_model(request, obj, form, change)
