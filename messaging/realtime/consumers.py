"""The socket of the conversation pages: ``/ws/messages/``.

A page connects (``middleware`` has found the business and the person), then sends
JSON:

- ``{"type": "subscribe", "thread": <id>}``: join a conversation it may open; answered
  ``subscribed`` or ``refused`` (the same for one that does not exist);
- ``{"type": "unsubscribe", "thread": <id>}``;
- ``{"type": "typing", "thread": <id>}``: the others of the conversation see "… is
  typing" (not stored; at most one every ``TYPING_EVERY`` seconds per conversation);
- ``{"type": "ping"}``: answered ``pong``.

It receives ``message.new``, ``message.changed``, ``message.deleted``, ``read`` and
``typing`` for the conversations it joined, shaped as the API shows them to this
person, and ``unread.changed`` (with the conversation's id) when their unread count
moves (the page asks the API for the count).

Who connects: the business's staff (with two-factor sign-in set up where the business
asks it) and its clients with an active record, as on the pages. Who joins a
conversation: ``selectors.thread_queryset_for``, asked again at least every
``RECHECK_SECONDS`` while events arrive (a coach taken off the client, an archived
client, a session signed out: the socket stops hearing the conversation).
"""

from __future__ import annotations

import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.mfa import staff_mfa_missing
from accounts.policies import is_staff_member, portal_client_for_user

from ..selectors import thread_queryset_for
from ..services import EDIT_WINDOW
from . import thread_group, user_group
from .events import TYPING, person_payload
from .middleware import session_user

# close codes (4000-4999 are the application's)
NOT_SIGNED_IN = 4401
NOT_A_MEMBER = 4403
MAX_FRAME_CHARS = 2000


