from django.urls import path

from leads.views import pipeline, plans, referrals

app_name = "leads"

urlpatterns = [
    path("leads/", pipeline.lead_index, name="list"),
    path("leads/new/", pipeline.lead_new, name="create"),
    path("leads/<int:pk>/", pipeline.lead_detail, name="detail"),
    path("leads/<int:pk>/edit/", pipeline.lead_edit, name="edit"),
    path("leads/<int:pk>/move/", pipeline.lead_move, name="move"),
    path("leads/<int:pk>/outcome/", pipeline.lead_outcome, name="outcome"),
    path("leads/<int:pk>/planned-work/", pipeline.summary_new, name="summary_new"),
    path("staff/leads/", pipeline.pipeline, name="pipeline"),
    path("planned-work/<int:pk>/", plans.summary_detail, name="summary"),
    path("planned-work/<int:pk>/launch/", plans.plan_new, name="plan_launch"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:pk>/offers/new/", plans.offer_new, name="offer_request"),
    path("offers/<int:pk>/", plans.offer_detail, name="offer"),
    path("offers/<int:pk>/estimate/", plans.offer_estimate, name="offer_estimate"),
    path("offers/<int:pk>/decide/", plans.offer_decide, name="offer_decide"),
    path("referrals/", referrals.partner_home, name="partner"),
    path("referrals/join/", referrals.partner_join_view, name="partner_join"),
    path("partners/signup/", referrals.partner_signup, name="partner_signup"),
    path("r/<str:code>/", referrals.referral_visit, name="referral_visit"),
]
