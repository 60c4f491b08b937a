"""What the demo boards hold: three projects, their sprints and tasks week by week, comments,
milestone and additional-work updates and releases. ``projects.demo.boards`` writes them."""

from projects.models import Assignment, Project, Release

EVA, RAJ, MIKE = "eva@experts.example", "raj@experts.example", "mike@experts.example"
ANNA, BEN, CARLA, DAN = (
    "anna@acme.example",
    "ben@acme.example",
    "carla@globex.example",
    "dan@globex.example",
)

PROJECTS = [
    {
        "key": "acme-fleet",
        "organization": "acme-robotics",
        "name": "Fleet monitoring dashboard",
        "description": "Live map, battery health and alerts for 140 warehouse robots.",
        "budget": "25000.00",
        "skills": ["Django", "PostgreSQL", "Python"],
        "engagement_type": Project.EngagementType.PART_TIME,
        "status": Project.Status.ACTIVE,
        "time_zone": "Europe/Warsaw",
        "communication_channel": Project.Channel.SLACK,
        "communication_handle": "#acme-fleet-dashboard",
        "staging_url": "https://staging.fleet.acme.example",
        "production_url": "https://fleet.acme.example",
        "team": [(EVA, Assignment.Role.LEAD), (RAJ, Assignment.Role.MEMBER)],
    },
    {
        "key": "globex-storefront",
        "organization": "globex-retail",
        "name": "Storefront and CRM sync",
        "description": "Headless storefront on React with HubSpot as the CRM.",
        "skills": ["React", "TypeScript", "HubSpot"],
        "engagement_type": Project.EngagementType.FULL_TIME,
        "status": Project.Status.ACTIVE,
        "time_zone": "America/New_York",
        "communication_channel": Project.Channel.TEAMS,
        "communication_handle": "Globex · Storefront channel",
        "staging_url": "https://staging.shop.globex.example",
        "production_url": "https://shop.globex.example",
        "team": [(MIKE, Assignment.Role.LEAD), (RAJ, Assignment.Role.MEMBER)],
    },
    {
        "key": "acme-crm",
        "organization": "acme-robotics",
        "name": "Salesforce clean-up",
        "description": "Deduplicate accounts and rebuild the sales pipeline reports.",
        "skills": ["Salesforce"],
        "engagement_type": Project.EngagementType.HOURLY,
        "status": Project.Status.PAUSED,
        "time_zone": "Europe/Warsaw",
        "communication_channel": Project.Channel.EMAIL,
        "communication_handle": "sales-ops@acme.example",
        "team": [(MIKE, Assignment.Role.LEAD)],
    },
]

