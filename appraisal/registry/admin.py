from django.contrib import admin

from . import models

admin.site.site_header = "ParIndex – Quản trị hệ thống"
admin.site.site_title = "ParIndex"


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


@admin.register(models.RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "period"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["unit"]
