"""Public website URLs."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
]
