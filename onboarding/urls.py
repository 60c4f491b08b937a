from django.urls import path

from onboarding.views import access, experts, postings, vault

app_name = "onboarding"

urlpatterns = [
    # The expert's onboarding (R-EXPERT-ONBOARD).
    path("onboarding/", experts.expert_checklist, name="expert_checklist"),
    path("onboarding/profile/", experts.expert_profile_save, name="expert_profile_save"),
    path("onboarding/rules/", experts.expert_rules_accept_view, name="expert_rules_accept"),
    # Postings, offers and the choice (R-MATCH, R-WELCOME).
    path("postings/", postings.posting_list, name="posting_list"),
    path("orgs/<slug:slug>/postings/new/", postings.posting_new, name="posting_new"),
    path("postings/<int:pk>/", postings.posting_detail, name="posting_detail"),
    path("postings/<int:pk>/close/", postings.posting_close_view, name="posting_close"),
    path("postings/<int:pk>/offer/", postings.offer_send_view, name="offer_send"),
    path("offers/<int:pk>/withdraw/", postings.offer_withdraw_view, name="offer_withdraw"),
    path("offers/<int:pk>/shortlist/", postings.offer_shortlist, name="offer_shortlist"),
    path("offers/<int:pk>/suggest/", postings.offer_suggest, name="offer_suggest"),
    path("offers/<int:pk>/choose/", postings.offer_choose_view, name="offer_choose"),
    # The customer's onboarding checklist (R-ACCESS).
    path("orgs/<slug:slug>/onboarding/", access.checklist, name="checklist"),
    path(
        "orgs/<slug:slug>/onboarding/stakeholders/",
        access.stakeholder_add_view,
        name="stakeholder_add",
    ),
    path(
        "stakeholders/<int:pk>/validate/",
        access.stakeholder_validate_view,
        name="stakeholder_validate",
    ),
    path("orgs/<slug:slug>/onboarding/tools/", access.tool_add, name="tool_add"),
    path("tools/<int:pk>/advance/", access.tool_advance_view, name="tool_advance"),
    # The credentials vault (R-SECRET).
    path("orgs/<slug:slug>/vault/new/", vault.credential_new, name="credential_new"),
    path("vault/<int:pk>/", vault.credential_detail, name="credential_detail"),
    path("vault/<int:pk>/reveal/", vault.credential_reveal_view, name="credential_reveal"),
    path("vault/<int:pk>/replace/", vault.credential_replace_view, name="credential_replace"),
    path("vault/<int:pk>/delete/", vault.credential_delete_view, name="credential_delete"),
    path(
        "projects/<int:pk>/vault/request/",
        vault.credential_request_view,
        name="credential_request",
    ),
    path("vault/requests/<str:token>/", vault.credential_submit, name="credential_submit"),
]
