from django.urls import path

from projects.views import queries as views

app_name = "queries"

urlpatterns = [
    path("queries/", views.query_list, name="list"),
    path("queries/figures/", views.figures, name="figures"),
    path("queries/<int:pk>/", views.detail, name="detail"),
    path("queries/<int:pk>/respond/", views.respond, name="respond"),
    path("queries/<int:pk>/reply/", views.reply, name="reply"),
    path("queries/<int:pk>/internal/", views.note, name="note"),
    path("queries/<int:pk>/task/", views.create_task, name="create_task"),
    path("queries/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("queries/<int:pk>/files/<int:file_pk>/", views.attachment, name="attachment"),
    path("projects/<int:pk>/queries/", views.project_list, name="project_list"),
    path("projects/<int:pk>/queries/ask/", views.ask, name="ask"),
    path("projects/<int:pk>/queries/export.csv", views.project_export, name="project_export"),
    path("staff/queries/", views.staff_open, name="staff_open"),
    path("staff/queries/figures/", views.staff_figures, name="staff_figures"),
]
