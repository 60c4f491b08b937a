"""Staff see every tenant only in a session verified with MFA (issue 8, item 1; R-TENANT).

The visibility methods and the middleware agree: a staff user signed in with a password alone
is sent to MFA setup (or to confirm a code) on every route but sign-in and MFA pages, and
selectors called with such a user answer what they answer to a non-member."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from accounts import services as account_services
from accounts.middleware import StaffMFARequiredMiddleware
from accounts.models import Membership, Organization
from projects.models import Project, Query, QueryNote, Task
from projects.selectors.projects import organizations_for_new_project, project_list
from projects.services.access import can_triage
from tests.factories.accounts import (
    PASSWORD,
    StaffFactory,
    customer,
    expert,
    login_unverified_staff,
    login_verified_staff,
    verified_staff,
)
from tests.factories.projects import AssignmentFactory, ProjectFactory, TaskFactory
from tests.factories.queries import QueryFactory, QueryNoteFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import TimeEntry
from timesheets.selectors import report_experts

pytestmark = pytest.mark.django_db

MARKER = "ACME-CONFIDENTIAL"


@pytest.fixture
def tenant():
    owner = customer(first_name="Olga")
    project = ProjectFactory(organization=owner.memberships.get().organization, name=MARKER)
    assignment = AssignmentFactory(project=project)
    task = TaskFactory(project=project, title=f"{MARKER} task", assignee=assignment.expert)
    TimeEntryFactory(task=task, expert=assignment.expert)
    query = QueryFactory(project=project, title=f"{MARKER} question", author=owner)
    QueryNoteFactory(query=query)
    return project


def _tenant_pages(project) -> list[str]:
    return [
        reverse("projects:board", kwargs={"pk": project.pk}),
        reverse("timesheets:export"),
        reverse("queries:list"),
        reverse("queries:project_export", kwargs={"pk": project.pk}),
    ]


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


class TestStaffWithoutMFAVerifiedSession:
    def test_without_an_authenticator_every_tenant_page_sends_to_mfa_setup(self, client, tenant):
        login_unverified_staff(client, StaffFactory())
        for url in [*_tenant_pages(tenant), reverse("dashboard"), reverse("projects:list")]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == reverse("mfa_activate_totp"), url
            assert MARKER not in _body(response)

    def test_with_an_authenticator_they_confirm_a_code_then_come_back(self, client, tenant):
        login_unverified_staff(client, StaffFactory(), with_authenticator=True)
        for url in _tenant_pages(tenant):
            response = client.get(url)
            assert response.status_code == 302, url
            expected = f"{reverse('mfa_reauthenticate')}?{urlencode({'next': url})}"
            assert response["Location"] == expected

    def test_writes_are_refused_too(self, client, tenant):
        login_unverified_staff(client, StaffFactory())
        response = client.post(
            reverse("projects:task_create", kwargs={"pk": tenant.pk}), {"title": "Sneaky"}
        )
        assert response["Location"] == reverse("mfa_activate_totp")
        assert not Task.objects.filter(title="Sneaky").exists()

    def test_an_unverified_session_cannot_remove_the_authenticator(self, client):
        staff = login_unverified_staff(client, StaffFactory(), with_authenticator=True)
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response["Location"].startswith(reverse("mfa_reauthenticate"))
        assert Authenticator.objects.filter(user=staff).exists()

    def test_the_gate_never_reads_the_session_of_the_health_probe(self, rf):
        # With the database down the probe must still answer: the gate stays out of its way.
        request = rf.get(reverse("healthz"))
        request.user = SimpleLazyObject(lambda: pytest.fail("the gate read the user"))
        gate = StaffMFARequiredMiddleware(lambda request: HttpResponse("ok"))
        assert gate(request).status_code == 200
        assert gate.process_view(request, None, (), {}) is None

    def test_sign_in_out_and_mfa_pages_stay_open(self, client):
        login_unverified_staff(client, StaffFactory())
        for name in ("mfa_index", "mfa_activate_totp", "account_reauthenticate", "healthz"):
            response = client.get(reverse(name))
            assert response.get("Location") != reverse("mfa_activate_totp"), name
        assert client.post(reverse("account_logout"))["Location"] == "/"


class TestStaffInAnMFAVerifiedSession:
    def test_they_see_every_tenant_page(self, client, tenant):
        login_verified_staff(client, StaffFactory())
        for url in _tenant_pages(tenant):
            response = client.get(url)
            assert response.status_code == 200, url
            assert MARKER in _body(response), url

    def test_signing_in_with_password_and_code_verifies_the_session(self, client, tenant):
        staff = StaffFactory()
        secret = generate_totp_secret()
        TOTP.activate(staff, secret)
        client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
        client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
        assert client.get(_tenant_pages(tenant)[0]).status_code == 200

    def test_confirming_a_code_verifies_a_password_only_session(self, client, tenant):
        staff = StaffFactory()
        secret = generate_totp_secret()
        TOTP.activate(staff, secret)
        client.force_login(staff)
        board = _tenant_pages(tenant)[0]
        confirm = client.get(board)["Location"]
        response = client.post(confirm, {"code": _current_code(secret)})
        assert response["Location"] == board
        assert MARKER in _body(client.get(board))

    @pytest.mark.django_db(transaction=True)
    def test_setting_up_totp_verifies_the_session(self, client, tenant):
        # allauth sends its "authenticator added" signal on commit: a real transaction here,
        # so it runs inside the request as in production, before the session is saved.
        staff = StaffFactory()
        client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        client.get(reverse("mfa_activate_totp"))
        secret = client.session["mfa.totp.secret"]
        client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
        assert client.get(_tenant_pages(tenant)[0]).status_code == 200

    def test_removing_the_authenticator_ends_staff_access(self, client, tenant):
        staff = login_verified_staff(client, StaffFactory())
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        client.post(reverse("mfa_deactivate_totp"))
        assert not Authenticator.objects.filter(user=staff).exists()
        response = client.get(_tenant_pages(tenant)[0])
        assert response["Location"] == reverse("mfa_activate_totp")


class TestVisibilityMethodsCheckTheSession:
    """Selectors and services given a staff user who is not verified answer as they would
    to someone with no membership and no assignment."""

    def test_querysets_show_nothing(self, tenant):
        staff = StaffFactory()
        for model in (Organization, Project, Task, Query, QueryNote, TimeEntry):
            assert not model.objects.visible_to(staff).exists(), model.__name__
        assert not project_list(user=staff).exists()
        assert not organizations_for_new_project(user=staff).exists()
        assert not report_experts(user=staff).exists()

    def test_a_verified_staff_user_sees_everything(self, tenant):
        staff = verified_staff()
        for model in (Organization, Project, Task, Query, QueryNote, TimeEntry):
            assert model.objects.visible_to(staff).exists(), model.__name__
        assert list(project_list(user=staff)) == [tenant]

    def test_services_refuse_what_only_staff_may_do(self, tenant):
        staff = StaffFactory()
        organization = tenant.organization
        assert not can_triage(staff, tenant)
        with pytest.raises(PermissionDenied):
            account_services.invitation_create(
                actor=staff, organization=organization, email="x@example.com", role="member"
            )
        assert can_triage(verified_staff(staff), tenant)

    def test_an_inactive_staff_user_is_never_verified(self):
        staff = verified_staff(is_active=False)
        assert not staff.sees_everything

    def test_members_of_the_tenant_keep_their_own_view(self, tenant):
        member = customer(tenant.organization, Membership.Role.MEMBER)
        assert list(Project.objects.visible_to(member)) == [tenant]
        assert not expert().sees_everything
