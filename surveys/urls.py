from django.urls import path

from surveys.views import answer, figures, receivers

app_name = "surveys"

urlpatterns = [
    path("nps/", figures.figures, name="figures"),
    path("nps/<str:token>/", answer.answer, name="answer"),
    path(
        "nps/orgs/<slug:slug>/members/<int:user_id>/receives/",
        receivers.receiver_set,
        name="receiver_set",
    ),
]
