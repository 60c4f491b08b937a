"""The demo data of the projects app, by area: ``boards`` (projects, sprints, tasks, comments,
releases; what they hold is in ``specs``), ``queries`` and ``summaries``. ``seed_demo`` runs
each module's ``seed(world)`` in turn, with ``timesheets.demo`` between boards and queries."""
