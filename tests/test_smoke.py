import pytest
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_login_page_is_in_bahasa_indonesia_by_default(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert 'lang="id"' in response.content.decode()
    assert "Masuk" in response.content.decode()


@pytest.mark.django_db
def test_login_by_email_then_home_shows_own_office(client, users_a, office_a):
    user = users_a["officer"]
    response = client.post(reverse("accounts:login"), {"username": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("core:home"))
    assert office_a.name in page.content.decode()


@pytest.mark.django_db
def test_navigation_marks_only_the_current_section(client, office_a):
    from tests.factories import make_user

    client.force_login(make_user("national"))
    offices_page = client.get(reverse("offices:list")).content.decode()
    assert f'<a href="{reverse("offices:list")}" aria-current="page">' in offices_page
    dashboard = client.get(reverse("dashboards:aggregate")).content.decode()
    assert f'<a href="{reverse("offices:list")}" aria-current="page">' not in dashboard
    assert f'<a href="{reverse("dashboards:aggregate")}" aria-current="page">' in dashboard


def test_postgresql_connections_run_without_jit(db):
    """The app's statements are short: PostgreSQL's JIT only adds compile time (settings.py)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW random_page_cost")
            assert cursor.fetchone()[0] == "1.1"
    else:
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
