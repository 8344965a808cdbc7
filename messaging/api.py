"""API: conversations, their messages, read receipts and unread counts.

Who opens what is ``selectors.thread_queryset_for``'s: a thread someone may not open
answers 404, like any object of another client. Writes go through ``services``: a
client writes only in their own conversations (to their own coaches), a coach only in
their clients' and their groups'; only the author changes or deletes a message, for
15 minutes. Bad input answers 400 with the field; sending too fast, 429.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.response import Response

from accounts.models import User
from accounts.policies import is_staff_member, portal_client
from clients.serializers import ClientField

from . import services
from .api_announcements import AnnouncementViewSet
from .attachments import MAX_FILES, MESSAGE_BODY_MAX_BYTES
from .models import BODY_MAX_CHARS, TITLE_MAX_CHARS, Message, ReadState, Thread
from .selectors import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    client_thread_for,
    message_queryset_for,
    messages_for,
    person_name,
    read_states_for,
    thread_list_for,
    thread_members,
    thread_people,
    unread_counts,
)

ID_MESSAGE = gettext_lazy("Give a message id, a number.")
MAX_ID = 2**63 - 1


def _name(user: User | None, viewer: User) -> str:
    return person_name(user, viewer=viewer)


class PersonSerializer(serializers.Serializer):
    """A person of a conversation; ``id`` is their user id (none for a group's client
    without a login)."""

    id = serializers.IntegerField(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    is_staff = serializers.BooleanField(read_only=True)


def _person(user: User | None, viewer: User) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": _name(user, viewer), "is_staff": user.is_staff}


class QuotedSerializer(serializers.Serializer):
    """The message a reply answers, in short."""

    id = serializers.IntegerField(read_only=True)
    author = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    is_deleted = serializers.BooleanField(read_only=True)


class AttachmentSerializer(serializers.Serializer):
    """A file sent with a message: ``url`` serves it to the conversation's people only."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    width = serializers.IntegerField(read_only=True)
    height = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("messaging_attachment", args=[attachment.pk])


class MessageSerializer(serializers.ModelSerializer):
    """A message. ``body`` is plain text (empty once deleted; ``text`` then says
    "Message deleted"); ``attachments``: its photos and PDFs; ``is_announcement``: it
    came with an announcement to many clients; ``can_change``: the reader may still
    edit or delete it."""

    author = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    is_announcement = serializers.SerializerMethodField()
    text = serializers.CharField(source="shown_text", read_only=True)
    is_deleted = serializers.BooleanField(read_only=True)
    reply_to = serializers.SerializerMethodField()
    can_change = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "thread",
            "author",
            "body",
            "text",
            "is_deleted",
            "reply_to",
            "attachments",
            "is_announcement",
            "created_at",
            "edited_at",
            "deleted_at",
            "can_change",
        ]
        read_only_fields = fields

    def _viewer(self) -> User:
        return self.context["request"].user

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, message: Message) -> dict | None:
        return _person(message.author, self._viewer())

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, message: Message) -> list[dict]:
        if not message.has_attachments:  # no query for a message without files
            return []
        return AttachmentSerializer(message.attachments.all(), many=True).data

    def get_is_announcement(self, message: Message) -> bool:
        return message.announcement_id is not None

    @extend_schema_field(QuotedSerializer(allow_null=True))
    def get_reply_to(self, message: Message) -> dict | None:
        quoted = message.reply_to
        if quoted is None:
            return None
        return {
            "id": quoted.pk,
            "author": _name(quoted.author, self._viewer()),
            "text": quoted.shown_text[:200],
            "is_deleted": quoted.is_deleted,
        }

    def get_can_change(self, message: Message) -> bool:
        return (
            message.author_id == self._viewer().pk
            and not message.is_deleted
            and timezone.now() - message.created_at <= services.EDIT_WINDOW
        )


class ThreadSerializer(serializers.ModelSerializer):
    """A conversation in the list: what to call it, how many messages are unread, the
    last message."""

    title = serializers.SerializerMethodField()
    unread = serializers.IntegerField(read_only=True)
    last_message = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = [
            "id",
            "kind",
            "title",
            "client",
            "created_at",
            "last_message_at",
            "unread",
            "last_message",
        ]
        read_only_fields = fields

    def get_title(self, thread: Thread) -> str:
        if thread.is_group:
            return thread.title
        if is_staff_member(self.context["request"].user):
            return thread.client.full_name
        return _("Your coaches")

    @extend_schema_field(MessageSerializer(allow_null=True))
    def get_last_message(self, thread: Thread) -> dict | None:
        latest = getattr(thread, "latest", None)
        if not latest:
            return None
        return MessageSerializer(latest[0], context=self.context).data


