"""The audit trail of clients going in and out: who imported, exported or erased what.

An entry keeps a client's id and initials, never their name: it must outlive an erasure.
"""

from accounts.models import User

from ..models import AuditEntry, Client


def client_initials(client: Client) -> str:
    """Initials, "C. M." for Cleo Martin: all the audit trail keeps of a name."""
    letters = [part[:1].upper() for part in (client.first_name, client.last_name) if part]
    return " ".join(f"{letter}." for letter in letters)


def audit_entry_add(
    *, action: str, by: User | None, subject: str, client_id: int | None = None, **detail
) -> AuditEntry:
    actor = by if by is not None and by.is_authenticated else None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        subject=subject[:200],
        client_id_ref=client_id,
        detail=detail,
    )


def client_subject(client: Client) -> str:
    return f"Client #{client.pk} ({client_initials(client)})"
