"""Sign-in by username, e-mail or mobile number (found through blind indexes)."""

from django.contrib.auth.backends import ModelBackend

from pravasi.core.contacts import email_index, looks_like_email, looks_like_phone, normalise_phone, phone_index
from pravasi.core.errors import ValidationFailed

from .models import User


def find_user_by_identifier(identifier: str) -> User | None:
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if looks_like_email(identifier):
        return User.objects.filter(email_index=email_index(identifier)).first()
    if looks_like_phone(identifier):
        try:
            return User.objects.filter(mobile_index=phone_index(normalise_phone(identifier))).first()
        except ValidationFailed:
            return None
    return User.objects.filter(username=identifier).first()


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user_by_identifier(username or "")
        if user is None:
            User().set_password(password or "")  # same work either way, so timing does not reveal accounts
            return None
        if user.check_password(password or "") and self.user_can_authenticate(user):
            return user
        return None
