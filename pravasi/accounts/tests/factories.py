"""Factories for users, offices and organisations, and a way to sign in a verified official."""

from __future__ import annotations

import itertools

import factory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pravasi.accounts.models import Membership, Office, Organisation, User
from pravasi.accounts.roles import OFFICE_ROLES, ORGANISATION_ROLES, OfficeKind, OrganisationKind, Role

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    kind = OfficeKind.POE
    code = factory.Sequence(lambda n: f"OFFICE-{n}")
    name = factory.Sequence(lambda n: f"Office {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.RA
    name = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)
    contact_confirmed_at = factory.Faker("date_time", tzinfo=__import__("datetime").timezone.utc)


def office_for(kind: str, **kwargs) -> Office:
    defaults = {
        OfficeKind.POE: {"states": ["IN-KL"], "name": "PoE Thiruvananthapuram"},
        OfficeKind.PGE: {"name": "Protector General of Emigrants"},
        OfficeKind.MISSION: {"countries": ["AE"], "name": "Embassy of India, Abu Dhabi"},
        OfficeKind.OWRC: {"name": "OWRC Delhi"},
    }[kind]
    return OfficeFactory(kind=kind, **{**defaults, **kwargs})


def user_with_role(role: str, *, office: Office | None = None, organisation: Organisation | None = None, totp_device: bool = True, **kwargs) -> User:
    user = UserFactory(**kwargs)
    if role in OFFICE_ROLES:
        office = office or office_for(OFFICE_ROLES[role])
        organisation = None
    elif role in ORGANISATION_ROLES:
        organisation = organisation or OrganisationFactory(kind=ORGANISATION_ROLES[role])
        office = None
    else:
        office = organisation = None
    Membership.objects.create(user=user, role=role, office=office, organisation=organisation)
    if role == Role.ADMINISTRATOR:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    if totp_device and role != Role.EMIGRANT:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def current_totp(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def login_verified(client, user: User) -> None:
    """Signs the user in on the test client as if they had passed the TOTP step."""
    client.force_login(user, backend="pravasi.accounts.backends.IdentifierBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def enrol_totp(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, made if they have none (an applicant signing up enrols one first)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def verified_client(user: User):
    """A test client of its own for the user, past the two-factor step."""
    from django.test import Client

    enrol_totp(user)
    client = Client()
    login_verified(client, user)
    return client
