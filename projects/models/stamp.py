"""A token per project that changes whenever anything its board shows changes."""

from django.db import models


class BoardStamp(models.Model):
    """The board's version: a random token replaced by database triggers in the same
    transaction as every change to a project's tasks, hours, releases, sprints,
    assignments or assignees' names (``projects.board_stamp``). The board caches its
    rendered parts under it (``projects.views.snapshot``), so a page is rebuilt only after
    a change, whatever wrote it: a service, the admin, a shell or raw SQL.

    The project is a plain id, not a foreign key: the stamp is written at COMMIT on
    PostgreSQL, where a constraint on it could fail the commit of a project's deletion.
    Random, not a counter, so a rolled-back token is never seen again by anyone."""

    project_id = models.BigIntegerField(primary_key=True)
    token = models.CharField(max_length=40)

    def __str__(self):
        return f"board of project {self.project_id}: {self.token}"
