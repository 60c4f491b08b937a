"""Projects, assignments, sprints and tasks (core), the board's extras and queries.

Models are split by area; import them from ``projects.models``.
"""

from projects.models.core import Assignment, Project, Sprint, Task  # noqa: F401
from projects.models.queries import Query  # noqa: F401
