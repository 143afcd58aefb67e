"""Passwords the platform issues and the saving of a new user with one: helpers the account
services (and the learners' enrolment) call inside their own checked, audited transactions."""

import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password

from .hashers import OneTimePasswordHasher
from .models import User


def generate_password() -> str:
    # Letters and digits, readable on the phone when the officer passes it on.
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def set_issued_password(user: User, password: str) -> None:
    """A one-time password the platform generated (random, so hashed without key stretching:
    accounts/hashers.py); its holder must change it at the first login."""
    user.password = make_password(password, hasher=OneTimePasswordHasher.algorithm)
    user.must_change_password = True


def new_user_save(user: User, password: str | None) -> str | None:
    """Saves a new, unsaved user with their password; without one, a one-time password is
    generated and returned (shown once, changed at the first login)."""
    issued = generate_password() if password is None else None
    validate_password(password or issued, user)
    if issued:
        set_issued_password(user, issued)
    else:
        user.set_password(password)
        user.must_change_password = False
    user.full_clean(exclude=["password"])
    user.save()
    return issued
