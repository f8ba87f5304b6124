from django.contrib import admin

from appraisal.core.labels import person_label

from .models import Assignment, OutboxMessage, SurveyImport


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("period", "person", "field_code", "group")
    list_filter = ("period", "group")
    search_fields = ("member__username", "member__first_name", "member__last_name", "field_code")
    list_select_related = ("period", "member", "group")

    @admin.display(description="thành viên Hội đồng", ordering="member__username")
    def person(self, obj: Assignment) -> str:
        return person_label(obj.member)


@admin.register(SurveyImport)
class SurveyImportAdmin(admin.ModelAdmin):
    """Imports go through the secretariat's page, which checks the file: here they are records."""

    list_display = ("period", "file_name", "rows", "by", "at")
    readonly_fields = ("period", "file", "file_name", "rows", "by", "at")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The mail the system sent, as a record. The deduplication key is the system's own bookkeeping."""

    list_display = ("created_at", "kind", "to", "subject", "sent_at")
    list_filter = ("kind", "period")
    fields = readonly_fields = [
        f.name for f in OutboxMessage._meta.fields if f.name not in ("id", "dedupe_key")
    ]

    def has_add_permission(self, request: object) -> bool:
        return False
