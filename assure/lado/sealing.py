"""Case narratives sealed with a key of the case's own (decisions.md section 3).

Each allegation and each consultation has its own key (``CaseKey``). What people wrote about a case — the
concern, the advice given, meeting decisions, case notes — is stored only encrypted with that key (Fernet:
AES in CBC mode with an HMAC, from the ``cryptography`` library). Disposing of a case at the end of its
retention, or on a court order, deletes the key: the text that stays in the database, in the audit trail and in
backups can no longer be read, and the case is left as a tombstone that still counts in the year's figures.
"""

from cryptography.fernet import Fernet

# What a sealed field reads once its case's key is destroyed.
DISPOSED = "Disposed of: this text can no longer be read."


def new_secret() -> str:
    return Fernet.generate_key().decode()


def seal(secret: str, text: str) -> str:
    return Fernet(secret.encode()).encrypt(text.encode()).decode() if text else ""


def unseal(secret: str, token: str) -> str:
    return Fernet(secret.encode()).decrypt(token.encode()).decode() if token else ""


class SealedText:
    """A text attribute kept encrypted in the model field ``<name>_sealed`` with the case's key.

    The model says which key with ``sealing_key(create=...)``: the case's own ``CaseKey``, made on the first
    write, or None once the case has been disposed of.
    """

    def __set_name__(self, owner, name):
        self.name = name
        self.stored = f"{name}_sealed"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        token = getattr(instance, self.stored)
        if not token:
            return ""
        key = instance.sealing_key(create=False)
        return DISPOSED if key is None else unseal(key.secret, token)

    def __set__(self, instance, value):
        value = (value or "").strip()
        if not value:
            setattr(instance, self.stored, "")
            return
        key = instance.sealing_key(create=True)
        if key is None:
            raise ValueError("This case has been disposed of: nothing more can be written to it.")
        setattr(instance, self.stored, seal(key.secret, value))
