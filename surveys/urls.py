from django.urls import path

from surveys.views import figures

app_name = "surveys"

urlpatterns = [
    path("nps/", figures.figures, name="figures"),
]
