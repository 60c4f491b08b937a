"""Projects, assignments, sprints and tasks (core), the hours logged on tasks, the board's
extras and queries.

Models are split by area; import them from ``projects.models``.
"""

from projects.models.board import (  # noqa: F401
    ProjectUpdate,
    Release,
    TaskAttachment,
    TaskComment,
    WeeklySummary,
)
from projects.models.core import Assignment, Project, Sprint, Task  # noqa: F401
from projects.models.hours import TaskHours  # noqa: F401
from projects.models.queries import (  # noqa: F401
    Query,
    QueryAttachment,
    QueryNote,
    QueryPromise,
    QueryReply,
    QueryResponse,
)
from projects.models.stamp import BoardStamp  # noqa: F401
