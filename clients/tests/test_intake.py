"""Intake forms: the builder's rules, versions, the answer validator, files,
assignments and leads (services)."""

# fixtures come from test_intake_support (clients/tests/conftest.py is shared): F811
# ruff: noqa: F811

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string

from clients.forms_intake import AnswersForm, answers_clean
from clients.models import Assignment, Client, Questionnaire, Response, ResponseFile
from clients.selectors_intake import answer_rows, questionnaire_current_version
from clients.services.intake_answers import LeadContact, lead_intake_submit, response_save
from clients.services.intake_assignments import (
    assignment_response_start,
    assignment_withdraw,
    assignments_create,
)
from clients.services.intake_questionnaires import (
    questionnaire_create,
    questionnaire_draft_save,
    questionnaire_fields_clean,
    questionnaire_from_starter,
    questionnaire_publish,
)
from clients.starters import STARTERS

from .factories import ClientFactory
from .test_intake_support import (  # noqa: F401  (fixtures)
    ALL_TYPES,
    GOOD_ANSWERS,
    intake_form,
    pdf_bytes,
    png_bytes,
    simple_form,
    upload,
)

pytestmark = pytest.mark.usefixtures("tenant")


def _errors(fields) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        questionnaire_fields_clean(fields=fields)
    return caught.value.message_dict["fields"]


# --- the builder's rules --------------------------------------------------------------


def test_a_form_needs_at_least_one_question():
    assert _errors([]) == ["Add at least one question."]


def test_a_question_without_a_label_is_refused_by_number():
    errors = _errors([{"label": "Fine", "type": "short_text"}, {"label": " ", "type": "number"}])
    assert errors == ["Question 2: write the question."]


def test_an_unknown_type_is_refused():
    assert "choose the type of answer" in _errors([{"label": "Q", "type": "essay"}])[0]


def test_choice_questions_need_two_different_choices():
    assert (
        "at least two choices"
        in _errors([{"label": "Pick", "type": "single_choice", "choices": ["Only"]}])[0]
    )
    assert (
        "each choice must be different"
        in _errors([{"label": "Pick", "type": "multiple_choice", "choices": ["A", "a"]}])[0]
    )


def test_duplicate_keys_are_refused_with_the_other_question_named():
    errors = _errors(
        [
            {"key": "sleep", "label": "Sleep", "type": "short_text"},
            {"key": "sleep", "label": "Sleep again", "type": "short_text"},
        ]
    )
    assert errors == ["Question 2 (“Sleep again”): the key “sleep” is already used by question 1."]


def test_keys_must_be_simple():
    assert "lower-case letters" in _errors([{"key": "Bad Key", "label": "Q", "type": "date"}])[0]


def test_number_bounds_must_be_in_order_and_a_scale_must_go_up():
    assert (
        "minimum is larger" in _errors([{"label": "N", "type": "number", "min": 10, "max": 1}])[0]
    )
    assert "scale must go up" in _errors([{"label": "S", "type": "scale", "min": 5, "max": 5}])[0]
    assert "must be a number" in _errors([{"label": "N", "type": "number", "min": "lots"}])[0]


def test_a_consent_question_needs_its_text():
    assert "consent text" in _errors([{"label": "Agree", "type": "consent"}])[0]


def test_every_problem_is_reported_at_once():
    errors = _errors(
        [{"label": "", "type": "short_text"}, {"label": "Pick", "type": "single_choice"}]
    )
    assert len(errors) == 2


def test_keys_are_made_from_labels_without_clashes():
    cleaned = questionnaire_fields_clean(
        fields=[
            {"label": "How did you sleep?", "type": "short_text"},
            {"label": "How did you sleep?", "type": "long_text"},
            {"label": "7 days", "type": "number"},
        ]
    )
    assert [f["key"] for f in cleaned] == [
        "how_did_you_sleep",
        "how_did_you_sleep_2",
        "q_7_days",
    ]


def test_only_the_owner_builds_forms(coach):
    with pytest.raises(PermissionDenied):
        questionnaire_create(by=coach, title="Mine", fields=ALL_TYPES, publish=True)


# --- versions -----------------------------------------------------------------------------


def test_publishing_an_edit_makes_version_two_and_old_answers_keep_version_one(
    owner, simple_form, client_record
):
    v1 = questionnaire_current_version(questionnaire=simple_form)
    response = Response.objects.create(version=v1, client=client_record)
    response_save(response=response, answers={"goal": "Run 5k"}, submit=True)

    v2 = questionnaire_publish(
        questionnaire=simple_form,
        by=owner,
        fields=[{"key": "goal", "label": "What do you want to achieve?", "type": "short_text"}],
    )

    assert (v1.number, v2.number) == (1, 2)
    v1.refresh_from_db()
    assert v1.fields[0]["label"] == "Your goal"
    rows = answer_rows(response=Response.objects.get(pk=response.pk))
    assert [(r.label, r.text) for r in rows] == [("Your goal", "Run 5k"), ("Anything else", "—")]
    assert questionnaire_current_version(questionnaire=simple_form) == v2


