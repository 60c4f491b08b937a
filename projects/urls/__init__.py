"""The projects app's routes by area: ``projects`` (boards, tasks, sprints, releases,
summaries) and ``queries`` (the 1-hour promise), each its own URL namespace."""
