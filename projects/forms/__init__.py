"""The projects app's forms, one module per area (projects, tasks, releases, sprints, queries)."""
