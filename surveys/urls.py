from django.urls import path  # noqa: F401 (routes are added by area below)

app_name = "surveys"

urlpatterns = []
