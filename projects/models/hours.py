"""The hours a task has, as projects reads them: one row per task, expert and day.

The time entries themselves belong to ``timesheets``, which depends on projects, never the
reverse. Their services keep this rollup exact in the same transaction as every entry
change (``timesheets.rollup``), so the board, task pages, sprint figures and weekly
summaries read hours without importing timesheets. ``manage.py rollup_check`` compares it
with the entries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TaskHours(models.Model):
    """The sum of the time entries of one expert on one task on one day (the expert's day)."""

    # No index of their own: each foreign key leads one below (the task leads the unique
    # constraint's), which serves its lookups and cascades. A plain index on the expert
    # alone made PostgreSQL read the staff's hours by expert through the table (a heap
    # fetch per row) instead of the covering index: 2.5× slower.
    task = models.ForeignKey(
        "projects.Task", on_delete=models.CASCADE, related_name="logged_hours", db_index=False
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    # How many entries the hours sum: the hours reports count an expert's entries without
    # reading them.
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "task"]
        verbose_name_plural = "task hours"
        # Covering indexes: the hours reports (timesheets) read a customer's projects, an
        # expert's own rows or a range of days and sum them from the index alone, however
        # the rows lie in the table.
        indexes = [
            models.Index(
                fields=["project", "day"],
                include=["task", "expert", "hours", "entries"],
                name="task_hours_project_day_v2",
            ),
            models.Index(
                fields=["expert", "day"],
                include=["task", "project", "hours", "entries"],
                name="task_hours_expert_day_v2",
            ),
            models.Index(
                fields=["day"],
                include=["task", "expert", "project", "hours", "entries"],
                name="task_hours_day_v2",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task", "expert", "day"], name="task_hours_once"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="task_hours_positive"),
        ]

    def __str__(self):
        return f"{self.task_id} · {self.expert_id} · {self.day} · {self.hours} h"
