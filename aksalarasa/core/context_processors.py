from django.http import HttpRequest

from aksalarasa.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = nav_for(user)
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    # The entry whose page this is (by full view name, e.g. "offices:list"); a view may still name
    # its section itself by passing nav_current in its context (e.g. a client's detail page).
    current = next((item["key"] for item in items if item["view_name"] == view_name), "")
    return {"nav_items": items, "nav_current": current}