# Each board: weeks before this one (-3 … -1), this week (0), next week (1), backlog (None).
# Task: (title, kind, status, assignee, estimate, first estimate, hours logged, author).
BOARDS = {
    "acme-fleet": {
        -3: (
            "Staging environment and CI",
            [
                ("Set up CI and the staging server", "task", "done", EVA, "6", "5", "6.5", EVA),
                ("Robot telemetry data model", "task", "done", EVA, "8", "8", "9", EVA),
            ],
        ),
        -2: (
            "A map of the whole fleet",
            [
                ("Fleet map view", "task", "done", RAJ, "10", "8", "11.5", ANNA),
                ("Alert thresholds API", "task", "cancelled", EVA, "4", "4", None, ANNA),
            ],
        ),
        -1: (
            "Battery health for the maintenance team",
            [
                ("Battery health chart", "task", "done", RAJ, "5", "5", "4.5", BEN),
                ("Export fleet data to CSV", "task", "done", EVA, "3", "3", "3", ANNA),
            ],
        ),
        0: (
            "Alerts go live for the night shift",
            [
                ("Dark mode for the control room", "task", "new", None, None, None, None, BEN),
                ("Robot names are cut off on tablets", "bug", "new", None, None, None, None, ANNA),
                ("Email digest of overnight alerts", "task", "todo", EVA, "6", "6", None, EVA),
                ("Role-based access for shift leads", "task", "todo", RAJ, "8", "6", None, ANNA),
                ("Alert rules engine", "task", "in_progress", EVA, "12", "10", None, EVA),
                (
                    "Push notifications to handhelds",
                    "task",
                    "in_progress",
                    RAJ,
                    "6",
                    "6",
                    None,
                    RAJ,
                ),
                ("Timestamps of alerts shown in UTC", "bug", "done", EVA, "2", "2", "1.5", BEN),
                (
                    "MVP: live alerts for the night shift",
                    "milestone",
                    "in_progress",
                    EVA,
                    "4",
                    "4",
                    None,
                    EVA,
                ),
                ("Warehouse door sensors", "additional_work", "todo", EVA, "10", "10", None, EVA),
            ],
        ),
        1: ("", [("Shift handover notes", "task", "todo", RAJ, "5", "5", None, ANNA)]),
        None: (
            "",
            [
                ("Predictive maintenance report", "task", "todo", None, "16", "16", None, ANNA),
                ("Interface in Polish and German", "task", "new", None, None, None, None, BEN),
            ],
        ),
    },
    "globex-storefront": {
        -2: (
            "Products come from the ERP",
            [("Product import from the ERP", "task", "done", MIKE, "8", "8", "7.5", CARLA)],
        ),
        -1: (
            "Checkout that converts",
            [("Checkout A/B test", "task", "done", RAJ, "6", "5", "6", CARLA)],
        ),
        0: (
            "Black Friday readiness",
            [
                ("Holiday banner on the home page", "task", "new", None, None, None, None, DAN),
                ("HubSpot contact sync", "task", "todo", MIKE, "10", "10", None, CARLA),
                ("Gift cards", "task", "in_progress", RAJ, "12", "8", None, CARLA),
                ("Black Friday load test", "milestone", "todo", MIKE, "6", "6", None, MIKE),
                ("Abandoned-cart emails", "additional_work", "todo", MIKE, "8", "8", None, MIKE),
            ],
        ),
        None: ("", [("Loyalty points", "task", "new", None, None, None, None, CARLA)]),
    },
    "acme-crm": {
        None: (
            "",
            [
                ("Merge duplicate accounts", "task", "todo", MIKE, "12", "12", None, ANNA),
                ("Pipeline report by region", "task", "new", None, None, None, None, ANNA),
            ],
        ),
    },
}

COMMENTS = {
    "Dark mode for the control room": [
        (BEN, "The control room runs at night; the white screens are tiring."),
        (EVA, "Makes sense. I'll check the chart library's themes and estimate it tomorrow."),
    ],
    "Alert rules engine": [
        (ANNA, "Could a rule fire only during the night shift (22:00–06:00)?"),
        (EVA, "Yes: rules get an optional time window; it's in this week's work."),
    ],
    "Gift cards": [(CARLA, "Finance needs the gift card liability in the daily export.")],
}

MILESTONE_UPDATES = {
    "MVP: live alerts for the night shift": [
        (EVA, -3, "Rules engine design agreed with Anna; thresholds are per robot model."),
        (EVA, -1, "Alerts reach staging; the night shift starts testing on Wednesday."),
    ],
    "Black Friday load test": [
        (MIKE, -2, "Load test plan ready: 5x last year's peak, run on staging next week."),
    ],
}

ADDITIONAL_WORK = {
    "Warehouse door sensors": (EVA, "Door sensors join the alert rules: Anna asked on Slack."),
    "Abandoned-cart emails": (MIKE, "Carla asked for abandoned-cart emails before Black Friday."),
}

# (title, stage, tasks, who staged, who tested + notes, who released)
RELEASES = {
    "acme-fleet": [
        (
            "v0.9 · fleet map",
            Release.Stage.PRODUCTION,
            ["Fleet map view", "Set up CI and the staging server"],
            (EVA, -12),
            (ANNA, -11, "Checked the map with 140 robots; positions refresh every 5 s."),
            (EVA, -10),
        ),
        (
            "v1.0 · battery chart and CSV export",
            Release.Stage.TESTED,
            ["Battery health chart", "Export fleet data to CSV"],
            (RAJ, -4),
            (BEN, -3, "Exported a month of data; the chart matches the maintenance log."),
            None,
        ),
        (
            "v1.1 · alert rules preview",
            Release.Stage.STAGING,
            ["Alert rules engine"],
            (EVA, -1),
            None,
            None,
        ),
    ],
    "globex-storefront": [
        (
            "Checkout A/B test",
            Release.Stage.PRODUCTION,
            ["Checkout A/B test"],
            (RAJ, -6),
            (CARLA, -5, "Both variants take payments; the split is 50/50 in analytics."),
            (MIKE, -5),
        ),
    ],
}
