"""Licensing pages of the workspace: scrutiny, decisions, the applicant's view, orders, appeals,
renewal, downloads and the officials' registries, all through real requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pravasi.accounts.roles import Role
from pravasi.accounts.tests.factories import user_with_role, verified_client
from pravasi.licensing import services
from pravasi.licensing.models import (
    Appeal,
    AppealStatus,
    Application,
    ApplicationKind,
    ApplicationStatus,
    BlacklistEntry,
    Branch,
    BranchStatus,
    Document,
    DocumentKind,
    IllegalAgent,
    Licence,
    LicenceKind,
    LicenceOrder,
    LicenceStatus,
)
from pravasi.licensing.tests import factories

pytestmark = pytest.mark.django_db
STALE = "Someone else acted on this first"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people():
    return factories.officials()


signed_in = verified_client


def app_url(application, action: str = "") -> str:
    if not action:
        return reverse("workspace:licensing_application", args=[application.id])
    return reverse(f"workspace:licensing_application_{action}", args=[application.id])


def licence_url(licence, action: str = "") -> str:
    if not action:
        return reverse("workspace:licensing_licence", args=[licence.id])
    return reverse(f"workspace:licensing_licence_{action}", args=[licence.id])


def fresh(obj):
    obj.refresh_from_db()
    return obj


def all_checks(prefix: str = "scrutiny") -> dict:
    return {f"{prefix}-check_{key}": "on" for key in services.CHECKLIST}


def forwarded(people, **overrides) -> tuple[Application, object]:
    application, applicant = factories.submitted_rc(**overrides)
    factories.scrutinised(application, people["poe"])
    services.application_forward(actor=people["poe"], application_id=application.id, note="Premises and papers in order; recommend grant.")
    return fresh(application), applicant


# --- scrutiny and decision by officials ---------------------------------------------------------------


def test_poe_takes_up_records_findings_and_forwards_through_the_pages(people):
    application, _applicant = factories.submitted_rc()
    poe = signed_in(people["poe"])

    queue = poe.get(reverse("workspace:licensing_queue"))
    assert queue.status_code == 200
    assert application.reference in queue.content.decode()

    page = poe.get(app_url(application))
    assert page.status_code == 200
    assert app_url(application, "take_up") in page.content.decode()
    assert app_url(application, "forward") not in page.content.decode()

    response = poe.post(app_url(application, "take_up"), {"takeup-expected": "SUBMITTED"})
    assert response.status_code == 302 and response["Location"] == app_url(application)
    assert fresh(application).status == ApplicationStatus.SCRUTINY

    response = poe.post(
        app_url(application, "scrutiny"),
        {**all_checks(), "scrutiny-inspection_report": "Office of 400 sq ft with an interview room; records kept.", "scrutiny-police_report": "CLEAR", "scrutiny-site_visit_report": ""},
    )
    assert response.status_code == 302
    application = fresh(application)
    assert application.checklist == dict.fromkeys(services.CHECKLIST, True)
    assert application.police_report == "CLEAR"

    response = poe.post(app_url(application, "forward"), {"forward-expected": "SCRUTINY", "forward-note": "All verified; recommend grant."}, follow=True)
    assert response.status_code == 200
    assert fresh(application).status == ApplicationStatus.FORWARDED
    body = response.content.decode()
    assert "Forwarded to the Protector General of Emigrants for decision." in body
    timeline = body.split('id="timeline-heading"', 1)[1]
    assert "Submitted → Under scrutiny" in timeline
    assert "Under scrutiny → Forwarded for decision" in timeline
    assert "All verified; recommend grant." in timeline  # the internal note, shown to officials
    assert people["poe"].get_full_name() in timeline


def test_forwarding_before_the_findings_says_what_is_missing(people):
    application, _applicant = factories.submitted_rc()
    services.application_take_up(actor=people["poe"], application_id=application.id)
    poe = signed_in(people["poe"])

    response = poe.post(app_url(application, "forward"), {"forward-expected": "SCRUTINY", "forward-note": ""})

    assert response.status_code == 400
    assert "the police character report" in response.content.decode()
    assert 'href="#action-forward"' in response.content.decode()
    assert fresh(application).status == ApplicationStatus.SCRUTINY


def test_pge_grants_through_the_page_and_the_certificate_exists(people):
    application, _applicant = forwarded(people)
    pge = signed_in(people["pge"])
    assert application.reference in pge.get(reverse("workspace:licensing_queue")).content.decode()

    page = pge.get(app_url(application)).content.decode()
    assert app_url(application, "grant") in page
    assert app_url(application, "send_back") in page
    assert 'name="grant-is_state_run"' in page

    response = pge.post(app_url(application, "grant"), {"grant-expected": "FORWARDED", "grant-note": "Granted after scrutiny."}, follow=True)

    application = fresh(application)
    assert application.status == ApplicationStatus.GRANTED
    licence = Licence.objects.get(organisation=application.organisation, kind=LicenceKind.RC)
    assert application.licence == licence
    assert f"Granted. {licence.number} is in force." in response.content.decode()


def test_two_officials_deciding_at_once_the_second_gets_the_conflict_message(people):
    application, _applicant = forwarded(people)
    second_pge = user_with_role(Role.PGE_OFFICER, office=factories.offices()["pge"])
    first, second = signed_in(people["pge"]), signed_in(second_pge)
    # Both open the page while it is FORWARDED; the second sends it back first.
    assert 'value="FORWARDED"' in first.get(app_url(application)).content.decode()
    response = second.post(app_url(application, "send_back"), {"sendback-expected": "FORWARDED", "sendback-note": "Verify the guarantee with the bank again."})
    assert response.status_code == 302
    assert fresh(application).status == ApplicationStatus.SCRUTINY

    response = first.post(app_url(application, "grant"), {"grant-expected": "FORWARDED", "grant-note": "Granted."}, follow=True)

    assert response.status_code == 200
    assert STALE in response.content.decode()
    application = fresh(application)
    assert application.status == ApplicationStatus.SCRUTINY
    assert application.licence is None
    assert not Licence.objects.filter(organisation=application.organisation).exists()


def test_two_poe_officers_taking_up_at_once(people):
    application, _applicant = factories.submitted_rc()
    colleague = user_with_role(Role.POE_OFFICER, office=factories.offices()["poe"])
    first, second = signed_in(people["poe"]), signed_in(colleague)
    assert first.post(app_url(application, "take_up"), {"takeup-expected": "SUBMITTED"}).status_code == 302

    response = second.post(app_url(application, "take_up"), {"takeup-expected": "SUBMITTED"}, follow=True)

    assert STALE in response.content.decode()
    assert Application.objects.get(id=application.id).status == ApplicationStatus.SCRUTINY


def test_refusal_needs_reasons(people):
    application, _applicant = forwarded(people)
    pge = signed_in(people["pge"])

    response = pge.post(app_url(application, "refuse"), {"refuse-expected": "FORWARDED", "refuse-reasons": "No."})

    assert response.status_code == 400
    assert "Give the reasons for the refusal" in response.content.decode()
    assert fresh(application).status == ApplicationStatus.FORWARDED


# --- the applicant ---------------------------------------------------------------------------------------


def test_applicant_sees_their_application_and_timeline_but_not_others_nor_the_queue(people):
    application, applicant = forwarded(people)
    other, _other_applicant = factories.submitted_rc()
    client = signed_in(applicant)

    home = client.get(reverse("workspace:licensing_home"))
    assert home.status_code == 200
    assert application.reference in home.content.decode()
    assert other.reference not in home.content.decode()

    page = client.get(app_url(application))
    assert page.status_code == 200
    body = page.content.decode()
    timeline = body.split('id="timeline-heading"', 1)[1]
    assert "Under scrutiny → Forwarded for decision" in timeline
    assert "PoE Thiruvananthapuram" in timeline  # the office, not the officer
    assert people["poe"].get_full_name() not in body
    assert "Premises and papers in order" not in body  # internal note
    assert "Scrutiny findings" not in body
    assert app_url(application, "grant") not in body
    assert app_url(application, "withdraw") not in body  # forwarded: no longer withdrawn by the applicant

    assert client.get(app_url(other)).status_code == 404
    assert client.post(app_url(other, "withdraw")).status_code == 404
    assert client.get(reverse("workspace:licensing_queue")).status_code == 403
    assert client.get(reverse("workspace:licensing_licences")).status_code == 403
    assert client.get(reverse("workspace:licensing_blacklist")).status_code == 403
    assert client.post(app_url(application, "grant"), {"grant-expected": "FORWARDED"}).status_code == 403
    assert fresh(application).status == ApplicationStatus.FORWARDED


def test_deficiency_notice_and_the_applicants_answer(people):
    application, applicant = factories.submitted_rc()
    services.application_take_up(actor=people["poe"], application_id=application.id)
    poe = signed_in(people["poe"])
    response = poe.post(app_url(application, "deficiency"), {"deficiency-expected": "SCRUTINY", "deficiency-note": "Send the rent agreement for the office premises."})
    assert response.status_code == 302
    assert fresh(application).status == ApplicationStatus.DEFICIENCY

    client = signed_in(applicant)
    page = client.get(app_url(application)).content.decode()
    assert "Send the rent agreement for the office premises." in page
    assert 'name="answer-document_premises"' in page

    empty = client.post(app_url(application, "answer"), {"answer-note": ""})
    assert empty.status_code == 400
    assert fresh(application).status == ApplicationStatus.DEFICIENCY

    wrong = client.post(app_url(application, "answer"), {"answer-note": "Attached.", "answer-document_premises": factories.pdf("rent.pdf", b"not a pdf at all")})
    assert wrong.status_code == 400
    assert "is not a PDF" in wrong.content.decode()
    assert fresh(application).status == ApplicationStatus.DEFICIENCY

    response = client.post(app_url(application, "answer"), {"answer-note": "The rent agreement is attached.", "answer-document_premises": factories.pdf("rent-agreement.pdf")}, follow=True)
    assert "Your answer was sent" in response.content.decode()
    assert fresh(application).status == ApplicationStatus.SCRUTINY
    assert Document.objects.filter(application=application, kind=DocumentKind.PREMISES, original_name="rent-agreement.pdf").exists()
    assert "The rent agreement is attached." in response.content.decode()


def test_applicant_withdraws_and_adds_a_document(people):
    application, applicant = factories.submitted_rc()
    client = signed_in(applicant)
    response = client.post(app_url(application, "document_add"), {"document-kind": "OTHER", "document-file": factories.pdf("board-resolution.pdf")})
    assert response.status_code == 302
    assert Document.objects.filter(application=application, original_name="board-resolution.pdf", internal=False).exists()

    response = client.post(app_url(application, "withdraw"), follow=True)
    assert "The application was withdrawn." in response.content.decode()
    assert fresh(application).status == ApplicationStatus.WITHDRAWN


def test_refused_applicant_appeals_from_the_page(people):
    application, applicant = forwarded(people)
    services.application_refuse(actor=people["pge"], application_id=application.id, reasons="The premises do not meet the minimum area required.")
    client = signed_in(applicant)
    page = client.get(app_url(application)).content.decode()
    assert "The premises do not meet the minimum area required." in page
    assert app_url(application, "appeal") in page

    response = client.post(app_url(application, "appeal"), {"appeal-grounds": "The premises were extended in March; the new lease is attached."})

    assert response.status_code == 302
    appeal = Appeal.objects.get(application=application)
    assert appeal.status == AppealStatus.FILED
    assert app_url(application, "appeal") not in client.get(app_url(application)).content.decode()


# --- documents and the certificate -----------------------------------------------------------------------


def test_document_download_for_the_applicant_and_404_for_another_organisation(people):
    application, applicant = factories.submitted_rc()
    document = application.documents.get(kind=DocumentKind.FEE_RECEIPT)
    _other, other_applicant = factories.submitted_rc()
    url = reverse("workspace:licensing_document", args=[document.id])

    response = signed_in(applicant).get(url)
    assert response.status_code == 200
    assert response.content == factories.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "fee_receipt.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert url in signed_in(applicant).get(app_url(application)).content.decode()

    assert signed_in(other_applicant).get(url).status_code == 404
    assert signed_in(people["poe"]).get(url).status_code == 200
    assert signed_in(people["mission"]).get(url).status_code == 404

    # The officials' own site-visit report stays internal.
    report = services.document_add(actor=people["poe"], application_id=application.id, kind=DocumentKind.SITE_VISIT, uploaded=factories.pdf("site-visit.pdf"))
    assert report.internal
    report_url = reverse("workspace:licensing_document", args=[report.id])
    assert "site-visit.pdf" not in signed_in(applicant).get(app_url(application)).content.decode()
    assert signed_in(applicant).get(report_url).status_code == 404
    assert "site-visit.pdf" in signed_in(people["poe"]).get(app_url(application)).content.decode()


def test_certificate_pdf_for_the_holder_and_officials_not_for_others(people):
    licence, holder = factories.granted_rc(people)
    _other, other_applicant = factories.submitted_rc()
    url = reverse("workspace:licensing_certificate", args=[licence.id])

    page = signed_in(holder).get(licence_url(licence))
    assert page.status_code == 200
    assert url in page.content.decode()

    response = signed_in(holder).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]

    assert signed_in(people["poe"]).get(url).status_code == 200
    assert signed_in(people["pge"]).get(url).status_code == 200
    assert signed_in(other_applicant).get(url).status_code == 404
    assert signed_in(other_applicant).get(licence_url(licence)).status_code == 404


# --- certificates: renewal, orders, appeals, branches, guarantees -----------------------------------------


def renewal_post(**extra) -> dict:
    today = timezone.localdate().isoformat()
    data = {"renew-fee_amount": "25000", "renew-fee_reference": "CHALLAN-RENEW-1", "renew-fee_paid_date": today, "renew-document_fee_receipt": factories.pdf("renewal-fee.pdf")}
    data.update({f"renew-{k}": v for k, v in extra.items()})
    return data


def test_renewal_before_the_window_opens_says_when_it_opens(people):
    licence, holder = factories.granted_rc(people)
    opens, due = services.renewal_window(licence)
    client = signed_in(holder)
    page = client.get(licence_url(licence)).content.decode()
    assert f"Renewal opens on {opens:%-d %b %Y}; due by {due:%-d %b %Y}." in page

    response = client.post(licence_url(licence, "renew"), renewal_post())

    assert response.status_code == 400
    assert f"Renewal opens on {opens.isoformat()}." in response.content.decode()
    assert not Application.objects.filter(kind=ApplicationKind.RC_RENEWAL).exists()


def test_late_renewal_needs_the_cause_and_the_pge_accepts_it(people):
    licence, holder = factories.granted_rc(people)
    # The certificate now ends in 30 days: inside the last three months, when a request is late.
    Licence.objects.filter(id=licence.id).update(valid_to_date=timezone.localdate() + timedelta(days=30))
    licence = fresh(licence)
    _opens, due = services.renewal_window(licence)
    client = signed_in(holder)

    response = client.post(licence_url(licence, "renew"), renewal_post())
    assert response.status_code == 400
    body = response.content.decode()
    assert f"The request is late: renewals are due by {due.isoformat()}" in body
    assert not Application.objects.filter(kind=ApplicationKind.RC_RENEWAL).exists()

    response = client.post(licence_url(licence, "renew"), renewal_post(late_cause="The managing director was in hospital for two months."), follow=True)
    renewal = Application.objects.get(kind=ApplicationKind.RC_RENEWAL, licence=licence)
    assert f"Your renewal request {renewal.reference} was submitted." in response.content.decode()
    assert renewal.late_cause.startswith("The managing director")

    factories.scrutinised(renewal, people["poe"])
    services.application_forward(actor=people["poe"], application_id=renewal.id)
    pge = signed_in(people["pge"])
    assert 'name="grant-late_cause_accepted"' in pge.get(app_url(renewal)).content.decode()
    refused = pge.post(app_url(renewal, "grant"), {"grant-expected": "FORWARDED", "grant-note": "Renewed."})
    assert refused.status_code == 400
    assert "Accept the stated cause" in refused.content.decode()
    assert pge.post(app_url(renewal, "grant"), {"grant-expected": "FORWARDED", "grant-note": "Renewed.", "grant-late_cause_accepted": "on"}).status_code == 302
    assert fresh(licence).valid_to_date > timezone.localdate() + timedelta(days=365 * 4)


def test_pge_suspends_the_holder_appeals_and_the_appeal_is_allowed(people):
    licence, holder = factories.granted_rc(people)
    ground = next(iter(services.grounds()))
    pge = signed_in(people["pge"])
    page = pge.get(licence_url(licence)).content.decode()
    assert licence_url(licence, "suspend") in page and licence_url(licence, "cancel") in page
    assert licence_url(licence, "lift") not in page

    short = pge.post(licence_url(licence, "suspend"), {"suspend-expected": "ACTIVE", "suspend-ground": ground, "suspend-order_text": "Too short."})
    assert short.status_code == 400
    assert "at least 20 characters" in short.content.decode()
    assert fresh(licence).status == LicenceStatus.ACTIVE

    response = pge.post(licence_url(licence, "suspend"), {"suspend-expected": "ACTIVE", "suspend-ground": ground, "suspend-order_text": "Complaints of excess service charges from 14 emigrants found true."})
    assert response.status_code == 302
    assert fresh(licence).status == LicenceStatus.SUSPENDED
    order = LicenceOrder.objects.get(licence=licence)
    assert order.appeal_by_date is not None

    # A second suspension on the page drawn before: the stale status is refused.
    again = pge.post(licence_url(licence, "suspend"), {"suspend-expected": "ACTIVE", "suspend-ground": ground, "suspend-order_text": "Complaints of excess service charges from 14 emigrants found true."}, follow=True)
    assert STALE in again.content.decode()
    assert LicenceOrder.objects.filter(licence=licence).count() == 1

    client = signed_in(holder)
    page = client.get(licence_url(licence)).content.decode()
    assert "Complaints of excess service charges" in page
    appeal_url = reverse("workspace:licensing_order_appeal", args=[licence.id, order.id])
    assert appeal_url in page
    assert client.post(licence_url(licence, "cancel"), {"cancel-expected": "SUSPENDED", "cancel-ground": ground, "cancel-order_text": "The holder cancels its own certificate here."}).status_code == 403
    assert fresh(licence).status == LicenceStatus.SUSPENDED
    response = client.post(appeal_url, {f"o{order.id.hex}-grounds": "The charges were refunded before the complaint; receipts attached."})
    assert response.status_code == 302
    appeal = Appeal.objects.get(order=order)

    appeals_page = pge.get(reverse("workspace:licensing_appeals")).content.decode()
    assert reverse("workspace:licensing_appeal_decide", args=[appeal.id]) in appeals_page
    response = pge.post(
        reverse("workspace:licensing_appeal_decide", args=[appeal.id]),
        {f"a{appeal.id.hex}-expected": "FILED", f"a{appeal.id.hex}-allowed": "yes", f"a{appeal.id.hex}-decision_text": "Refunds proved before the complaint; the suspension is set aside."},
        follow=True,
    )
    assert "The appeal was allowed." in response.content.decode()
    assert fresh(appeal).status == AppealStatus.ALLOWED
    assert fresh(licence).status == LicenceStatus.ACTIVE


def test_branch_application_and_approval(people):
    licence, holder = factories.granted_rc(people)
    client = signed_in(holder)
    bad = client.post(licence_url(licence, "branch_apply"), {"branch-address": "", "branch-state": "IN-KL", "branch-city": "Kochi"})
    assert bad.status_code == 400
    response = client.post(licence_url(licence, "branch_apply"), {"branch-address": "MG Road, Ernakulam", "branch-state": "IN-KL", "branch-city": "Kochi"})
    assert response.status_code == 302
    branch = Branch.objects.get(licence=licence)

    pge = signed_in(people["pge"])
    assert "MG Road, Ernakulam" in pge.get(reverse("workspace:licensing_branches")).content.decode()
    prefix = f"b{branch.id.hex}"
    refused = pge.post(reverse("workspace:licensing_branch_decide", args=[branch.id]), {f"{prefix}-expected": "PENDING", f"{prefix}-decision": "refuse", f"{prefix}-reasons": ""})
    assert refused.status_code == 400
    assert "Give the reasons for refusing the branch." in refused.content.decode()
    response = pge.post(reverse("workspace:licensing_branch_decide", args=[branch.id]), {f"{prefix}-expected": "PENDING", f"{prefix}-decision": "approve"})
    assert response.status_code == 302
    assert fresh(branch).status == BranchStatus.APPROVED
    assert signed_in(people["poe"]).get(reverse("workspace:licensing_branches")).status_code == 403


def test_guarantee_ending_soon_is_flagged_and_a_new_one_can_be_lodged(people):
    licence, holder = factories.granted_rc(people)
    soon = timezone.localdate() + timedelta(days=40)
    licence.bank_guarantees.update(valid_to_date=soon)
    client = signed_in(holder)
    page = client.get(licence_url(licence)).content.decode()
    assert "ends soon" in page and "Lodge a renewed guarantee before then." in page

    today = timezone.localdate()
    response = client.post(
        licence_url(licence, "guarantee_lodge"),
        {
            "guarantee-security_track": "FULL",
            "guarantee-bank_code": "SBIN",
            "guarantee-bank_guarantee_number": "BGNEW0000123",
            "guarantee-bank_guarantee_amount": "5000000",
            "guarantee-bank_guarantee_valid_from": today.isoformat(),
            "guarantee-bank_guarantee_valid_to": (today + timedelta(days=365 * 9)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert licence.bank_guarantees.filter(number="BGNEW0000123").exists()


# --- registries kept by officials -------------------------------------------------------------------------


def test_blacklist_add_and_remove_by_the_pge(people):
    pge = signed_in(people["pge"])
    today = timezone.localdate().isoformat()
    bad = pge.post(reverse("workspace:licensing_blacklist"), {"add-name": "Gulf Star Manpower LLC", "add-country": "AE", "add-reasons": "", "add-listed_date": today})
    assert bad.status_code == 400
    assert not BlacklistEntry.objects.exists()

    response = pge.post(reverse("workspace:licensing_blacklist"), {"add-name": "Gulf Star Manpower LLC", "add-country": "AE", "add-city": "Dubai", "add-reasons": "Unpaid wages of 40 workers for six months.", "add-listed_date": today})
    assert response.status_code == 302
    entry = BlacklistEntry.objects.get()
    assert "Gulf Star Manpower LLC" in pge.get(reverse("workspace:licensing_blacklist")).content.decode()

    prefix = f"e{entry.id.hex}"
    short = pge.post(reverse("workspace:licensing_blacklist_remove", args=[entry.id]), {f"{prefix}-reasons": "Paid."})
    assert short.status_code == 400
    assert "Give the reasons for removing the employer from the list." in short.content.decode()
    response = pge.post(reverse("workspace:licensing_blacklist_remove", args=[entry.id]), {f"{prefix}-reasons": "All wages paid, verified by the Mission."})
    assert response.status_code == 302
    assert fresh(entry).delisted_date == timezone.localdate()


def test_illegal_agents_and_insurers_for_the_pge_only(people):
    pge = signed_in(people["pge"])
    today = timezone.localdate().isoformat()
    response = pge.post(reverse("workspace:licensing_illegal_agents"), {"add-name": "Fake Visa Consultants", "add-state": "IN-KL", "add-city": "Kozhikode", "add-notified_date": today})
    assert response.status_code == 302
    agent = IllegalAgent.objects.get()
    prefix = f"g{agent.id.hex}"
    response = pge.post(reverse("workspace:licensing_illegal_agent_withdraw", args=[agent.id]), {f"{prefix}-reasons": "Registered since; notice no longer applies."})
    assert response.status_code == 302
    assert fresh(agent).withdrawn_date == timezone.localdate()
    kept = pge.get(reverse("workspace:licensing_illegal_agents")).content.decode()
    assert "Fake Visa Consultants" in kept and "Registered since; notice no longer applies." in kept  # the PGE keeps the history
    assert "Fake Visa Consultants" not in pge.get(reverse("portal:illegal_agents")).content.decode()  # the public list does not

    response = pge.post(reverse("workspace:licensing_insurers"), {"add-name": "Bharat Suraksha Insurance", "add-irda_registration": "IRDAI-123"}, follow=True)
    insurer = Licence.objects.get(kind=LicenceKind.INSURER)
    assert insurer.number in response.content.decode()
    duplicate = pge.post(reverse("workspace:licensing_insurers"), {"add-name": "bharat suraksha insurance", "add-irda_registration": "IRDAI-124"})
    assert duplicate.status_code == 400
    assert "already registered" in duplicate.content.decode()

    mission = signed_in(people["mission"])
    assert mission.get(reverse("workspace:licensing_illegal_agents")).status_code == 403
    assert mission.get(reverse("workspace:licensing_insurers")).status_code == 403
    assert mission.get(reverse("workspace:licensing_blacklist")).status_code == 200


def test_official_licence_list_filters(people):
    licence, _holder = factories.granted_rc(people)
    pge = signed_in(people["pge"])
    listing = pge.get(reverse("workspace:licensing_licences"), {"kind": "RC", "status": "ACTIVE", "q": licence.organisation.name[:12]})
    assert listing.status_code == 200
    assert licence.number in listing.content.decode()
    none = pge.get(reverse("workspace:licensing_licences"), {"status": "SUSPENDED"})
    assert licence.number not in none.content.decode()
    assert signed_in(people["mission"]).get(reverse("workspace:licensing_licences")).content.decode().count(licence.number) == 0


def test_home_links_follow_the_access_flags(people):
    _application, applicant = factories.submitted_rc()
    pge_home = signed_in(people["pge"]).get(reverse("workspace:home")).content.decode()
    for name in ("licensing_queue", "licensing_licences", "licensing_branches", "licensing_blacklist", "licensing_illegal_agents", "licensing_insurers"):
        assert reverse(f"workspace:{name}") in pge_home
    poe_home = signed_in(people["poe"]).get(reverse("workspace:home")).content.decode()
    assert reverse("workspace:licensing_queue") in poe_home
    assert reverse("workspace:licensing_blacklist") not in poe_home
    partner_home = signed_in(applicant).get(reverse("workspace:home")).content.decode()
    assert reverse("workspace:licensing_home") in partner_home
    assert reverse("workspace:licensing_queue") not in partner_home
