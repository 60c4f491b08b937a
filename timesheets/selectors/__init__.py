"""Reads for hour reporting, always starting from ``TimeEntry.objects.visible_to(user)``.

Split by area: ``common`` (entries, task hours, dashboard), ``grid`` (the weekly grid),
``reports`` (reports and their rows). Import from ``timesheets.selectors``.
"""

from timesheets.selectors.common import (  # noqa: F401
    HOURS,
    ZERO,
    HoursPanel,
    TaskTimeSummary,
    dashboard_hours,
    expert_assigned_on,
    hours_projects,
    hours_visible_to,
    task_loggable_get,
    task_time_summary,
    time_entry_get_for_edit,
)
from timesheets.selectors.grid import (  # noqa: F401
    GridCell,
    GridRow,
    WeekGrid,
    grid_task_get,
    week_grid,
)
from timesheets.selectors.report_cache import report_figures  # noqa: F401
from timesheets.selectors.reports import (  # noqa: F401
    GROUPS,
    CountedRows,
    ReportFilter,
    TaskRows,
    expert_rows,
    report_choice_list,
    report_choices,
    report_entries,
    report_experts,
    report_hours,
    report_hours_before,
    report_organizations,
    report_plans,
    report_project_table,
    report_projects,
    report_rows,
    report_summary,
    report_table,
    settled_days,
    settled_spans,
    with_plans,
    worked_task_ids,
)
