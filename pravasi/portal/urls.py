"""Public website URLs."""

from django.urls import path

from . import clearance_ec_views, clearance_views, licensing_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("register/<slug:step>/", views.register_step, name="register_step"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/<slug:section>/", views.profile_edit, name="profile_edit"),
    path("profile/moved/", views.moved, name="moved"),
    path("profile/returned/", views.returned, name="returned"),
    path("profile/consents/", views.consents, name="consents"),
    path("profile/consents/<uuid:record_id>/receipt.json", views.consent_receipt, name="consent_receipt"),
    path("profile/my-data/", views.data_page, name="data_page"),
    path("profile/my-data.json", views.data_json, name="data_json"),
    path("profile/close/", views.close_account, name="close"),
    path("profile/clearance/", clearance_ec_views.my_clearances, name="my_clearances"),
    path("profile/clearance/apply/", clearance_ec_views.clearance_apply, name="clearance_apply"),
    path("profile/clearance/<uuid:application_id>/e-ec.pdf", clearance_ec_views.ec_pdf, name="ec_pdf"),
    # Licensing: applications, verification and the public lists
    path("apply/recruiting-agent/", licensing_views.apply_recruiting_agent, name="apply_recruiting_agent"),
    path("apply/foreign-employer/", licensing_views.apply_foreign_employer, name="apply_foreign_employer"),
    path("apply/project-exporter/", licensing_views.apply_project_exporter, name="apply_project_exporter"),
    path("apply/received/", licensing_views.apply_received, name="apply_received"),
    path("verify/", licensing_views.verify, name="verify"),
    path("verify/clearance/", clearance_ec_views.verify_clearance, name="verify_clearance"),
    path("recruiting-agents/", licensing_views.recruiting_agents, name="recruiting_agents"),
    path("blacklist/", licensing_views.blacklist, name="blacklist"),
    path("illegal-agents/", licensing_views.illegal_agents, name="illegal_agents"),
    path("clearance/do-i-need-it/", clearance_views.clearance_check, name="clearance_check"),
]
