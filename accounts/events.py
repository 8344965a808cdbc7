"""What accounts announces, for the apps above it to act on.

accounts sits at the bottom of the house: it never imports the apps that care
when a person is invited or joins. They connect receivers to these signals
instead (``clients/receivers.py``). Receivers run in the sender's transaction,
and ``Signal.send`` lets their exceptions through: a receiver that raises
ValidationError stops the action with its message.
"""

from django.dispatch import Signal

# before a client invitation is created; receivers may refuse with ValidationError
# (the plan's room for clients). Arguments: email, open_invitations (the open client
# invitations, a queryset)
client_invitation_creating = Signal()

# a person joined the business as a client (accepted an invitation, or signed up where
# sign-up is open). Arguments: user, invited_by (None for sign-up)
client_joined = Signal()