class MessagesConsumer(AsyncJsonWebsocketConsumer):
    RECHECK_SECONDS = 30.0
    TYPING_EVERY = 2.0
    MAX_THREADS = 20

    # --- opening and closing -----------------------------------------------------------

    async def connect(self):
        self.business = self.scope["business"]
        self.user = self.scope["user"]
        self.schema = self.business.schema_name
        self.threads: dict[int, float] = {}  # joined conversation -> when last checked
        self.typed: dict[int, float] = {}
        refusal = await self._refusal()
        if refusal is not None:
            await self.close(code=refusal)
            return
        self.me = person_payload(self.user)
        self.mine = user_group(schema=self.schema, user_id=self.user.pk)
        await self.channel_layer.group_add(self.mine, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if not hasattr(self, "mine"):
            return
        await self.channel_layer.group_discard(self.mine, self.channel_name)
        for thread_id in list(self.threads):
            await self.channel_layer.group_discard(self._group(thread_id), self.channel_name)

    def _group(self, thread_id: int) -> str:
        return thread_group(schema=self.schema, thread_id=thread_id)

    # --- the rules (database calls: each sets the business's schema first) -------------

    def _member_refusal(self, user) -> int | None:
        """The pages' rule: staff (two-factor set up where asked) and clients with an
        active record; None when ``user`` may connect."""
        if not (user.is_authenticated and user.is_active):
            return NOT_SIGNED_IN
        if is_staff_member(user):
            missing = staff_mfa_missing(user=user, business=self.business)
            return NOT_A_MEMBER if missing else None
        return None if portal_client_for_user(user) is not None else NOT_A_MEMBER

    @database_sync_to_async
    def _refusal(self) -> int | None:
        connection.set_tenant(self.business)
        return self._member_refusal(self.user)

    @database_sync_to_async
    def _check(self, thread_id: int) -> tuple[bool, int | None]:
        """Whether the person (read again from the session) may open ``thread_id``,
        and the socket's refusal when they may no longer connect at all."""
        user = session_user(business=self.business, session_key=self.scope.get("session_key"))
        if user.pk != self.user.pk:
            return False, NOT_SIGNED_IN
        refusal = self._member_refusal(user)
        if refusal is not None:
            return False, refusal
        self.user = user
        return thread_queryset_for(user=user).filter(pk=thread_id).exists(), None

    # --- from the page -------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not text_data or len(text_data) > MAX_FRAME_CHARS:
            await self._error(_("Send one short JSON object."))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error(_("Send one short JSON object."))
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        thread_id = content.get("thread") if isinstance(content, dict) else None
        if not isinstance(thread_id, int) or isinstance(thread_id, bool) or thread_id < 1:
            await self._error(_("Say which conversation (its id)."))
            return
        if kind == "subscribe":
            await self._subscribe(thread_id)
        elif kind == "unsubscribe":
            await self._leave(thread_id, tell=False)
        elif kind == "typing":
            await self._typing(thread_id)
        else:
            await self._error(_("Unknown request."))

    async def _error(self, detail: str) -> None:
        await self.send_json({"type": "error", "detail": detail})

    async def _subscribe(self, thread_id: int) -> None:
        if thread_id not in self.threads and len(self.threads) >= self.MAX_THREADS:
            await self._error(_("Too many conversations on one page."))
            return
        allowed, refusal = await self._check(thread_id)
        if refusal is not None:
            await self.close(code=refusal)
            return
        if not allowed:
            await self._leave(thread_id, tell=True)
            return
        if thread_id not in self.threads:
            await self.channel_layer.group_add(self._group(thread_id), self.channel_name)
        self.threads[thread_id] = time.monotonic()
        await self.send_json({"type": "subscribed", "thread": thread_id})

    async def _leave(self, thread_id: int, *, tell: bool) -> None:
        if self.threads.pop(thread_id, None) is not None:
            await self.channel_layer.group_discard(self._group(thread_id), self.channel_name)
        if tell:
            await self.send_json({"type": "refused", "thread": thread_id})

    async def _still_allowed(self, thread_id: int) -> bool:
        """Whether the socket may go on hearing ``thread_id`` (asked again after
        ``RECHECK_SECONDS``)."""
        if thread_id not in self.threads:
            return False
        if time.monotonic() - self.threads[thread_id] < self.RECHECK_SECONDS:
            return True
        allowed, refusal = await self._check(thread_id)
        if refusal is not None:
            await self.close(code=refusal)
            return False
        if not allowed:
            await self._leave(thread_id, tell=True)
            return False
        self.threads[thread_id] = time.monotonic()
        return True

    async def _typing(self, thread_id: int) -> None:
        if not await self._still_allowed(thread_id):
            return
        now = time.monotonic()
        if now - self.typed.get(thread_id, -self.TYPING_EVERY) < self.TYPING_EVERY:
            return
        self.typed[thread_id] = now
        event = {"type": TYPING, "thread": thread_id, "person": self.me}
        await self.channel_layer.group_send(
            self._group(thread_id),
            {"type": "thread.event", "event": event, "sender": self.channel_name},
        )

    # --- from the channel layer ----------------------------------------------------------

    async def thread_event(self, message):
        event = message["event"]
        thread_id = event.get("thread") or event.get("message", {}).get("thread")
        if message.get("sender") == self.channel_name:
            return
        if not await self._still_allowed(thread_id):
            return
        await self.send_json(self._shown(event))

    async def unread_changed(self, message):
        # no count here (one query per open page per message would queue them all on
        # the server's one database thread): the page asks the API when it shows one
        await self.send_json({"type": "unread.changed", "thread": message.get("thread")})

    # --- shaping an event for this person -------------------------------------------------

    def _person(self, person: dict | None) -> dict | None:
        """As ``selectors.person_name`` names people: staff may see an address."""
        if person is None:
            return None
        name = person["staff_name"] if self.user.is_staff else person["name"]
        return {"id": person["id"], "name": name or _("A member"), "is_staff": person["is_staff"]}

    def _shown(self, event: dict) -> dict:
        shown = dict(event)
        if "person" in shown:
            shown["person"] = self._person(shown["person"])
        message = shown.get("message")
        if message is not None:
            message = dict(message)
            author = message["author"]
            message["author"] = self._person(author) or {
                "id": None,
                "name": _("Former member"),
                "is_staff": False,
            }
            quoted = message.get("reply_to")
            if quoted is not None:
                quoted_author = self._person(quoted["author"])
                message["reply_to"] = dict(
                    quoted, author=quoted_author["name"] if quoted_author else _("Former member")
                )
            sent = parse_datetime(message["created_at"])
            message["can_change"] = bool(
                author
                and author["id"] == self.user.pk
                and not message["is_deleted"]
                and timezone.now() - sent <= EDIT_WINDOW
            )
            shown["message"] = message
        return shown
