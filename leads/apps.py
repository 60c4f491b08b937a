from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"

    def ready(self):
        from leads import receivers  # noqa: F401  (connects the sign-up receiver)
        from leads.selectors import organizations_the_expert_posts_for
        from projects.posting_rights import posting_right_register

        # R-MATCH: the expert of a customer's lead posts projects for that customer.
        posting_right_register("leads.expert_of_lead", organizations_the_expert_posts_for)
