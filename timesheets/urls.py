from django.urls import path

from timesheets import timer_views, views

app_name = "timesheets"

urlpatterns = [
    path("timesheet/", views.week, name="week"),
    path("timesheet/tasks/<int:pk>/log/", views.task_log, name="task_log"),
    path("timesheet/tasks/<int:pk>/timer/", timer_views.timer_start, name="timer_start"),
    path("timesheet/timer/stop/", timer_views.timer_stop, name="timer_stop"),
    path("timesheet/entries/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("timesheet/entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("hours/", views.report, name="report"),
    path("hours/export.csv", views.export, name="export"),
    path("hours/choices/", views.report_choices, name="report_choices"),
]
