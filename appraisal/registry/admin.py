from collections.abc import Mapping

from django.contrib import admin

from appraisal.core.labels import change_label, person_label
from appraisal.core.templatetags.parindex import rule_sentence
from appraisal.engine import BAND_LABELS, HEAD_RATING_LABELS

from . import models


def _thresholds(pairs: list[list[str]], labels: Mapping[str, str]) -> str:
    return "; ".join(f"{labels.get(key, key)} từ {value.replace('.', ',')} %" for key, value in pairs)


class PhaseWindowInline(admin.TabularInline):
    model = models.PhaseWindow
    extra = 0


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "signer_name"]


@admin.register(models.Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "tags", "active"]
    search_fields = ["code", "name"]


@admin.register(models.Period)
class PeriodAdmin(admin.ModelAdmin):
    """Thresholds and weights are stored as code → number pairs: shown here in words, edited on the period's
    settings page (which checks them)."""

    list_display = ["year", "name", "phase"]
    inlines = [PhaseWindowInline]
    exclude = ["bands", "head_ratings", "survey_weights"]
    readonly_fields = ["band_thresholds", "head_thresholds", "survey_answer_weights"]

    @admin.display(description="ngưỡng xếp loại")
    def band_thresholds(self, obj: models.Period) -> str:
        return _thresholds(obj.bands, BAND_LABELS) + "; còn lại: Yếu"

    @admin.display(description="ngưỡng đánh giá người đứng đầu")
    def head_thresholds(self, obj: models.Period) -> str:
        return _thresholds(obj.head_ratings, HEAD_RATING_LABELS) + "; còn lại: Không hoàn thành nhiệm vụ"

    @admin.display(description="trọng số phương án điều tra XHH")
    def survey_answer_weights(self, obj: models.Period) -> str:
        return "; ".join(
            f"phương án {key}: {value.replace('.', ',')} %" for key, value in obj.survey_weights.items()
        )


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "unit", "period"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["user", "unit", "period"]

    @admin.display(description="người dùng", ordering="user__username")
    def person(self, obj: models.RoleAssignment) -> str:
        return person_label(obj.user)


class UnitMembershipInline(admin.TabularInline):
    model = models.UnitMembership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(models.UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ["unit", "group", "period"]
    list_filter = ["period", "group"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "group", "period"]


class RuleInWordsMixin:
    """A rule's text is the import file's notation («tiers: >=100%=1; else=0»): shown as its sentence."""

    @admin.display(description="cách chấm")
    def rule_in_words(self, obj: models.IndexNode) -> str:
        return rule_sentence(obj) or "–"


class IndexNodeInline(RuleInWordsMixin, admin.TabularInline):
    model = models.IndexNode
    extra = 0
    fields = ["position", "code", "title", "max_points", "method", "rule_in_words", "excluded_tags"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # nodes come from the import, which validates the tree
        return False


@admin.register(models.IndexSet)
class IndexSetAdmin(admin.ModelAdmin):
    list_display = ["period", "group", "version", "source_name"]
    list_filter = ["period", "group"]
    list_select_related = ["period", "group"]
    inlines = [IndexNodeInline]


@admin.register(models.IndexNode)
class IndexNodeAdmin(RuleInWordsMixin, admin.ModelAdmin):
    list_display = ["code", "title", "max_points", "method", "rule_in_words", "index_set"]
    exclude = ["rule"]
    list_filter = ["index_set__period", "index_set__group", "method"]
    search_fields = ["code", "title"]
    list_select_related = ["index_set__period", "index_set__group"]
    readonly_fields = [
        "index_set",
        "parent",
        "code",
        "max_points",
        "method",
        "rule_in_words",
        "depth",
        "is_leaf",
        "position",
    ]


@admin.register(models.PeriodEvent)
class PeriodEventAdmin(admin.ModelAdmin):
    list_display = ["period", "kind", "unit", "from_phase", "to_phase", "by", "at"]
    list_filter = ["period", "kind"]
    list_select_related = ["period", "unit", "by"]

    def has_add_permission(self, request):  # history is written by the services, never typed in
        return False

    def has_change_permission(self, request, obj=None):  # append-only history
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.TextFixLog)
class TextFixLogAdmin(admin.ModelAdmin):
    list_display = ["node", "part", "by", "at"]

    @admin.display(description="phần được sửa")
    def part(self, obj: models.TextFixLog) -> str:
        return change_label(obj.field)

    def has_add_permission(self, request):  # a fix is logged by the fix itself
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.UnitExclusion)
class UnitExclusionAdmin(admin.ModelAdmin):
    list_display = ["unit", "node", "period", "by", "at"]
    list_filter = ["period"]


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only (its model refuses updates and deletes)."""

    list_display = ["at", "by_name", "action", "object_type", "object_repr", "period"]
    list_filter = ["action", "period"]
    search_fields = ["by_name", "object_repr", "detail", "reason"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
