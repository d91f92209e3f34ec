"""Public website URLs."""

from django.urls import path

from . import cases_views, clearance_ec_views, clearance_views, crisis_views, licensing_views, views

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
    # Grievances and reports of what happened to an emigrant; the filer follows the case by code or profile
    path("grievance/", cases_views.grievance_file, name="grievance_file"),
    path("report/", cases_views.eventuality_report, name="eventuality_report"),
    path("case/filed/", cases_views.case_filed, name="case_filed"),
    path("case/", cases_views.case_status, name="case_status"),
    path("case/view/", cases_views.case_view, name="case_view"),
    path("case/view/add/", cases_views.case_act, {"action": "add"}, name="case_add"),
    path("case/view/reopen/", cases_views.case_act, {"action": "reopen"}, name="case_reopen"),
    path("case/view/rate/", cases_views.case_act, {"action": "rate"}, name="case_rate"),
    path("profile/cases/", cases_views.my_cases, name="my_cases"),
    path("profile/cases/<uuid:case_id>/", cases_views.my_case, name="my_case"),
    path("profile/cases/<uuid:case_id>/add/", cases_views.my_case_act, {"action": "add"}, name="my_case_add"),
    path("profile/cases/<uuid:case_id>/reopen/", cases_views.my_case_act, {"action": "reopen"}, name="my_case_reopen"),
    path("profile/cases/<uuid:case_id>/rate/", cases_views.my_case_act, {"action": "rate"}, name="my_case_rate"),
    # Crises: the public advisories, and every public alert as a CAP 1.2 document listed in an Atom index
    path("crisis/", crisis_views.crises, name="crises"),
    path("checkin/<str:token>/", crisis_views.checkin, name="checkin"),
    path("crisis/cap.atom", crisis_views.cap_feed, name="cap_feed"),
    path("crisis/<str:reference>/", crisis_views.crisis, name="crisis"),
    path("crisis/<str:reference>/alerts/<int:sequence>.xml", crisis_views.alert_cap, name="alert_cap"),
]
