"""Tenant A's query (with a file, a response and an internal note) for the tenancy sweep."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import QueryResponse
from projects.services.queries import query_ask, query_respond
from projects.services.query_threads import query_note_add


def populate(world):
    query = query_ask(
        actor=world.owner_a,
        project=world.project_a,
        title="Query TENANT-A-SECRET",
        body="Body TENANT-A-SECRET",
        files=[SimpleUploadedFile("spec-TENANT-A-SECRET.txt", b"TENANT-A-SECRET")],
    )
    query_respond(
        actor=world.expert_a,
        query=query,
        kind=QueryResponse.Kind.ANSWER,
        body="Answer TENANT-A-SECRET",
        estimate_hours=Decimal("2"),
    )
    query_note_add(
        actor=world.expert_a, query=query, body="Internal TENANT-A-SECRET", ask_community=True
    )
    world.extra["query_a"] = query
    world.extra["attachment_a"] = query.attachments.get()


def _query(w):
    return {"pk": w.query_a.pk}


def _project(w):
    return {"pk": w.project_a.pk}


ROUTES = {
    "queries:list": None,
    "queries:figures": None,
    "queries:detail": _query,
    "queries:respond": _query,
    "queries:reply": _query,
    "queries:note": _query,
    "queries:create_task": _query,
    "queries:resolve": _query,
    "queries:attachment": lambda w: {"pk": w.query_a.pk, "file_pk": w.attachment_a.pk},
    "queries:project_list": _project,
    "queries:ask": _project,
    "queries:project_export": _project,
    "queries:staff_open": None,
    "queries:staff_figures": None,
}
