from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from softwaresupp import health

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "SoftwareSupp administration"
admin.site.site_title = "SoftwareSupp admin"

urlpatterns = [
    path("", account_views.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("staff/", account_views.staff_home, name="staff_home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("projects.urls.projects")),
    path("", include("projects.urls.queries")),
    path("", include("timesheets.urls")),
    path("", include("surveys.urls")),
    path("", include("payments.urls")),
    path("", include("leads.urls")),
    path("", include("onboarding.urls")),
]

handler404 = "softwaresupp.views.error_404"
handler403 = "softwaresupp.views.error_403"
