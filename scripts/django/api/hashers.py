"""Django's PBKDF2 hasher at the iterations of env PASSWORD_ITERATIONS.

The algorithm name stays "pbkdf2_sha256", so its hashes are Django's own and ginrest's
(both servers hash at PASSWORD_ITERATIONS when compared). Users must be created with the
same value as the server runs with: otherwise Django's must_update() rehashes and saves the
user on its first login.
"""
import os

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class EnvPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = int(os.environ.get("PASSWORD_ITERATIONS", PBKDF2PasswordHasher.iterations))
