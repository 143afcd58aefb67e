"""The hasher of the one-time passwords the platform itself issues (new accounts, resets, the
accounts of an enrolment list). Key stretching protects passwords people choose, which can be
guessed; an issued password is ~70 random bits (`generate_password`), which cannot, so a short
PBKDF2 is as safe for it and lets an enrolment list of a thousand people get its accounts in a
second instead of several minutes. Its holder must change it at the first login, and the new
password is hashed with the default hasher."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_issued"
    iterations = 1000
