"""Restricted website URLs (staff and partners; two-factor authentication required)."""

from django.urls import path

from . import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("registry/", views.registry_search, name="registry_search"),
    path("registry/persons/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("registry/duplicates/", views.duplicates, name="duplicates"),
    path("registry/duplicates/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("registry/duplicates/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("registry/merges/revert/", views.merge_revert, name="merge_revert"),
    path("registry/imports/", views.imports, name="imports"),
    path("registry/imports/template.csv", views.import_template, name="import_template"),
    path("registry/imports/<uuid:job_id>/", views.import_detail, name="import_detail"),
    path("registry/imports/<uuid:job_id>/progress/", views.import_progress, name="import_progress"),
    path("outbox/", views.outbox, name="outbox"),
]
