"""Queries in Django admin: read-mostly, with an action that goes through the service."""

from django.urls import reverse

from projects.models import Query
from projects.services.queries import query_ask
from tests.factories.accounts import StaffFactory, login_verified_staff


def test_staff_resolve_queries_from_admin_through_the_service(client, team):
    query = query_ask(actor=team.customer, project=team.project, title="Arm", body="Stops")
    login_verified_staff(client, StaffFactory(is_superuser=True))
    changelist = reverse("admin:projects_query_changelist")
    assert client.get(changelist, {"q": "Arm"}).status_code == 200
    assert client.get(reverse("admin:projects_query_change", args=[query.pk])).status_code == 200
    client.post(changelist, {"action": "resolve", "_selected_action": [query.pk]})
    query.refresh_from_db()
    assert query.state == Query.State.RESOLVED and query.resolved_at is not None
