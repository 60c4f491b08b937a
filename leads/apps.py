from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"

    def ready(self):
        from leads import receivers  # noqa: F401  (connects the sign-up receiver)
        from leads.models import HourlyPlan, PlannedWorkSummary
        from leads.selectors import projects_the_expert_posts_for
        from projects.board_stamp import board_source_register
        from projects.posting_rights import posting_right_register

        # R-MATCH: the expert of a customer's lead posts for the project they planned with it.
        posting_right_register("leads.planned_project_of_lead", projects_the_expert_posts_for)
        # The board shows the project's hourly plan or planned work (R-PLAN).
        board_source_register(HourlyPlan)
        board_source_register(PlannedWorkSummary)
