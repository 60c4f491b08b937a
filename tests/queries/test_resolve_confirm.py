"""Issue 14, item 5: "resolve" asks for confirmation on a page of its own (no JavaScript
needed), and a resolved query stops promising a response."""

from django.urls import reverse

from projects.models import Query
from projects.services.queries import query_ask


def test_resolve_is_a_link_to_a_confirmation_that_changes_nothing_until_confirmed(client, team):
    query = query_ask(actor=team.customer, project=team.project, title="Arm stops", body="x")
    client.force_login(team.customer)
    resolve_url = reverse("queries:resolve", kwargs={"pk": query.pk})
    detail = client.get(query.get_absolute_url()).content.decode()
    assert f'href="{resolve_url}"' in detail
    confirm = client.get(resolve_url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Resolve this query?" in html and "Yes, resolve it" in html
    assert f'action="{resolve_url}"' in html and query.get_absolute_url() in html
    query.refresh_from_db()
    assert query.state == Query.State.WAITING
    assert client.post(resolve_url).status_code == 302
    query.refresh_from_db()
    assert query.state == Query.State.RESOLVED


def test_a_resolved_query_stops_promising_a_response(client, team):
    query = query_ask(actor=team.customer, project=team.project, title="Arm stops", body="x")
    client.force_login(team.customer)
    client.post(reverse("queries:resolve", kwargs={"pk": query.pk}))
    page = client.get(query.get_absolute_url()).content.decode()
    assert "responds within one hour" not in page
    assert "Respond by" not in page and 'data-testid="query-deadline"' not in page
    assert "resolved without one" in page
    # Nothing left to confirm: the confirmation page sends back to the query.
    again = client.get(reverse("queries:resolve", kwargs={"pk": query.pk}))
    assert again.status_code == 302 and again["Location"] == query.get_absolute_url()
