"""Releases (R-RELEASE): dev work goes to staging, is tested there, then goes to production,
one step at a time; each step is written to the event log with its actor and time."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from projects.models import Project, Release, Task
from projects.selectors.projects import project_members
from projects.services.access import can_triage, require_participant, require_triage
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify

# Work that has been started can be shipped.
RELEASABLE_STATUSES = (Task.Status.IN_PROGRESS, Task.Status.DONE)


def _tell_customer(release: Release, actor) -> None:
    notify(
        template="project_release",
        recipients=project_members(project=release.project).exclude(pk=actor.pk),
        context={
            "release": release,
            "project": release.project,
            "stage": release.get_stage_display(),
            "actor": str(actor),
            "tasks": list(release.tasks.all()),
            "release_url": absolute_url(release.get_absolute_url()),
        },
    )


@transaction.atomic
def release_create(*, actor, project: Project, title: str, notes: str = "", tasks=()) -> Release:
    """R-RELEASE, first step: an expert puts dev work on staging. The customer's members
    are told it is ready to test."""
    require_triage(actor, project)
    tasks = list(tasks)
    if not tasks:
        raise ValidationError({"tasks": "Choose the tasks this release delivers."})
    if any(t.project_id != project.pk or t.status not in RELEASABLE_STATUSES for t in tasks):
        raise ValidationError(
            {"tasks": "A release delivers this project's tasks that are in progress or done."}
        )
    release = Release(
        project=project,
        organization_id=project.organization_id,
        title=title.strip(),
        notes=notes.strip(),
        author=actor,
        stage=Release.Stage.STAGING,
    )
    release.full_clean()
    release.save()
    release.tasks.set(tasks)
    event_record(
        actor=actor,
        target=release,
        verb="deployed to staging",
        organization=project.organization,
        changes={"stage": (None, release.get_stage_display())},
        note=", ".join(t.title for t in tasks),
    )
    _tell_customer(release, actor)
    return release


@transaction.atomic
def release_advance(*, actor, release: Release, to_stage: str, test_notes: str = "") -> Release:
    """R-RELEASE: the next step and only the next one (``to_stage`` names it, so a repeated
    click never takes two steps). *Tested* needs test notes and may be taken by the
    customer's people or the experts; *production* only by the experts, after *tested*."""
    release = (
        Release.objects.select_for_update(of=("self",)).select_related("project").get(pk=release.pk)
    )
    require_participant(actor, release.project)
    target = release.next_stage
    if to_stage == release.stage:
        raise ValidationError(f"This release is already {release.get_stage_display().lower()}.")
    if target is None:
        raise ValidationError("This release is already in production.")
    if to_stage != target:
        raise ValidationError(
            "A release goes staging → tested → production, one step at a time: "
            "it must be tested on staging before it goes to production."
        )
    if target == Release.Stage.TESTED:
        test_notes = test_notes.strip()
        if not test_notes:
            raise ValidationError(
                {"test_notes": "Write what was tested on staging and what you found."}
            )
        release.test_notes = test_notes
    elif not can_triage(actor, release.project):
        raise PermissionDenied("Only the project's experts can release to production.")
    before = release.get_stage_display()
    release.stage, release.stage_changed_at = target, timezone.now()
    release.full_clean()
    release.save(update_fields=["stage", "stage_changed_at", "test_notes"])
    event_record(
        actor=actor,
        target=release,
        verb="tested on staging" if target == Release.Stage.TESTED else "released to production",
        organization=release.organization,
        changes={"stage": (before, release.get_stage_display())},
        note=test_notes if target == Release.Stage.TESTED else "",
    )
    if target == Release.Stage.PRODUCTION:
        _tell_customer(release, actor)
    return release
