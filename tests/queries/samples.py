"""Tenant A's query (with a file, a response and an internal note) for the tenancy sweep."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import Query, QueryResponse, Task
from projects.services.queries import query_ask, query_respond
from projects.services.query_threads import query_note_add
from tests.tenancy import Sample


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


def _detail_page(w):
    return w.query_a.get_absolute_url()


def _period(w):
    return {"start": (w.today - timedelta(days=7)).isoformat(), "end": w.today.isoformat()}


def _listing(w):
    return {"state": "all", "page": "1"}


ROUTES = {
    "queries:list": Sample(query=_listing),
    "queries:figures": Sample(query=_period),
    "queries:detail": Sample(kwargs=_query),
    "queries:respond": Sample(
        kwargs=_query,
        payload=lambda w: {"kind": QueryResponse.Kind.ANSWER, "body": "Swept", "estimate_hours": 3},
        writer="expert_a",
        refused={"owner_a": 400, "member_a": 400},
        form=_detail_page,
    ),
    "queries:reply": Sample(
        kwargs=_query, payload=lambda w: {"body": "Swept reply"}, form=_detail_page
    ),
    "queries:note": Sample(
        kwargs=_query,
        payload=lambda w: {"body": "Swept note", "ask_community": "on"},
        writer="expert_a",
        refused={"owner_a": 400, "member_a": 400},
        form=_detail_page,
    ),
    "queries:create_task": Sample(
        kwargs=_query,
        payload=lambda w: {"title": "Swept query task", "priority": 2, "estimate_hours": "2"},
        writer="expert_a",
        refused={"owner_a": 400, "member_a": 400},
        form=_detail_page,
        done=lambda w: Task.objects.filter(title="Swept query task").exists(),
    ),
    "queries:resolve": Sample(kwargs=_query, payload=lambda w: {}),
    "queries:attachment": Sample(
        kwargs=lambda w: {"pk": w.query_a.pk, "file_pk": w.attachment_a.pk}
    ),
    "queries:project_list": Sample(kwargs=_project, query=_listing),
    "queries:ask": Sample(
        kwargs=_project,
        payload=lambda w: {"title": "Swept question", "body": "Swept body"},
        refused={"expert_a": 302},
        done=lambda w: Query.objects.filter(title="Swept question").exists(),
    ),
    "queries:project_export": Sample(kwargs=_project),
    "queries:staff_open": Sample(query=lambda w: {"page": "1"}, writer="staff"),
    "queries:staff_figures": Sample(query=_period, writer="staff"),
}
