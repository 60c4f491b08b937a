"""Signed-in pages and downloads are not cached; oversized requests are refused before
their body is read; an attachment just over its limit is refused beside the field."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Assignment, Query
from tests.factories.accounts import customer, expert
from tests.factories.projects import ProjectFactory


@pytest.fixture
def owner(db):
    project = ProjectFactory()
    person = customer(project.organization)
    person.project = project
    return person


def test_signed_in_pages_and_exports_are_not_stored(client, owner):
    client.force_login(owner)
    for url in (
        reverse("dashboard"),
        reverse("projects:board", args=[owner.project.pk]),
        reverse("timesheets:export"),
        reverse("queries:project_export", args=[owner.project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_an_experts_timesheet_is_not_stored(client, db):
    person = expert()
    Assignment.objects.create(project=ProjectFactory(), expert=person, starts_on=date(2026, 1, 1))
    client.force_login(person)
    assert "no-store" in client.get(reverse("timesheets:week"))["Cache-Control"]


def test_static_files_stay_cacheable_even_when_signed_in(client, owner):
    client.force_login(owner)
    response = client.get("/static/js/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_public_page_is_not_marked_no_store(client, db):
    assert "no-store" not in client.get(reverse("healthz")).get("Cache-Control", "")


@override_settings(MAX_REQUEST_BYTES=1000)
def test_a_request_over_the_size_cap_is_refused_before_its_body_is_read(client, owner):
    client.force_login(owner)
    url = reverse("queries:ask", args=[owner.project.pk])
    # The body declares a gigabyte but carries a few bytes: reading it would fail loudly.
    response = client.post(url, {"title": "x"}, CONTENT_LENGTH=str(1024**3))
    assert response.status_code == 413
    assert b"too large" in response.content
    assert not Query.objects.exists()


def test_the_size_cap_leaves_room_for_a_query_with_its_attachments(settings):
    from projects.services.queries import MAX_FILE_SIZE, MAX_FILES

    assert settings.MAX_REQUEST_BYTES > MAX_FILES * MAX_FILE_SIZE


def test_a_file_just_over_the_attachment_limit_gets_a_message_beside_the_field(client, owner):
    from projects.services.queries import MAX_FILE_SIZE

    client.force_login(owner)
    upload = SimpleUploadedFile("big.pdf", b"0" * (MAX_FILE_SIZE + 1))
    response = client.post(
        reverse("queries:ask", args=[owner.project.pk]),
        {"title": "Why?", "body": "Because.", "files": upload},
    )
    assert response.status_code == 200
    assert "is larger than 10 MB" in response.content.decode()
    assert "files" in response.context["form"].errors
    assert not Query.objects.exists()


def test_the_health_probe_reads_no_session_when_signed_in(client, owner):
    """/healthz must answer about the database, not fail on reading a session from it."""
    with CaptureQueriesContext(connection) as anonymous:
        client.get(reverse("healthz"))
    client.force_login(owner)
    with CaptureQueriesContext(connection) as signed_in:
        response = client.get(reverse("healthz"))
    assert "no-store" in response["Cache-Control"]
    assert len(signed_in) == len(anonymous)
