"""Admin: read-mostly views for the administrator. Changes to entries and states go through the services
(history, compare-and-set), so entries, history and events are read-only here."""

from django.contrib import admin

from appraisal.core.numbers import format_input, format_points
from appraisal.core.templatetags.parindex import SOURCE_LABELS, source_label

from .models import (
    Assessment,
    AssessmentEvent,
    Evidence,
    EvidenceLink,
    EvidenceVersion,
    ItemEntry,
    ItemHistory,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = AssessmentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "reason", "by", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "period", "state", "submitted_at", "extension_until"]
    list_filter = ["period", "state"]
    search_fields = ["unit__name", "unit__code"]
    inlines = [EventInline]


@admin.register(ItemEntry)
class ItemEntryAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "node", "self_input", "self_score", "version"]
    list_filter = ["assessment__period"]
    search_fields = ["assessment__unit__name", "node__code"]
    list_select_related = ["assessment__unit", "assessment__period", "node"]

    @admin.display(description="giá trị tự đánh giá")
    def self_input(self, obj: ItemEntry) -> str:
        return format_input(obj.self_value) or "–"

    @admin.display(description="điểm tự đánh giá", ordering="self_points")
    def self_score(self, obj: ItemEntry) -> str:
        return format_points(obj.self_points)


class SourceFilter(admin.SimpleListFilter):
    title = "nguồn"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return list(SOURCE_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(source=self.value()) if self.value() else queryset


@admin.register(ItemHistory)
class ItemHistoryAdmin(ReadOnlyAdmin):
    list_display = ["entry", "layer", "old_input", "new_input", "origin", "by", "at"]
    fields = [
        "entry",
        "layer",
        "old_input",
        "new_input",
        "old_points",
        "new_points",
        "reason",
        "origin",
        "by",
        "at",
    ]
    readonly_fields = ["old_input", "new_input", "origin", "at"]
    list_filter = ["layer", SourceFilter]
    list_select_related = ["entry__assessment__unit", "entry__assessment__period", "entry__node", "by"]

    @admin.display(description="giá trị cũ")
    def old_input(self, obj: ItemHistory) -> str:
        return format_input(obj.old_value) or "–"

    @admin.display(description="giá trị mới")
    def new_input(self, obj: ItemHistory) -> str:
        return format_input(obj.new_value) or "–"

    @admin.display(description="nguồn", ordering="source")
    def origin(self, obj: ItemHistory) -> str:
        return source_label(obj.source)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "kind", "original_name", "doc_number", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "original_name", "doc_number", "unit__name"]


@admin.register(EvidenceVersion)
class EvidenceVersionAdmin(ReadOnlyAdmin):
    list_display = ["evidence", "original_name", "by", "at"]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(ReadOnlyAdmin):
    list_display = ["entry", "evidence", "layer", "by", "at", "removed_at"]
    list_filter = ["layer"]
