"""Sign-in, two-factor and sign-up URLs (shared by the public and restricted websites)."""

from django.urls import path

from . import account_views

app_name = "accounts"
urlpatterns = [
    path("login/", account_views.sign_in, name="login"),
    path("logout/", account_views.sign_out, name="logout"),
    path("2fa/", account_views.two_factor, name="two_factor"),
    path("2fa/enrol/", account_views.enrol, name="enrol"),
    path("signup/", account_views.sign_up, name="signup"),
    path("confirm/", account_views.confirm, name="confirm"),
]