def test_a_draft_edit_does_not_change_the_published_version(owner, simple_form):
    questionnaire_draft_save(
        questionnaire=simple_form,
        by=owner,
        fields=[{"key": "goal", "label": "Changed", "type": "short_text"}],
    )
    current = questionnaire_current_version(questionnaire=simple_form)
    assert current.number == 1
    assert current.fields[0]["label"] == "Your goal"
    assert simple_form.versions.count() == 2


def test_publishing_the_same_questions_again_makes_no_new_version(owner, simple_form):
    current = questionnaire_current_version(questionnaire=simple_form)
    again = questionnaire_publish(questionnaire=simple_form, by=owner, fields=current.fields)
    assert again == current
    assert simple_form.versions.count() == 1


@pytest.mark.parametrize("name", sorted(STARTERS))
def test_every_starter_is_a_valid_published_form(owner, name):
    questionnaire = questionnaire_from_starter(by=owner, starter=name)
    version = questionnaire_current_version(questionnaire=questionnaire)
    assert version.number == 1 and version.published_at
    assert questionnaire.kind == STARTERS[name]["kind"]


def test_the_parq_starter_has_the_seven_questions_and_a_consent(owner):
    questionnaire = questionnaire_from_starter(by=owner, starter="parq")
    fields = questionnaire_current_version(questionnaire=questionnaire).fields
    assert sum(f["type"] == "yes_no" for f in fields) == 7
    assert fields[-1]["type"] == "consent" and fields[-1]["consent_text"]


# --- the answer validator ------------------------------------------------------------------


def _clean(form: Questionnaire, answers: dict, **kwargs):
    version = questionnaire_current_version(questionnaire=form)
    return answers_clean(version=version, data=answers, **kwargs)


def _field_errors(form, answers, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        _clean(form, answers, **kwargs)
    return caught.value.message_dict


def test_good_answers_are_stored_as_json_with_the_consent_text(intake_form):
    answers, uploads = _clean(intake_form, GOOD_ANSWERS)
    assert answers == {
        "name_known": "Cleo",
        "days": 3,
        "goal": "Strength",
        "where": ["Gym", "Home"],
        "start": "2025-03-14",
        "injured": False,
        "mood": 7,
        "consent": {"agreed": True, "text": "I answered truthfully."},
    }
    assert uploads == {}


def test_required_questions_must_be_answered(intake_form):
    errors = _field_errors(intake_form, {})
    assert errors["name_known"] == ["Please answer this question."]
    assert errors["consent"] == ["Please tick the box to agree."]
    assert "story" not in errors


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("days", "9", "Enter a number from 1 to 7."),
        ("days", "0", "Enter a number from 1 to 7."),
        ("days", "three", "Enter a number, like 12 or 7.5."),
        ("goal", "Flying", "Choose one of the options."),
        ("where", ["Gym", "Moon"], "Choose only from the options given."),
        ("start", "14th of March", "Enter a date like 2025-03-14."),
        ("injured", "maybe", "Answer yes or no."),
        ("mood", "11", "Choose a number from 1 to 10."),
        ("mood", "0", "Choose a number from 1 to 10."),
        ("name_known", "x" * 501, "Ensure this value has at most 500 characters (it has 501)."),
    ],
)
def test_each_type_rejects_bad_answers_with_a_clear_message(intake_form, key, value, message):
    errors = _field_errors(intake_form, {**GOOD_ANSWERS, key: value})
    assert errors == {key: [message]}


def test_the_api_may_send_booleans_and_numbers(intake_form):
    answers, _uploads = _clean(
        intake_form, {**GOOD_ANSWERS, "injured": True, "mood": 3, "days": 2.5, "consent": True}
    )
    assert answers["injured"] is True
    assert answers["mood"] == 3
    assert answers["days"] == 2.5


def test_a_draft_need_not_be_complete_but_types_still_count(intake_form):
    answers, _uploads = _clean(intake_form, {"days": "4"}, partial=True)
    assert answers == {"days": 4}
    assert _field_errors(intake_form, {"days": "40"}, partial=True) == {
        "days": ["Enter a number from 1 to 7."]
    }


def test_a_pdf_and_a_png_are_accepted(intake_form):
    _answers, uploads = _clean(
        intake_form, GOOD_ANSWERS, files={"doc": upload("letter.pdf", pdf_bytes())}
    )
    assert uploads["doc"].sniffed_type == "application/pdf"
    _answers, uploads = _clean(
        intake_form, GOOD_ANSWERS, files={"doc": upload("x.png", png_bytes(), "image/png")}
    )
    assert uploads["doc"].sniffed_type == "image/png"


