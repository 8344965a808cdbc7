"""Shared data for the intake and check-in tests (imported by test_intake*.py and
test_checkins*.py; no tests here)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from clients.models import CheckInPlan
from clients.selectors_intake import business_today
from clients.services.intake_questionnaires import questionnaire_create, questionnaire_from_starter

ALL_TYPES = [
    {
        "key": "name_known",
        "label": "What should we call you?",
        "type": "short_text",
        "required": True,
    },
    {"key": "story", "label": "Your story", "type": "long_text", "required": False},
    {
        "key": "days",
        "label": "Days a week",
        "type": "number",
        "required": True,
        "min": 1,
        "max": 7,
    },
    {
        "key": "goal",
        "label": "Main goal",
        "type": "single_choice",
        "required": True,
        "choices": ["Strength", "Fat loss"],
    },
    {
        "key": "where",
        "label": "Where",
        "type": "multiple_choice",
        "required": False,
        "choices": ["Gym", "Home", "Outdoors"],
    },
    {"key": "start", "label": "Start date", "type": "date", "required": False},
    {"key": "injured", "label": "Injured?", "type": "yes_no", "required": True},
    {"key": "mood", "label": "Mood", "type": "scale", "required": True, "min": 1, "max": 10},
    {"key": "doc", "label": "Doctor's letter", "type": "file", "required": False},
    {
        "key": "consent",
        "label": "Declaration",
        "type": "consent",
        "required": True,
        "consent_text": "I answered truthfully.",
    },
]

GOOD_ANSWERS = {
    "name_known": "Cleo",
    "days": "3",
    "goal": "Strength",
    "where": ["Gym", "Home"],
    "start": "2025-03-14",
    "injured": "no",
    "mood": "7",
    "consent": "on",
}


def prefixed(answers: dict) -> dict:
    """Answers as the HTML form posts them (prefix "q")."""
    return {f"q-{key}": value for key, value in answers.items()}


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "PNG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def link_answers_confirmed(*, questionnaire, client, answers: dict, uploads=None):
    """Answers on ``client``'s record the way the shareable link puts them there:
    sent with their address (held), then confirmed through the e-mailed link."""
    from clients.services.intake_answers import LeadContact, lead_intake_submit
    from clients.services.intake_held import held_response_confirm, held_response_confirm_token

    held = lead_intake_submit(
        questionnaire=questionnaire,
        contact=LeadContact(first_name=client.first_name, email=client.email),
        answers=answers,
        uploads=uploads,
    )
    return held_response_confirm(token=held_response_confirm_token(response=held))


@pytest.fixture
def intake_form(business, owner):
    """A published intake form with one question of every type, link on."""
    with tenant_context(business):
        return questionnaire_create(
            by=owner,
            title="Every type",
            fields=[dict(f) for f in ALL_TYPES],
            publish=True,
            is_public=True,
        )


@pytest.fixture
def simple_form(business, owner):
    """A published intake form with two short questions, link on."""
    with tenant_context(business):
        return questionnaire_create(
            by=owner,
            title="Quick intake",
            fields=[
                {"key": "goal", "label": "Your goal", "type": "short_text", "required": True},
                {"key": "notes", "label": "Anything else", "type": "long_text"},
            ],
            publish=True,
            is_public=True,
        )


@pytest.fixture
def weekly_plan(business, owner):
    """The weekly check-in starter, active, its first period 14 days ago."""
    with tenant_context(business):
        questionnaire = questionnaire_from_starter(by=owner, starter="weekly_checkin")
        return CheckInPlan.objects.create(
            questionnaire=questionnaire,
            period_days=7,
            starts_on=business_today() - datetime.timedelta(days=14),
            is_active=True,
        )


CHECKIN_ANSWERS = {"energy": 7, "sleep": 6, "adherence": "Most of them", "wins": "Slept well"}
