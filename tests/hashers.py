from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the smallest cost, for tests only: production's cost takes about a second a hash on a busy
    machine, and the suite hashes a password for every person it makes."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1
