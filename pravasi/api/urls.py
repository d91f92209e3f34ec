"""REST API v1 routes (mounted at /api/v1/)."""

from django.urls import path

from . import clearance, eligibility, gateway, licensing, registry

app_name = "api"

urlpatterns = [
    path("registry/persons/", registry.PersonSearchView.as_view(), name="registry-persons"),
    path("registry/persons/search/", registry.PersonSearchPostView.as_view(), name="registry-persons-search"),
    path("registry/persons/<str:person_id>/", registry.PersonDetailView.as_view(), name="registry-person"),
    path("registry/me/", registry.MyRecordView.as_view(), name="registry-me"),
    path("registry/me/about/", registry.MyAboutView.as_view(), name="registry-me-about"),
    path("registry/me/residence/", registry.MyResidenceView.as_view(), name="registry-me-residence"),
    path("registry/me/contacts/", registry.MyContactsView.as_view(), name="registry-me-contacts"),
    path("registry/me/work/", registry.MyWorkView.as_view(), name="registry-me-work"),
    path("registry/me/needs/", registry.MyNeedsView.as_view(), name="registry-me-needs"),
    path("registry/me/passport/", registry.MyPassportView.as_view(), name="registry-me-passport"),
    path("registry/me/moved/", registry.MyMoveView.as_view(), name="registry-me-moved"),
    path("registry/me/returned/", registry.MyReturnView.as_view(), name="registry-me-returned"),
    path("registry/me/consents/", registry.MyConsentsView.as_view(), name="registry-me-consents"),
    path("registry/me/consents/<str:record_id>/receipt/", registry.MyConsentReceiptView.as_view(), name="registry-me-consent-receipt"),
    path("registry/me/export/", registry.MyExportView.as_view(), name="registry-me-export"),
    path("licensing/verify/", licensing.LicenceVerifyView.as_view(), name="licensing-verify"),
    path("licensing/recruiting-agents/", licensing.RecruitingAgentListView.as_view(), name="licensing-recruiting-agents"),
    path("licensing/blacklist/", licensing.BlacklistView.as_view(), name="licensing-blacklist"),
    path("licensing/illegal-agents/", licensing.IllegalAgentListView.as_view(), name="licensing-illegal-agents"),
    path("clearance/eligibility", eligibility.EligibilityView.as_view(), name="clearance-eligibility"),
    path("clearance/eligibility/", eligibility.EligibilityView.as_view(), name="clearance-eligibility"),
    path("clearance/exit-check/", clearance.ExitCheckView.as_view(), name="clearance-exit-check"),
    path("clearance/pbby/policies/", clearance.PbbyIssueView.as_view(), name="clearance-pbby-policies"),
    path("clearance/pbby/validate/", clearance.PbbyValidateView.as_view(), name="clearance-pbby-validate"),
    path("clearance/pbby/cancel/", clearance.PbbyCancelView.as_view(), name="clearance-pbby-cancel"),
    path("gateway/json/report/", gateway.JsonReportView.as_view(), name="gateway-json-report"),
    path("gateway/json/inbound/", gateway.JsonInboundView.as_view(), name="gateway-json-inbound"),
    path("gateway/kannel/report/", gateway.KannelReportView.as_view(), name="gateway-kannel-report"),
    path("gateway/kannel/inbound/", gateway.KannelInboundView.as_view(), name="gateway-kannel-inbound"),
]
