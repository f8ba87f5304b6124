from django.contrib import admin

from . import models

admin.site.site_header = "ParIndex – Quản trị hệ thống"
admin.site.site_title = "ParIndex"


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
    list_display = ["year", "name", "phase"]
    inlines = [PhaseWindowInline]


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "period"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["unit"]


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


class IndexNodeInline(admin.TabularInline):
    model = models.IndexNode
    extra = 0
    fields = ["position", "code", "title", "max_points", "method", "rule", "excluded_tags"]
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
class IndexNodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "max_points", "method", "rule", "index_set"]
    list_filter = ["index_set__period", "index_set__group", "method"]
    search_fields = ["code", "title"]
    list_select_related = ["index_set__period", "index_set__group"]
    readonly_fields = [
        "index_set",
        "parent",
        "code",
        "max_points",
        "method",
        "rule",
        "depth",
        "is_leaf",
        "position",
    ]


@admin.register(models.PeriodEvent)
class PeriodEventAdmin(admin.ModelAdmin):
    list_display = ["period", "from_phase", "to_phase", "by", "at"]
    list_filter = ["period"]

    def has_change_permission(self, request, obj=None):  # append-only history
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.TextFixLog)
class TextFixLogAdmin(admin.ModelAdmin):
    list_display = ["node", "field", "by", "at"]

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
