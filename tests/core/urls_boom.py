from django.urls import include, path


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom), path("", include("softwaresupp.urls"))]
