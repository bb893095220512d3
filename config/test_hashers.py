"""The test suite's password hasher: argon2id with tiny costs.

Production hashes with Django's Argon2PasswordHasher (config/settings.py), deliberately slow (about
0.25 s a hash here): the demo alone hashes two dozen passwords and PINs, and the suite loads it in
many tests and logs in hundreds of times. The hashes stay argon2id (same algorithm, same format);
only the costs, which are not under test, are small. Tests of the production settings ask for the
`production_hashers` fixture (tests/test_accounts.py).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 256
    parallelism = 1
