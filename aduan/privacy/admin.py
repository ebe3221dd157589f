"""Retention periods for national admins (back office: /admin/); every change is audited."""

from django.contrib import admin

from .models import RetentionPeriod


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    list_display = ("kind", "days", "note", "updated_at")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
