from django.urls import path

from projects.views import board, projects, releases, sprints, summaries, tasks

app_name = "projects"

urlpatterns = [
    path("projects/", projects.project_list_view, name="list"),
    path("projects/new/", projects.project_create_view, name="create"),
    path("projects/<int:pk>/", board.board, name="board"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="edit"),
    path("projects/<int:pk>/team/", projects.project_team_view, name="team"),
    path(
        "projects/<int:pk>/team/<int:assignment_pk>/end/",
        projects.assignment_end_view,
        name="assignment_end",
    ),
    path("projects/<int:pk>/tasks/new/", tasks.task_create_view, name="task_create"),
    path("projects/<int:pk>/sprints/", sprints.sprint_list_view, name="sprint_list"),
    path("projects/<int:pk>/releases/", releases.release_list, name="release_list"),
    path("projects/<int:pk>/summaries/", summaries.summary_list_view, name="summary_list"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/move/", board.task_move_view, name="task_move"),
    path("tasks/<int:pk>/estimate/", board.task_estimate_view, name="task_estimate"),
    path("tasks/<int:pk>/comments/", tasks.task_comment, name="task_comment"),
    path("tasks/<int:pk>/assign/", board.task_assign_view, name="task_assign"),
    path("tasks/<int:pk>/files/", tasks.task_attachments, name="task_attachments"),
    path("tasks/<int:pk>/files/<int:file_pk>/", tasks.task_attachment, name="task_attachment"),
    path("tasks/<int:pk>/updates/", tasks.milestone_update, name="milestone_update"),
    path("sprints/<int:pk>/", sprints.sprint_detail, name="sprint_detail"),
    path("sprints/<int:pk>/goal/", sprints.sprint_goal, name="sprint_goal"),
    path("releases/<int:pk>/", releases.release_detail, name="release_detail"),
    path("summaries/<int:pk>/", summaries.summary_detail, name="summary_detail"),
]
