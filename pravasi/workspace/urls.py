"""Restricted website URLs (staff and partners; two-factor authentication required)."""

from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
]
