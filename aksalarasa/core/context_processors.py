from django.http import HttpRequest

from aksalarasa.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.url_name if request.resolver_match else ""
    return {"nav_items": nav_for(user), "nav_current": current}
