"""SLA policies and escalation thresholds for national admins (back office: /admin/).

Holidays are not here: they are edited on the back office's calendar page, which
also recomputes the deadlines of open reports.
"""

from django.contrib import admin

from .models import EscalationStep, SlaPolicy
from .policies import forget_policies


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("timer", "kind", "severity", "category", "agency", "days", "unit")
    list_filter = ("timer", "unit")
    raw_id_fields = ("agency",)
    search_fields = ("agency__code", "category__code")

    # This process forgets its cached policies at once; others within POLICY_TTL.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_policies()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_policies()


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    list_display = ("level", "after_workdays")

