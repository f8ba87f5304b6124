"""The admin (/quan-tri/) in Vietnamese throughout (issue 15, point 5).

Our models carry Vietnamese names; Django's own catalogue, completed by ``locale/vi``, translates the admin's
pages and the translatable names of the third-party apps. What no catalogue reaches is set here: the site's
titles, the names the third-party apps give themselves, permissions (stored by Django as «Can add …»), and the
English texts the login-lockout (django-axes) and task-queue (django-tasks) records write of themselves.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.forms import ModelMultipleChoiceField
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from appraisal.core.dates import fmt_local

admin.site.site_header = "ParIndex – Quản trị hệ thống"
admin.site.site_title = "ParIndex"
admin.site.index_title = "Quản trị hệ thống"

# Apps that name themselves outside any catalogue.
for label, name in {"axes": "Khóa đăng nhập", "django_tasks_database": "Việc chạy nền (hàng đợi)"}.items():
    apps.get_app_config(label).verbose_name = name

PERMISSION_VERBS = {"add": "thêm", "change": "sửa", "delete": "xóa", "view": "xem"}


def permission_label(permission: Permission) -> str:
    """«Tự đánh giá | bản tự đánh giá | được xem» for Django's stored «Can view bản tự đánh giá»."""
    action, _sep, model = permission.codename.partition("_")
    if action in PERMISSION_VERBS and model == permission.content_type.model:
        return f"{permission.content_type} | được {PERMISSION_VERBS[action]}"
    return str(permission)


class PermissionChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return permission_label(obj)


class PermissionsInWordsMixin:
    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PeopleAdmin(PermissionsInWordsMixin, UserAdmin):
    pass


class PermissionGroupAdmin(PermissionsInWordsMixin, GroupAdmin):
    pass


