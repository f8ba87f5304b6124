from typing import Any

from django.http import HttpRequest

from . import roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    r = roles.roles_of(user)
    return {
        "nav": {
            "secretariat": roles.is_secretariat(user),
            "council": roles.is_council(user),
            "chair": roles.is_chair(user),
            "observer": roles.is_observer(user),
            "unit": bool(r.editor_units),
            "results": roles.can_view_all_results(user) or bool(r.editor_units),
            "admin": r.superuser,
        }
    }
