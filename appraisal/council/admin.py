from django.contrib import admin

from .models import Assignment, OutboxMessage, SurveyImport


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("period", "member", "field_code", "group")
    list_filter = ("period", "group")
    search_fields = ("member__username", "field_code")


@admin.register(SurveyImport)
class SurveyImportAdmin(admin.ModelAdmin):
    list_display = ("period", "file_name", "rows", "by", "at")
    readonly_fields = ("period", "file", "file_name", "rows", "by", "at")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "to", "subject", "sent_at")
    list_filter = ("kind", "period")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