def test_a_php_file_named_pdf_is_rejected(intake_form):
    php = upload("letter.pdf", b"<?php system($_GET['c']); ?>")
    errors = _field_errors(intake_form, GOOD_ANSWERS, files={"doc": php})
    assert errors == {"doc": ["Upload a PDF, JPEG, PNG or WebP file."]}


def test_a_25_mb_file_is_rejected(intake_form):
    big = upload("scan.pdf", b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024) + b"\n%%EOF")
    errors = _field_errors(intake_form, GOOD_ANSWERS, files={"doc": big})
    assert errors == {"doc": ["Files can be at most 10 MB."]}


def test_a_broken_image_is_rejected(intake_form):
    broken = upload("photo.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 50, "image/png")
    errors = _field_errors(intake_form, GOOD_ANSWERS, files={"doc": broken})
    assert errors == {"doc": ["This file is damaged or not what its name says. Try another one."]}


def test_the_form_renders_every_question_with_its_label(intake_form):
    version = questionnaire_current_version(questionnaire=intake_form)
    html = render_to_string(
        "clients/portal/forms_answers.html", {"form": AnswersForm(version=version)}
    )
    for field in ALL_TYPES:
        assert field["label"].replace("'", "&#x27;") in html
    assert "I answered truthfully." in html


# --- storing answers ------------------------------------------------------------------------


def test_files_are_stored_privately_with_the_answer(intake_form, client_record):
    version = questionnaire_current_version(questionnaire=intake_form)
    response = Response.objects.create(version=version, client=client_record)
    answers, uploads = _clean(
        intake_form, GOOD_ANSWERS, files={"doc": upload("my letter.pdf", pdf_bytes())}
    )
    response_save(response=response, answers=answers, uploads=uploads, submit=True)
    stored = ResponseFile.objects.get(response=response)
    assert stored.original_name == "my letter.pdf"
    assert stored.content_type == "application/pdf"
    assert "my letter" not in stored.file.name  # a random name on disk
    assert Response.objects.get(pk=response.pk).answers["doc"]["file_id"] == stored.pk


def test_submitting_twice_is_refused_and_changes_nothing(simple_form, client_record):
    version = questionnaire_current_version(questionnaire=simple_form)
    response = Response.objects.create(version=version, client=client_record)
    response_save(response=response, answers={"goal": "Run"}, submit=True)
    with pytest.raises(ValidationError):
        response_save(response=response, answers={"goal": "Swim"}, submit=True)
    assert Response.objects.get(pk=response.pk).answers == {"goal": "Run"}


def test_sending_checks_required_answers_again(simple_form, client_record):
    version = questionnaire_current_version(questionnaire=simple_form)
    response = Response.objects.create(version=version, client=client_record)
    with pytest.raises(ValidationError) as caught:
        response_save(response=response, answers={}, submit=True)
    assert "goal" in caught.value.message_dict
    assert Response.objects.get(pk=response.pk).status == Response.Status.DRAFT


def test_submitting_touches_the_client(simple_form, client_record):
    version = questionnaire_current_version(questionnaire=simple_form)
    response = Response.objects.create(version=version, client=client_record)
    response_save(response=response, answers={"goal": "Run"}, submit=True)
    client_record.refresh_from_db()
    assert client_record.last_activity_at is not None


# --- assignments ---------------------------------------------------------------------------


def test_a_coach_can_send_forms_only_to_their_own_clients(
    coach, simple_form, client_record, stranger_record
):
    count = assignments_create(
        questionnaire=simple_form,
        clients=Client.objects.filter(pk__in=[client_record.pk, stranger_record.pk]),
        by=coach,
    )
    assert count == 1
    assert list(Assignment.objects.values_list("client_id", flat=True)) == [client_record.pk]


def test_sending_again_to_a_client_still_filling_it_changes_nothing(
    owner, simple_form, client_record
):
    clients = Client.objects.filter(pk=client_record.pk)
    assert assignments_create(questionnaire=simple_form, clients=clients, by=owner) == 1
    assert assignments_create(questionnaire=simple_form, clients=clients, by=owner) == 0
    assert Assignment.objects.count() == 1


def test_an_unpublished_form_cannot_be_sent(owner, client_record):
    draft = questionnaire_create(
        by=owner, title="WIP", fields=[{"label": "Q", "type": "short_text"}]
    )
    with pytest.raises(ValidationError):
        assignments_create(
            questionnaire=draft, clients=Client.objects.filter(pk=client_record.pk), by=owner
        )


def test_an_assignment_keeps_one_draft_until_it_is_sent(owner, simple_form, client_record):
    assignments_create(
        questionnaire=simple_form, clients=Client.objects.filter(pk=client_record.pk), by=owner
    )
    assignment = Assignment.objects.get()
    first = assignment_response_start(assignment=assignment)
    assert assignment_response_start(assignment=assignment) == first
    response_save(response=first, answers={"goal": "Run"}, submit=True)
    with pytest.raises(ValidationError):
        assignment_response_start(assignment=assignment)


def _assigned(simple_form, client_record, by) -> Assignment:
    assignments_create(
        questionnaire=simple_form, clients=Client.objects.filter(pk=client_record.pk), by=by
    )
    return Assignment.objects.get()


def test_withdrawing_a_form_takes_the_clients_draft_with_it(coach, simple_form, client_record):
    assignment = _assigned(simple_form, client_record, coach)
    draft = assignment_response_start(assignment=assignment)
    assignment_withdraw(assignment=assignment, by=coach)
    assert not Assignment.objects.exists()
    assert not Response.objects.filter(pk=draft.pk).exists()


def test_a_form_already_sent_cannot_be_withdrawn(coach, simple_form, client_record):
    assignment = _assigned(simple_form, client_record, coach)
    response = assignment_response_start(assignment=assignment)
    response_save(response=response, answers={"goal": "Run"}, submit=True)
    with pytest.raises(ValidationError, match="already sent"):
        assignment_withdraw(assignment=assignment, by=coach)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_coach_cannot_withdraw_a_form_of_another_coachs_client(
    coach, other_coach, simple_form, client_record
):
    assignment = _assigned(simple_form, client_record, coach)
    with pytest.raises(PermissionDenied):
        assignment_withdraw(assignment=assignment, by=other_coach)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


# --- leads --------------------------------------------------------------------------------


def test_a_lead_intake_creates_a_lead_client(simple_form):
    response = lead_intake_submit(
        questionnaire=simple_form,
        contact=LeadContact(first_name="Lea", last_name="Lead", email="Lea@Example.test"),
        answers={"goal": "Get fit"},
    )
    client = response.client
    assert (client.email, client.status, client.source) == ("lea@example.test", "lead", "intake")
    assert response.status == Response.Status.SUBMITTED
    assert client.status_changes.count() == 1


def test_a_lead_intake_with_a_known_email_in_any_case_is_held_off_the_client(simple_form):
    existing = ClientFactory(
        first_name="Ana", last_name="", email="ana@example.test", phone="", status="active"
    )
    response = lead_intake_submit(
        questionnaire=simple_form,
        contact=LeadContact(
            first_name="Anastasia",
            last_name="Kova",
            email="ANA@example.TEST",
            phone="+44 7700 900123",
        ),
        answers={"goal": "Get fit"},
    )
    existing.refresh_from_db()
    assert (response.client, response.match) == (None, existing)
    assert Client.objects.count() == 1
    assert (existing.last_name, existing.phone) == ("", "")  # blanks wait for confirmation
    assert not existing.responses.exists()


def test_confirming_held_answers_fills_the_blank_last_name_and_phone(simple_form):
    from clients.services.intake_held import held_response_confirm, held_response_confirm_token

    existing = ClientFactory(
        first_name="Ana", last_name="", email="ana@example.test", phone="", status="active"
    )
    held = lead_intake_submit(
        questionnaire=simple_form,
        contact=LeadContact(
            first_name="Anastasia",
            last_name="Kova",
            email="ana@example.test",
            phone="+44 7700 900123",
        ),
        answers={"goal": "Get fit"},
    )
    response = held_response_confirm(token=held_response_confirm_token(response=held))
    existing.refresh_from_db()
    assert (response.client, response.match) == (existing, None)
    assert existing.first_name == "Ana"  # never overwritten
    assert (existing.last_name, existing.phone) == ("Kova", "+44 7700 900123")  # blanks filled
    assert existing.status == "active"  # not sent back to lead


def test_a_lead_never_blanks_or_overwrites_what_the_record_says(simple_form):
    from clients.services.intake_held import held_response_confirm, held_response_confirm_token

    client = ClientFactory(first_name="Bo", last_name="Berg", email="bo@example.test", phone="123")
    for last_name, phone in (("", ""), ("Other", "999")):
        held = lead_intake_submit(
            questionnaire=simple_form,
            contact=LeadContact(
                first_name="Bo",
                last_name=last_name,
                email="bo@example.test",
                phone=phone,
            ),
            answers={"goal": "Get fit"},
        )
        held_response_confirm(token=held_response_confirm_token(response=held))
        client.refresh_from_db()
        assert (client.last_name, client.phone) == ("Berg", "123")
