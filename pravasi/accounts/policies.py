"""Who may do what on accounts, policy data and the outbox log."""

from .roles import Role
from .selectors import has_role, is_restricted_user, is_verified


def can_edit_policy(user) -> bool:
    return is_verified(user) and has_role(user, Role.PGE_OFFICER, Role.ADMINISTRATOR)


def can_read_outbox(user) -> bool:
    return is_verified(user) and has_role(user, Role.ADMINISTRATOR)


def must_use_two_factor(user) -> bool:
    return is_restricted_user(user)
