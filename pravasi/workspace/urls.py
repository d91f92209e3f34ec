"""Restricted website URLs (staff and partners; two-factor authentication required)."""

from django.urls import path

from . import licensing_views as licensing
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
    # Licensing: partners' applications and certificates, officials' scrutiny, decisions and registries.
    path("licensing/", licensing.licensing_home, name="licensing_home"),
    path("licensing/queue/", licensing.queue, name="licensing_queue"),
    path("licensing/applications/<uuid:application_id>/", licensing.application_detail, name="licensing_application"),
    path("licensing/applications/<uuid:application_id>/take-up/", licensing.application_take_up, name="licensing_application_take_up"),
    path("licensing/applications/<uuid:application_id>/scrutiny/", licensing.application_scrutiny, name="licensing_application_scrutiny"),
    path("licensing/applications/<uuid:application_id>/deficiency/", licensing.application_deficiency, name="licensing_application_deficiency"),
    path("licensing/applications/<uuid:application_id>/answer/", licensing.application_answer, name="licensing_application_answer"),
    path("licensing/applications/<uuid:application_id>/forward/", licensing.application_forward, name="licensing_application_forward"),
    path("licensing/applications/<uuid:application_id>/send-back/", licensing.application_send_back, name="licensing_application_send_back"),
    path("licensing/applications/<uuid:application_id>/grant/", licensing.application_grant, name="licensing_application_grant"),
    path("licensing/applications/<uuid:application_id>/refuse/", licensing.application_refuse, name="licensing_application_refuse"),
    path("licensing/applications/<uuid:application_id>/withdraw/", licensing.application_withdraw, name="licensing_application_withdraw"),
    path("licensing/applications/<uuid:application_id>/documents/", licensing.application_document_add, name="licensing_application_document_add"),
    path("licensing/applications/<uuid:application_id>/appeal/", licensing.application_appeal, name="licensing_application_appeal"),
    path("licensing/documents/<uuid:document_id>/", licensing.document_download, name="licensing_document"),
    path("licensing/licences/", licensing.licences, name="licensing_licences"),
    path("licensing/licences/<uuid:licence_id>/", licensing.licence_detail, name="licensing_licence"),
    path("licensing/licences/<uuid:licence_id>/certificate.pdf", licensing.licence_certificate, name="licensing_certificate"),
    path("licensing/licences/<uuid:licence_id>/renew/", licensing.licence_renew, name="licensing_licence_renew"),
    path("licensing/licences/<uuid:licence_id>/branches/", licensing.licence_branch_apply, name="licensing_licence_branch_apply"),
    path("licensing/licences/<uuid:licence_id>/guarantees/", licensing.licence_guarantee_lodge, name="licensing_licence_guarantee_lodge"),
    path("licensing/licences/<uuid:licence_id>/suspend/", licensing.licence_suspend, name="licensing_licence_suspend"),
    path("licensing/licences/<uuid:licence_id>/cancel/", licensing.licence_cancel, name="licensing_licence_cancel"),
    path("licensing/licences/<uuid:licence_id>/lift-suspension/", licensing.licence_suspension_lift, name="licensing_licence_lift"),
    path("licensing/licences/<uuid:licence_id>/orders/<uuid:order_id>/appeal/", licensing.order_appeal, name="licensing_order_appeal"),
    path("licensing/appeals/", licensing.appeals, name="licensing_appeals"),
    path("licensing/appeals/<uuid:appeal_id>/decide/", licensing.appeal_decide, name="licensing_appeal_decide"),
    path("licensing/branches/", licensing.branches, name="licensing_branches"),
    path("licensing/branches/<uuid:branch_id>/decide/", licensing.branch_decide, name="licensing_branch_decide"),
    path("licensing/blacklist/", licensing.blacklist, name="licensing_blacklist"),
    path("licensing/blacklist/<uuid:entry_id>/remove/", licensing.blacklist_remove, name="licensing_blacklist_remove"),
    path("licensing/illegal-agents/", licensing.illegal_agents, name="licensing_illegal_agents"),
    path("licensing/illegal-agents/<uuid:agent_id>/withdraw/", licensing.illegal_agent_withdraw, name="licensing_illegal_agent_withdraw"),
    path("licensing/insurers/", licensing.insurers, name="licensing_insurers"),
]
