"""Reads for releases; the release log is a view of the event log (R-RELEASE)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from projects.models import Release, Task
from projects.services.releases import RELEASABLE_STATUSES
from softwaresupp.models import Event
from softwaresupp.tenancy import get_visible_or_404

RECENT_WORK = timedelta(days=60)


def release_get(*, user, pk: int) -> Release:
    return get_visible_or_404(
        Release.objects.select_related("project", "project__organization", "author"),
        user,
        pk=pk,
    )


def _attach_steps(releases: list) -> None:
    """Each release's steps (who, when, from → to, notes), oldest first, in one query."""
    steps = {r.pk: [] for r in releases}
    events = (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Release),
            target_id__in=list(steps),
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for event in events:
        steps[event.target_id].append(event)
    for release in releases:
        release.steps = steps[release.pk]


def release_log(*, project) -> list:
    releases = list(project.releases.select_related("author").prefetch_related("tasks"))
    _attach_steps(releases)
    return releases


def release_with_steps(release: Release) -> Release:
    _attach_steps([release])
    return release


def releasable_tasks(*, project):
    """Work that has started and moved in the last two months, newest first: what a
    release can deliver."""
    return Task.objects.filter(
        project=project,
        status__in=RELEASABLE_STATUSES,
        updated_at__gte=timezone.now() - RECENT_WORK,
    ).order_by("-updated_at", "-pk")