class ThreadDetailSerializer(ThreadSerializer):
    """A conversation with its people: whom a message goes to."""

    people = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "people"]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(many=True))
    def get_people(self, thread: Thread) -> list[dict]:
        viewer = self.context["request"].user
        people = [_person(user, viewer) for user in thread_people(thread=thread)]
        if thread.is_group:  # its clients without a login are in it too
            people += [
                {"id": None, "name": m.client.full_name, "is_staff": False}
                for m in thread_members(thread=thread)
                if m.client_id and not m.client.user_id
            ]
        return people


class ThreadCreateSerializer(serializers.Serializer):
    """A group (``kind`` "group", the default: staff, with a ``title`` and two or more
    ``clients``), or a client's own conversation (``kind`` "client": started if need be;
    a client leaves ``client`` out)."""

    kind = serializers.ChoiceField(choices=Thread.Kind.choices, default=Thread.Kind.GROUP)
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX_CHARS)
    clients = serializers.ListField(child=ClientField(), required=False, max_length=200)
    staff = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=User.objects.filter(is_staff=True, is_active=True),
        error_messages={"does_not_exist": gettext_lazy("Choose members of the team.")},
    )
    client = ClientField(required=False)


class MessageWriteSerializer(serializers.Serializer):
    """JSON, or multipart with up to five ``attachments`` (photos, PDFs); with files
    ``body`` may be empty."""

    body = serializers.CharField(
        max_length=BODY_MAX_CHARS + 1000, trim_whitespace=False, required=False, allow_blank=True
    )
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        max_length=MAX_FILES,
        error_messages={"max_length": gettext_lazy("Send at most 5 files with one message.")},
    )
    reply_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        error_messages={"invalid": ID_MESSAGE},
    )


class MessageEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_CHARS + 1000, trim_whitespace=False)


class PageQuerySerializer(serializers.Serializer):
    before = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, error_messages={"invalid": ID_MESSAGE}
    )
    after = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_ID, error_messages={"invalid": ID_MESSAGE}
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


class ReadBySerializer(serializers.Serializer):
    """How far one person has read: every message up to ``last_read_message``."""

    person = PersonSerializer()
    last_read_message = serializers.IntegerField()
    last_read_at = serializers.DateTimeField()


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    has_more = serializers.BooleanField()
    read_by = ReadBySerializer(many=True)


class MarkReadSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        error_messages={"invalid": ID_MESSAGE},
    )


class ReadStateSerializer(serializers.Serializer):
    last_read_message = serializers.IntegerField(allow_null=True)
    last_read_at = serializers.DateTimeField(allow_null=True)
    unread_total = serializers.IntegerField()


def _read_by(states: list[ReadState], viewer: User) -> list[dict]:
    return [
        {
            "person": _person(state.user, viewer),
            "last_read_message": state.last_read_message_id,
            "last_read_at": state.last_read_at,
        }
        for state in states
    ]


class ThreadViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Conversations, most recent first, with ``unread`` and the last message.

    POST starts a group (staff: a ``title`` and two or more of their ``clients``), or
    with ``kind`` "client" opens a client's own conversation (started if need be).
    ``messages`` pages through a conversation (``?before=<id>``) and sends to it;
    ``read`` marks it read; ``unread`` gives the counts for a badge."""

    serializer_class = ThreadSerializer
    body_max_bytes = MESSAGE_BODY_MAX_BYTES  # files come with a message (core.uploads)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Thread.objects.none()
        return thread_list_for(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ThreadDetailSerializer
        if self.action == "create":
            return ThreadCreateSerializer
        return ThreadSerializer

    def _shown(self, thread: Thread, code: int) -> Response:
        thread = self.get_queryset().get(pk=thread.pk)
        data = ThreadDetailSerializer(thread, context=self.get_serializer_context()).data
        return Response(data, status=code)

    @extend_schema(
        request=ThreadCreateSerializer,
        responses={200: ThreadDetailSerializer, 201: ThreadDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        body = ThreadCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["kind"] == Thread.Kind.CLIENT:
            client = data.get("client") or portal_client(request)
            if client is None:
                raise serializers.ValidationError({"client": [_("Choose the client.")]})
            existed = client_thread_for(client=client) is not None
            thread = services.client_thread_get_or_create(client=client, by=request.user)
            return self._shown(thread, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)
        thread = services.group_thread_create(
            title=data.get("title", ""),
            clients=data.get("clients", []),
            staff=data.get("staff", []),
            by=request.user,
        )
        return self._shown(thread, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        parameters=[
            OpenApiParameter(
                "before", OpenApiTypes.INT, description="Only messages before this id."
            ),
            OpenApiParameter(
                "after",
                OpenApiTypes.INT,
                description="Only messages after this id, oldest first (polling for news).",
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"How many (1 to {MAX_PAGE_SIZE})."
            ),
        ],
        responses={200: MessagePageSerializer},
    )
    @extend_schema(
        methods=["POST"], request=MessageWriteSerializer, responses={201: MessageSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk=None):
        """GET: up to ``limit`` (default 50) messages, oldest first, before ``before``
        (the latest without it), ``has_more`` when older ones are left (with ``after``:
        the messages after that id, ``has_more`` when newer ones are left), and how far
        each person has read (``read_by``). POST: send ``body`` (plain text), perhaps
        in reply to one of the conversation's messages (``reply_to``)."""
        thread = self.get_object()
        if request.method == "POST":
            return self._send(request, thread)
        params = PageQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = messages_for(
            thread=thread,
            user=request.user,
            before=params.validated_data.get("before"),
            after=params.validated_data.get("after"),
            limit=params.validated_data.get("limit", PAGE_SIZE),
        )
        context = self.get_serializer_context()
        return Response(
            {
                "results": MessageSerializer(page.messages, many=True, context=context).data,
                "has_more": page.has_more,
                "read_by": _read_by(read_states_for(thread=thread), request.user),
            }
        )

    def _send(self, request, thread: Thread) -> Response:
        body = MessageWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reply_to = None
        if body.validated_data.get("reply_to") is not None:
            reply_to = Message.objects.filter(
                thread_id=thread.pk, pk=body.validated_data["reply_to"]
            ).first()
            if reply_to is None:
                raise serializers.ValidationError(
                    {"reply_to": [_("Reply to a message of this conversation.")]}
                )
        try:
            message = services.message_send(
                thread=thread,
                body=body.validated_data.get("body", ""),
                by=request.user,
                reply_to=reply_to,
                attachments=body.validated_data.get("attachments", []),
            )
        except services.SendingTooFast as exc:
            raise Throttled(
                wait=services.RATE_WINDOW_SECONDS, detail=exc.message_dict["body"][0]
            ) from exc
        data = MessageSerializer(message, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MarkReadSerializer, responses={200: ReadStateSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """The person has read the conversation up to ``up_to`` (default: its latest
        message); never moves back. Answers their read state and unread total."""
        thread = self.get_object()
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        up_to = None
        if body.validated_data.get("up_to") is not None:
            up_to = Message.objects.filter(
                thread_id=thread.pk, pk=body.validated_data["up_to"]
            ).first()
            if up_to is None:
                raise serializers.ValidationError(
                    {"up_to": [_("Choose a message of this conversation.")]}
                )
        state = services.thread_mark_read(thread=thread, by=request.user, up_to=up_to)
        return Response(
            {
                "last_read_message": state.last_read_message_id if state else None,
                "last_read_at": state.last_read_at if state else None,
                "unread_total": unread_counts(user=request.user).total,
            }
        )

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def unread(self, request):
        """Unread messages for the badge: ``total``, and ``threads`` (thread id: count)
        for the conversations the person takes part in."""
        counts = unread_counts(user=request.user)
        return Response(
            {"total": counts.total, "threads": {str(k): v for k, v in counts.by_thread.items()}}
        )


class MessageViewSet(viewsets.GenericViewSet):
    """One message: read it; PATCH changes its ``body`` and DELETE deletes it (the
    author only, for 15 minutes after sending; a deleted message reads "Message
    deleted")."""

    serializer_class = MessageSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return message_queryset_for(user=self.request.user)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=MessageEditSerializer, responses={200: MessageSerializer})
    def partial_update(self, request, pk=None):
        message = self.get_object()
        body = MessageEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = services.message_edit(
            message=message, body=body.validated_data["body"], by=request.user
        )
        return Response(self.get_serializer(message).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.message_delete(message=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    router.register("threads", ThreadViewSet, basename="api-thread")
    router.register("messages", MessageViewSet, basename="api-message")
    router.register("announcements", AnnouncementViewSet, basename="api-announcement")
