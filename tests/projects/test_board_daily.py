"""Issue 14, the board in daily use: "assign to me" and the inline estimate on a card, the
board's status line, the experts told of a customer's task (once), the side panel (same
tenancy as the task page) and task files (served like a query's)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership
from projects.models import Assignment, TaskAttachment
from projects.services.tasks import task_attachments_add, task_create
from softwaresupp.events import event_list_for
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import customer
from tests.factories.projects import AssignmentFactory, ProjectFactory, TaskFactory, current_sprint

pytestmark = pytest.mark.django_db

HTMX_BOARD = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}
TOKEN = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
HTMX_PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "task-panel"}


@pytest.fixture
def outsider():
    return customer(ProjectFactory().organization, Membership.Role.OWNER)


def _upload(name="spec.txt", content=b"the spec"):
    return SimpleUploadedFile(name, content)


class TestAssignToMe:
    def test_an_expert_takes_a_task_from_its_card(self, client, project, lead):
        task = TaskFactory(project=project, sprint=current_sprint(project), status="todo")
        client.force_login(lead)
        html = client.get(project.get_absolute_url()).content.decode()
        assert 'data-testid="assign-to-me"' in html
        url = reverse("projects:task_assign", kwargs={"pk": task.pk})
        response = client.post(url, {"assignee": "me"}, **HTMX_BOARD)
        task.refresh_from_db()
        assert task.assignee == lead
        html = response.content.decode()
        assert 'id="board-toast" hx-swap-oob="innerHTML"' in html
        assert "is assigned to you" in html
        assert 'data-testid="assign-to-me"' not in html  # the card is theirs now
        assert event_list_for(task).first().changes["assignee"][1] == str(lead)

    def test_without_javascript_it_redirects_back_with_a_message(self, client, project, lead):
        task = TaskFactory(project=project, sprint=current_sprint(project), status="todo")
        client.force_login(lead)
        url = reverse("projects:task_assign", kwargs={"pk": task.pk})
        response = client.post(url, {"assignee": "me", "next": project.get_absolute_url()})
        assert response.status_code == 302
        assert "is assigned to you" in client.get(response["Location"]).content.decode()

    def test_a_customer_cannot_take_a_task_and_is_told(self, client, project, owner):
        task = TaskFactory(project=project, sprint=current_sprint(project), status="todo")
        client.force_login(owner)
        url = reverse("projects:task_assign", kwargs={"pk": task.pk})
        response = client.post(url, {"assignee": "me"}, **HTMX_BOARD)
        assert "Only the experts working on this project" in response.content.decode()
        task.refresh_from_db()
        assert task.assignee is None

    def test_only_me_is_offered(self, client, project, lead, member):
        task = TaskFactory(project=project, sprint=current_sprint(project), status="todo")
        client.force_login(lead)
        url = reverse("projects:task_assign", kwargs={"pk": task.pk})
        response = client.post(url, {"assignee": str(member.pk)}, **HTMX_BOARD)
        assert 'data-testid="board-error"' in response.content.decode()
        task.refresh_from_db()
        assert task.assignee is None


class TestInlineEstimate:
    def test_an_estimated_card_changes_its_estimate_in_place(self, client, project, lead):
        task = TaskFactory(
            project=project, sprint=current_sprint(project), status="todo", estimate_hours=2
        )
        client.force_login(lead)
        html = client.get(project.get_absolute_url()).content.decode()
        assert f"New estimate in hours for {task.title}" in html
        url = reverse("projects:task_estimate", kwargs={"pk": task.pk})
        response = client.post(url, {"estimate_hours": "4.5"}, **HTMX_BOARD)
        task.refresh_from_db()
        assert (task.estimate_hours, task.first_estimate_hours) == (Decimal("4.5"), Decimal("2"))
        assert "is estimated at 4.5" in response.content.decode()

    def test_a_refused_estimate_is_said_in_the_status_line(self, client, project, lead):
        task = TaskFactory(
            project=project, sprint=current_sprint(project), status="todo", estimate_hours=2
        )
        client.force_login(lead)
        url = reverse("projects:task_estimate", kwargs={"pk": task.pk})
        html = client.post(url, {"estimate_hours": "-1"}, **HTMX_BOARD).content.decode()
        assert "is-refused" in html and "greater than zero" in html
        task.refresh_from_db()
        assert task.estimate_hours == Decimal("2")


class TestTaskSubmittedEmail:
    def test_the_projects_current_experts_hear_once_in_the_same_transaction(
        self, project, owner, lead, member, django_capture_on_commit_callbacks
    ):
        former = AssignmentFactory(project=project, role=Assignment.Role.MEMBER).expert
        Assignment.objects.filter(expert=former).update(
            starts_on="2019-01-01", ends_on="2020-01-01"
        )
        with django_capture_on_commit_callbacks(execute=True):
            task = task_create(actor=owner, project=project, title="Dark mode")
        assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, member.email])
        message = mail.outbox[0]
        assert "Dark mode" in message.subject and "Fleet dashboard" in message.subject
        assert task.get_absolute_url() in message.body
        assert message.alternatives and task.get_absolute_url() in message.alternatives[0][0]
        rows = OutboxMessage.objects.filter(template="task_submitted")
        assert rows.count() == 2

    def test_an_experts_own_task_is_not_announced(
        self, project, lead, member, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            task_create(actor=lead, project=project, title="Refactor", estimate_hours=2)
        assert mail.outbox == []

    def test_a_replayed_submission_announces_nothing_more(self, project, owner, lead):
        task_create(actor=owner, project=project, title="Dark mode", submission=TOKEN)
        task_create(actor=owner, project=project, title="Dark mode", submission=TOKEN)
        assert OutboxMessage.objects.filter(template="task_submitted").count() == 1


class TestSidePanel:
    def test_the_card_opens_with_details_comments_files_and_hours(self, client, project, owner):
        task = TaskFactory(project=project, sprint=current_sprint(project), title="Dark mode")
        task.comments.create(author=owner, body="Before Friday please")
        client.force_login(owner)
        url = reverse("projects:task_detail", kwargs={"pk": task.pk})
        html = client.get(url, **HTMX_PANEL).content.decode()
        assert "<html" not in html
        assert 'data-testid="panel-title"' in html and "Dark mode" in html
        assert "Before Friday please" in html
        assert 'data-testid="task-files"' in html and 'data-testid="task-time-panel"' in html
        # Without JavaScript the same link is the task's page.
        assert "<html" in client.get(url).content.decode()

    def test_a_comment_from_the_panel_comes_back_in_the_panel(self, client, project, owner):
        task = TaskFactory(project=project, sprint=current_sprint(project))
        client.force_login(owner)
        url = reverse("projects:task_comment", kwargs={"pk": task.pk})
        html = client.post(url, {"body": "Looks good"}, **HTMX_PANEL).content.decode()
        assert 'data-testid="panel-done"' in html and "Looks good" in html
        html = client.post(url, {"body": "  "}, **HTMX_PANEL).content.decode()
        assert 'data-testid="panel-error"' in html
        assert task.comments.count() == 1

    def test_another_tenant_gets_404_for_the_panel_and_its_posts(self, client, project, outsider):
        task = TaskFactory(project=project, title="Secret roadmap")
        client.force_login(outsider)
        detail = reverse("projects:task_detail", kwargs={"pk": task.pk})
        comment = reverse("projects:task_comment", kwargs={"pk": task.pk})
        assert client.get(detail, **HTMX_PANEL).status_code == 404
        assert client.post(comment, {"body": "hi"}, **HTMX_PANEL).status_code == 404
        assert task.comments.count() == 0


class TestTaskFiles:
    def test_a_customer_submits_a_task_with_files(self, client, project, owner):
        client.force_login(owner)
        url = reverse("projects:task_create", kwargs={"pk": project.pk})
        page = client.get(url).content.decode()
        assert 'enctype="multipart/form-data"' in page
        response = client.post(
            url, {"title": "Dark mode", "kind": "task", "priority": 2, "files": [_upload()]}
        )
        assert response.status_code == 302
        attachment = TaskAttachment.objects.get()
        assert (attachment.task.title, attachment.name, attachment.uploaded_by) == (
            "Dark mode",
            "spec.txt",
            owner,
        )
        assert attachment.organization_id == project.organization_id

    def test_files_added_later_are_downloaded_never_shown(self, client, project, owner, lead):
        task = TaskFactory(project=project)
        client.force_login(lead)
        url = reverse("projects:task_attachments", kwargs={"pk": task.pk})
        client.post(url, {"files": [_upload("page.html", b"<script>alert(1)</script>")]})
        attachment = task.attachments.get()
        client.force_login(owner)
        response = client.get(attachment.get_absolute_url())
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
        assert event_list_for(task).first().verb == "attached"

    def test_another_tenant_gets_404_even_with_the_right_task_in_the_path(
        self, client, project, owner, outsider
    ):
        task = TaskFactory(project=project)
        attachment = task_attachments_add(actor=owner, task=task, files=[_upload()])[0]
        client.force_login(outsider)
        assert client.get(attachment.get_absolute_url()).status_code == 404
        # A file of A asked through a task of B's is 404 too.
        theirs = TaskFactory(
            project=ProjectFactory(organization=outsider.memberships.get().organization)
        )
        url = reverse(
            "projects:task_attachment", kwargs={"pk": theirs.pk, "file_pk": attachment.pk}
        )
        assert client.get(url).status_code == 404
        post = reverse("projects:task_attachments", kwargs={"pk": task.pk})
        assert client.post(post, {"files": [_upload("x.txt")]}).status_code == 404
        assert task.attachments.count() == 1

    def test_an_expert_who_left_no_longer_reaches_the_files(self, client, project, owner, lead):
        task = TaskFactory(project=project)
        attachment = task_attachments_add(actor=owner, task=task, files=[_upload()])[0]
        Assignment.objects.filter(expert=lead).update(starts_on="2019-01-01", ends_on="2020-01-01")
        client.force_login(lead)
        assert client.get(attachment.get_absolute_url()).status_code == 404

    def test_too_many_or_too_large_files_are_refused_beside_the_field(self, project, owner):
        from django.core.exceptions import ValidationError

        from projects.services.attachments import MAX_FILE_SIZE

        task = TaskFactory(project=project)
        with pytest.raises(ValidationError) as error:
            task_attachments_add(
                actor=owner, task=task, files=[_upload(f"{n}.txt") for n in range(6)]
            )
        assert "files" in error.value.message_dict
        with pytest.raises(ValidationError):
            task_attachments_add(
                actor=owner, task=task, files=[_upload("big.bin", b"0" * (MAX_FILE_SIZE + 1))]
            )
        assert task.attachments.count() == 0
