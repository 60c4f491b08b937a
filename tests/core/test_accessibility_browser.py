"""Issue 14, item 6: every main page of each role, at 1366 × 768 and 390 × 844, passes
axe-core (vendored from npm into tests/vendor/ by bin/vendor-assets) with no violation and
no horizontal overflow of the page. Screenshots are saved under test-artifacts/axe/ (git
ignores it); docs/screenshots/ holds the board and timesheet ones copied from there."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from projects.models import Assignment, Task
from projects.services.queries import query_ask, query_respond
from tests.factories.accounts import (
    OrganizationFactory,
    StaffFactory,
    customer,
    expert,
    login_verified_staff,
)
from tests.factories.projects import (
    ProjectFactory,
    TaskCommentFactory,
    TaskFactory,
    current_sprint,
)
from tests.factories.timesheets import TimeEntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "tests" / "vendor" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "axe"
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
ROLES = ("owner", "member", "expert", "staff")
# How far the page scrolls sideways, and the outermost element reaching past the viewport
# (what to fix).
OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth;
  const by = root.scrollWidth - width;
  let widest = "";
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  if (by > 0) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && !clipped(el)) {
        widest = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
          + "." + [...el.classList].join(".") + " right=" + Math.round(box.right);
        break;
      }
    }
  }
  return {by, widest};
}"""


def _world():
    organization = OrganizationFactory(name="Acme Robotics", slug="acme")
    owner = customer(
        organization, Membership.Role.OWNER, first_name="Anna", time_zone="Europe/Warsaw"
    )
    member = customer(organization, Membership.Role.MEMBER, first_name="Mark")
    lead = expert(user__first_name="Eva", user__time_zone="Europe/Lisbon")
    project = ProjectFactory(organization=organization, name="Warehouse robots")
    Assignment.objects.create(
        project=project, expert=lead, role=Assignment.Role.LEAD, starts_on=date(2025, 1, 1)
    )
    sprint = current_sprint(project)
    tasks = [
        TaskFactory(project=project, sprint=sprint, title=title, status=status, assignee=lead)
        for title, status in (
            ("Export the orders as CSV", Task.Status.TODO),
            ("Fix the arm's night stop", Task.Status.IN_PROGRESS),
            ("Invoice layout", Task.Status.DONE),
        )
    ]
    TaskFactory(
        project=project,
        title="New dashboard idea",
        status=Task.Status.NEW,
        estimate_hours=None,
        first_estimate_hours=None,
    )
    TaskCommentFactory(task=tasks[1], author=owner, body="It stopped again at 2am.")
    for offset in range(3):
        TimeEntryFactory(
            task=tasks[1], expert=lead, day=timezone.localdate() - timedelta(days=offset)
        )
    query = query_ask(actor=owner, project=project, title="Arm stops at night", body="Logs?")
    query_respond(
        actor=lead,
        query=query,
        kind="answer",
        body="Looking at the watchdog.",
        estimate_hours=Decimal("2"),
    )
    staff = StaffFactory(first_name="Sam")
    board = reverse("projects:board", kwargs={"pk": project.pk})
    task = reverse("projects:task_detail", kwargs={"pk": tasks[1].pk})
    common = {
        "dashboard": "/",
        "projects": reverse("projects:list"),
        "board": board,
        "task": task,
        "queries": reverse("queries:project_list", kwargs={"pk": project.pk}),
        "query": query.get_absolute_url(),
        "hours": reverse("timesheets:report"),
        "profile": reverse("accounts:profile"),
    }
    pages = {
        "owner": {
            **common,
            "organization": organization.get_absolute_url(),
            "ask": reverse("queries:ask", kwargs={"pk": project.pk}),
            "resolve": reverse("queries:resolve", kwargs={"pk": query.pk}),
            "new project": reverse("projects:create"),
        },
        "member": common,
        "expert": {
            **common,
            "timesheet": reverse("timesheets:week"),
            "money": reverse("payments:money"),
            "my queries": reverse("queries:list"),
        },
        "staff": {
            **common,
            "staff home": reverse("staff_home"),
            "open queries": reverse("queries:staff_open"),
            "query figures": reverse("queries:staff_figures"),
            "nps": reverse("surveys:figures"),
            "team": reverse("projects:team", kwargs={"pk": project.pk}),
        },
    }
    users = {"owner": owner, "member": member, "expert": lead, "staff": staff}
    return users, pages


def _session_cookie(role, user, live_server):
    client = Client()
    if role == "staff":
        login_verified_staff(client, user)
    else:
        client.force_login(user)
    host = live_server.url.split("//")[1].split(":")[0]
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": host,
        "path": "/",
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_main_page_is_axe_clean_without_overflow_at_both_sizes(role, live_server, browser):
    users, pages = _world()
    cookie = _session_cookie(role, users[role], live_server)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for size, (width, height) in SIZES.items():
        # The CSP forbids inline scripts; axe is injected by the test, not by the page.
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        context.add_cookies([cookie])
        page = context.new_page()
        for name, path in pages[role].items():
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (role, name, response.status)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')"
                " + ' :: ' + (n.failureSummary || '').slice(0, 160))}))"
            )
            overflow = page.evaluate(OVERFLOW)
            slug = name.replace(" ", "-")
            page.screenshot(path=str(ARTIFACTS / f"{role}-{size}-{slug}.png"), full_page=True)
            for violation in violations:
                problems.append(f"{size} {name}: {json.dumps(violation)}")
            if overflow["by"] > 0:
                problems.append(
                    f"{size} {name}: the page scrolls sideways by {overflow['by']}px"
                    f" ({overflow['widest']})"
                )
        context.close()
    assert problems == [], "\n".join(problems)
