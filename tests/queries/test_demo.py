"""The demo queries: answered, breached and waiting; seeding twice changes nothing."""

from accounts import demo as accounts_demo
from projects.demo import queries as demo_queries
from projects.models import Assignment, Project, Query
from tests.factories.projects import ProjectFactory


def test_given_no_projects_then_the_demo_adds_no_queries(db):
    world: dict = {}
    accounts_demo.seed(world)
    demo_queries.seed(world)
    assert not Query.objects.exists()


def test_the_demo_has_answered_breached_and_waiting_queries_and_is_idempotent(db):
    world: dict = {}
    accounts_demo.seed(world)
    for slug, organization in world["organizations"].items():
        project = ProjectFactory(organization=organization, name=f"{slug} app")
        Assignment.objects.create(project=project, expert=next(iter(world["experts"].values())))
    world["projects"] = {p.name: p for p in Project.objects.all()}

    demo_queries.seed(world)
    count = Query.objects.count()
    demo_queries.seed(world)
    assert Query.objects.count() == count == 5

    states = set(Query.objects.values_list("state", flat=True))
    assert states == {"waiting", "answered", "waiting_on_customer", "resolved"}
    breached = [q for q in Query.objects.all() if q.is_breached()]
    on_time = [q for q in Query.objects.all() if q.answered_on_time()]
    assert len(breached) == 2 and len(on_time) == 2
    assert Query.objects.filter(state="waiting", breach_alerted_at__isnull=True).count() == 1
