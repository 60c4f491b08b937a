from django.urls import path

from payments.views import money

app_name = "payments"

urlpatterns = [
    path("money/", money.money_home, name="money"),
    path("money/payouts/new/", money.payout_new, name="payout_new"),
]
