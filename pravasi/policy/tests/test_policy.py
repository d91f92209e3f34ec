"""Dated policy values: the value in force on the day decides; edits are checked and audited."""

from datetime import date

import pytest
from django.urls import reverse

from pravasi.accounts.roles import Role
from pravasi.audit.models import AuditEvent
from pravasi.core.errors import ValidationFailed
from pravasi.policy.models import PolicyValue
from pravasi.policy.selectors import PolicyMissing, policy
from pravasi.policy.services import policy_pack_load, policy_value_save

pytestmark = pytest.mark.django_db


def test_the_value_in_force_on_the_day_decides():
    before = policy("ECR_COUNTRIES", on=date(2019, 12, 31))
    assert "BN" in before and "SS" not in before
    current = policy("ECR_COUNTRIES", on=date(2026, 11, 26))
    assert len(current) == 18 and "BN" not in current and "SS" in current
    assert policy("MINIMUM_REFERRAL_WAGE_USD", qualifier="KW", on=date(2021, 1, 1)) == {"default": "245", "9111": "196"}
    with pytest.raises(PolicyMissing):
        policy("MINIMUM_REFERRAL_WAGE_USD", qualifier="KW", on=date(2019, 1, 1))


def test_loading_the_pack_again_changes_nothing():
    assert policy_pack_load(pack="india")["created"] == 0
    assert policy_pack_load(pack="india")["updated"] == 0


def test_overlapping_dates_are_refused(make_user):
    pge = make_user(Role.PGE_OFFICER)
    row = PolicyValue(key="ECR_COUNTRIES", valid_from=date(2024, 1, 1), value=["IQ"])
    with pytest.raises(ValidationFailed) as err:
        policy_value_save(actor=pge, row=row)
    assert "overlap" in err.value.fields["valid_from"][0]
    row = PolicyValue(key="EC_FEE_INR", valid_from=date(2030, 1, 1), valid_to=date(2029, 1, 1), value="300")
    with pytest.raises(ValidationFailed):
        policy_value_save(actor=pge, row=row)


def test_change_is_audited_with_before_and_after(make_user):
    pge = make_user(Role.PGE_OFFICER)
    old = PolicyValue.objects.get(key="EC_FEE_INR")
    old.valid_to = date(2026, 12, 31)
    policy_value_save(actor=pge, row=old)
    policy_value_save(actor=pge, row=PolicyValue(key="EC_FEE_INR", valid_from=date(2027, 1, 1), value="300", source="circular"))
    assert policy("EC_FEE_INR", on=date(2027, 1, 2)) == "300"
    assert policy("EC_FEE_INR", on=date(2026, 1, 2)) == "200"
    events = AuditEvent.objects.filter(action="policy.value_saved").order_by("seq")
    assert events[0].summary["before"]["valid_to"] is None and events[0].summary["after"]["valid_to"] == "2026-12-31"


def test_pge_officer_edits_through_the_admin_and_others_cannot(official_client, client):
    pge_client, _pge = official_client(Role.PGE_OFFICER)
    row = PolicyValue.objects.get(key="RA_DAILY_PASSPORT_LIMIT")
    url = reverse("admin:policy_policyvalue_change", args=[row.pk])
    response = pge_client.post(url, {"key": row.key, "qualifier": "", "value": "50", "valid_from": "2014-01-01", "valid_to": "", "source": "circular 2026/1", "pack": "india"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.value == 50
    assert AuditEvent.objects.filter(action="policy.value_saved", target_id=str(row.pk)).exists()
    pge_client.logout()
    ra_client, _ra = official_client(Role.RA_STAFF)
    assert ra_client.get(url).status_code in (302, 403)