User = get_user_model()
for model, model_admin in ((User, PeopleAdmin), (Group, PermissionGroupAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)


def _link_str(self: Any) -> str:
    ends = [getattr(self, field.name) for field in self._meta.fields if field.is_relation]
    return " – ".join(permission_label(end) if isinstance(end, Permission) else str(end) for end in ends)


# Django's own link tables (a group's permissions, a user's groups and permissions) are named from their models'
# code names («Group-permission relationship») and their rows «Group_permissions object (1)»: deleting a group or
# a user lists them.
for through, name in (
    (Group.permissions.through, "quyền của nhóm"),
    (User.groups.through, "nhóm của người dùng"),
    (User.user_permissions.through, "quyền riêng của người dùng"),
):
    through._meta.verbose_name = through._meta.verbose_name_plural = name
    through.__str__ = _link_str


def _when(moment: Any) -> str:
    return fmt_local(moment) if moment else "–"


# django-axes names its records in English f-strings (no catalogue reaches them) and with a UTC time.
def _access_log_str(self: AccessLog) -> str:
    return f"Đăng nhập của tài khoản {self.username or '(không rõ)'} lúc {_when(self.attempt_time)}"


def _access_attempt_str(self: AccessAttempt) -> str:
    return f"Đăng nhập sai của tài khoản {self.username or '(không rõ)'} lúc {_when(self.attempt_time)}"


def _access_failure_str(self: AccessFailureLog) -> str:
    locked = ", đã bị khóa" if self.locked_out else ""
    return (
        f"Đăng nhập sai của tài khoản {self.username or '(không rõ)'} lúc {_when(self.attempt_time)}{locked}"
    )


AccessLog.__str__ = _access_log_str
AccessAttempt.__str__ = _access_attempt_str
AccessFailureLog.__str__ = _access_failure_str


def _known(value: str) -> str:
    return "không rõ" if value in ("", "<unknown>") else value


class PathFilter(admin.SimpleListFilter):
    title = _("Path")
    parameter_name = "path_info"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        paths = model_admin.model.objects.order_by("path_info").values_list("path_info", flat=True).distinct()
        return [(path, _known(path)) for path in paths]

    def queryset(self, request: Any, queryset: Any) -> Any:
        return queryset.filter(path_info=self.value()) if self.value() is not None else queryset


class RequestInWordsMixin:
    """axes records what a request did not send (a login made without a browser) as «<unknown>»."""

    SHOWN = {
        "user_agent": "browser",
        "path_info": "path",
        "http_accept": "accepts",
        "get_data": "query_data",
        "post_data": "form_data",
    }

    @admin.display(description=_("User Agent"))
    def browser(self, obj: Any) -> str:
        return _known(obj.user_agent)

    @admin.display(description=_("Path"))
    def path(self, obj: Any) -> str:
        return _known(obj.path_info)

    @admin.display(description=_("HTTP Accept"))
    def accepts(self, obj: Any) -> str:
        return _known(obj.http_accept)

    # What the browser sent, as it sent it (field names and all): notation, shown as code.
    @admin.display(description=_("GET Data"))
    def query_data(self, obj: Any) -> str:
        return format_html("<pre><code>{}</code></pre>", obj.get_data) if obj.get_data else "–"

    @admin.display(description=_("POST Data"))
    def form_data(self, obj: Any) -> str:
        return format_html("<pre><code>{}</code></pre>", obj.post_data) if obj.post_data else "–"

    def _shown(self, names: Any) -> list[Any]:
        return [self.SHOWN.get(name, name) if isinstance(name, str) else name for name in names]

    def get_list_display(self, request: Any) -> Any:
        return self._shown(super().get_list_display(request))

    def get_list_filter(self, request: Any) -> Any:
        return [PathFilter if name == "path_info" else name for name in super().get_list_filter(request)]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        return self._shown(super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        return [
            (title, {**options, "fields": self._shown(options["fields"])})
            for title, options in super().get_fieldsets(request, obj)
        ]


class LockoutAttemptAdmin(RequestInWordsMixin, AccessAttemptAdmin):
    """axes leaves two of its columns unnamed (Django would title them «Expiration», «Status»)."""

    @admin.display(description="hết hạn khóa lúc")
    def expiration(self, obj: AccessAttempt) -> Any:
        return super().expiration(obj)

    @admin.display(description="tình trạng")
    def status(self, obj: AccessAttempt) -> Any:
        return super().status(obj)


class LockoutFailureAdmin(RequestInWordsMixin, AccessFailureLogAdmin):
    pass


class LoginLogAdmin(RequestInWordsMixin, AccessLogAdmin):
    pass


for model, model_admin in (
    (AccessAttempt, LockoutAttemptAdmin),
    (AccessFailureLog, LockoutFailureAdmin),
    (AccessLog, LoginLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)


# The project's tasks by their function's name; the queue by its alias.
TASK_NAMES = {"run_job": "việc chạy nền"}
QUEUE_NAMES = {"default": "mặc định"}


def task_label(result: DBTaskResult) -> str:
    """By the stored path: naming it through ``task_name`` loads the task into the running backend, which
    refuses a task queued for another one."""
    name = result.task_path.rsplit(".", 1)[-1]
    return TASK_NAMES.get(name, name)


def _task_result_str(self: DBTaskResult) -> str:
    return f"{task_label(self).capitalize()} xếp hàng lúc {_when(self.enqueued_at)} ({self.get_status_display()})"


DBTaskResult.__str__ = _task_result_str


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks' own admin names two columns in plain English strings and shows the task's import path."""

    list_display = ("job", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue")

    @admin.display(description="việc")
    def job(self, obj: DBTaskResult) -> str:
        return task_label(obj)

    @admin.display(description="hàng đợi")
    def queue(self, obj: DBTaskResult) -> str:
        return QUEUE_NAMES.get(obj.queue_name, obj.queue_name)

    @admin.display(description="diễn biến lỗi")
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description="chạy sau")
    def display_run_after(self, obj: DBTaskResult) -> Any:
        return super().display_run_after(obj)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
