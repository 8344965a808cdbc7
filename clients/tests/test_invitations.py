"""Inviting a client to the portal from their record (clients.services.invitations and the
client page's Portal box): invite, resend, revoke; who may; the primary coach; and what
the client was given before accepting waits for them in the portal."""

# ruff: noqa: F811  (fixtures imported from other test modules)

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Invitation
from clients.models import Assignment, CheckInPlan, Client
from clients.services.invitations import (
    client_invitation_resend,
    client_invitation_revoke,
    client_invite,
)
from programs.tests.conftest import back_squat, bench_press, simple_program  # noqa: F401

from .factories import ClientFactory, person_create
from .test_intake_support import simple_form  # noqa: F401

pytestmark = pytest.mark.django_db

# a Wednesday: nothing here may depend on the day the tests run
NOW = datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def nina(business, coach):
    """A client of ``coach`` without a portal login."""
    with tenant_context(business):
        return ClientFactory(
            first_name="Nina", last_name="Novak", email="nina@example.test", primary_coach=coach
        )


@pytest.fixture
def walk_in(business):
    """A client nobody coaches yet, without a portal login."""
    with tenant_context(business):
        return ClientFactory(first_name="Wes", last_name="Walker", email="wes@example.test")


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST from the client page's Portal box, running the on-commit work (the e-mail)."""

    def run(browser, client, do):
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(f"/admin/clients/client/{client.pk}/invitation/", {"do": do})

    return run


def token_in(message) -> str:
    return message.body.split("/invite/")[1].split("/")[0]


def page_of(browser, client) -> str:
    return browser.get(f"/admin/clients/client/{client.pk}/profile/").content.decode()


def invitations(business, email):
    with tenant_context(business):
        return list(Invitation.objects.filter(email=email).order_by("created_at", "pk"))


# --- the client page -------------------------------------------------------------------


def test_the_client_page_offers_an_invitation_to_a_client_without_a_login(owner_client, nina):
    html = page_of(owner_client, nina)
    assert 'value="invite"' in html and "Invite to the portal" in html
    assert "Resend invitation" not in html


def test_the_owner_invites_a_client_from_their_page(business, owner_client, nina, post):
    mail.outbox.clear()
    response = post(owner_client, nina, "invite")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/clients/client/{nina.pk}/profile/#portal"
    [invitation] = invitations(business, "nina@example.test")
    assert invitation.role == "client" and invitation.is_open
    assert (invitation.first_name, invitation.last_name) == ("Nina", "Novak")
    assert [m.to for m in mail.outbox] == [["nina@example.test"]]
    assert "/invite/" in mail.outbox[0].body

    html = page_of(owner_client, nina)
    assert "Invitation sent to nina@example.test." in html
    assert "Resend invitation" in html and 'value="revoke"' in html
    assert "18 Mar 2026, 12:00" in html  # when it was sent
    assert "Invite to the portal" not in html


def test_a_coach_invites_their_own_client(business, coach_browser, coach, nina, post):
    assert post(coach_browser, nina, "invite").status_code == 302
    [invitation] = invitations(business, "nina@example.test")
    assert invitation.invited_by == coach


def test_a_coach_cannot_invite_another_coachs_client(business, other_coach_browser, nina, post):
    assert post(other_coach_browser, nina, "invite").status_code == 404
    assert invitations(business, "nina@example.test") == []


def test_a_client_cannot_invite_anyone(business, client_browser, nina, post):
    response = post(client_browser, nina, "invite")  # the back office's door: staff only
    assert response.status_code == 403
    assert "This area is for staff" in response.content.decode()
    assert invitations(business, "nina@example.test") == []


def test_another_businesss_session_cannot_invite_here(business, zen_client_browser, nina, post):
    response = post(zen_client_browser, nina, "invite")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert invitations(business, "nina@example.test") == []


def test_a_get_goes_back_to_the_client_page_and_changes_nothing(business, owner_client, nina):
    response = owner_client.get(f"/admin/clients/client/{nina.pk}/invitation/?do=invite")
    assert response.status_code == 302 and response["Location"].endswith("/profile/#portal")
    assert invitations(business, "nina@example.test") == []


def test_an_unknown_action_is_refused_with_a_message(business, owner_client, nina, post):
    post(owner_client, nina, "explode")
    assert "Choose invite, resend or revoke." in page_of(owner_client, nina)
    assert invitations(business, "nina@example.test") == []


def test_an_archived_client_is_not_invited(business, owner_client, nina, post):
    with tenant_context(business):
        Client.objects.filter(pk=nina.pk).update(status=Client.Status.ARCHIVED)
    html = page_of(owner_client, nina)
    assert "Restore this client to invite them." in html and 'value="invite"' not in html
    post(owner_client, nina, "invite")
    assert "This client is archived" in page_of(owner_client, nina)
    assert invitations(business, "nina@example.test") == []


def test_an_address_that_already_signs_in_here_is_not_invited(
    business, owner_client, nina, coach, post
):
    with tenant_context(business):
        Client.objects.filter(pk=nina.pk).update(email="COACH@acme.test")
    mail.outbox.clear()
    post(owner_client, nina, "invite")
    html = page_of(owner_client, nina)
    assert "Someone here already signs in with COACH@acme.test" in html
    assert invitations(business, "coach@acme.test") == [] and mail.outbox == []


def test_a_client_without_an_address_is_asked_for_one(business, owner_client, nina, post):
    with tenant_context(business):
        Client.objects.filter(pk=nina.pk).update(email="")
    html = page_of(owner_client, nina)
    assert "Add their e-mail address under Details" in html and 'value="invite"' not in html
    post(owner_client, nina, "invite")
    assert "Add the client&#x27;s e-mail address first" in page_of(owner_client, nina)


def test_a_client_with_a_login_shows_it_and_is_not_invited(
    business, owner_client, client_record, post
):
    html = page_of(owner_client, client_record)
    assert "Has a portal login" in html and 'value="invite"' not in html
    post(owner_client, client_record, "invite")
    assert "This client already has a portal login." in page_of(owner_client, client_record)
    assert invitations(business, client_record.email) == []


def test_inviting_twice_says_to_resend_instead(business, owner_client, nina, post):
    post(owner_client, nina, "invite")
    post(owner_client, nina, "invite")
    assert "Resend that invitation instead." in page_of(owner_client, nina)
    assert len(invitations(business, "nina@example.test")) == 1


def test_resending_sends_a_new_link_and_the_old_one_stops_working(
    business, owner_client, tenant_client, nina, post, monkeypatch
):
    post(owner_client, nina, "invite")
    old = token_in(mail.outbox[-1])
    later = NOW + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    mail.outbox.clear()
    assert post(owner_client, nina, "resend").status_code == 302
    assert [m.to for m in mail.outbox] == [["nina@example.test"]]
    new = token_in(mail.outbox[-1])
    assert new != old
    [invitation] = invitations(business, "nina@example.test")
    assert invitation.sent_at == later
    assert "20 Mar 2026, 12:00" in page_of(owner_client, nina)
    assert tenant_client.get(f"/invite/{old}/").status_code == 410
    assert tenant_client.get(f"/invite/{new}/").status_code == 200


def test_an_expired_invitation_can_be_resent(business, owner_client, nina, post, monkeypatch):
    post(owner_client, nina, "invite")
    monkeypatch.setattr(timezone, "now", lambda: NOW + datetime.timedelta(days=10))
    html = page_of(owner_client, nina)
    assert "Invitation expired" in html and "Resend invitation" in html
    post(owner_client, nina, "resend")
    [invitation] = invitations(business, "nina@example.test")
    assert invitation.is_open


def test_revoking_withdraws_the_link_to_the_branded_invalid_page(
    business, owner_client, tenant_client, nina, post
):
    post(owner_client, nina, "invite")
    token = token_in(mail.outbox[-1])
    assert post(owner_client, nina, "revoke").status_code == 302
    [invitation] = invitations(business, "nina@example.test")
    assert invitation.revoked_at == NOW
    html = page_of(owner_client, nina)
    assert "Invitation withdrawn" in html and "was withdrawn on 18 Mar 2026" in html
    assert 'value="invite"' in html  # may be invited again

    page = tenant_client.get(f"/invite/{token}/")
    assert page.status_code == 410
    text = page.content.decode()
    assert "This invitation was withdrawn. Ask for a new one." in text
    assert business.name in text
    accepted = tenant_client.post(
        f"/invite/{token}/", {"first_name": "Nina", "password": "lifting-is-fun-42"}
    )
    assert accepted.status_code == 410


def test_a_coach_cannot_resend_or_revoke_another_coachs_client(
    business, owner_client, other_coach_browser, nina, post
):
    post(owner_client, nina, "invite")
    assert post(other_coach_browser, nina, "resend").status_code == 404
    assert post(other_coach_browser, nina, "revoke").status_code == 404
    [invitation] = invitations(business, "nina@example.test")
    assert invitation.is_open and invitation.sent_at == NOW


def test_resend_or_revoke_without_an_invitation_says_so(business, owner_client, nina, post):
    post(owner_client, nina, "revoke")
    assert "There is no open invitation for this client." in page_of(owner_client, nina)


def test_a_new_address_withdraws_the_invitation_on_its_way(
    business, owner, owner_client, tenant_client, nina, post
):
    from clients.services.records import client_record_save, client_update

    post(owner_client, nina, "invite")
    token = token_in(mail.outbox[-1])
    with tenant_context(business):
        client_update(client=nina, by=owner, phone="07700 900123")
        assert Invitation.objects.get(email="nina@example.test").is_open  # same address
        client_update(client=nina, by=owner, email="nina.novak@example.test")
        assert Invitation.objects.get(email="nina@example.test").revoked_at == NOW
    assert tenant_client.get(f"/invite/{token}/").status_code == 410
    html = page_of(owner_client, nina)
    assert 'value="invite"' in html and "nina.novak@example.test" in html

    post(owner_client, nina, "invite")  # the back office's form saves through this one
    with tenant_context(business):
        record = Client.objects.get(pk=nina.pk)
        record.email = "nina@example.test"
        client_record_save(client=record, by=owner)
        assert Invitation.objects.get(email="nina.novak@example.test").revoked_at == NOW


def test_archiving_a_client_withdraws_the_invitation_on_its_way(
    business, owner, owner_client, tenant_client, nina, post
):
    from clients.services.records import client_status_set

    post(owner_client, nina, "invite")
    token = token_in(mail.outbox[-1])
    with tenant_context(business):
        client_status_set(client=nina, status=Client.Status.ARCHIVED, by=owner)
        assert Invitation.objects.get(email="nina@example.test").revoked_at == NOW
    page = tenant_client.get(f"/invite/{token}/")
    assert page.status_code == 410 and "withdrawn" in page.content.decode()


# --- the services ----------------------------------------------------------------------


def test_the_services_refuse_someone_who_cannot_see_the_client(
    business, other_coach, client_user, nina
):
    with tenant_context(business):
        for service in (client_invite, client_invitation_resend, client_invitation_revoke):
            with pytest.raises(PermissionDenied):
                service(client=nina, by=other_coach)
            with pytest.raises(PermissionDenied):
                service(client=nina, by=client_user)


def test_resending_to_an_archived_client_is_refused(business, owner, nina):
    with tenant_context(business):
        client_invite(client=nina, by=owner)
        Client.objects.filter(pk=nina.pk).update(status=Client.Status.ARCHIVED)
        with pytest.raises(ValidationError, match="archived"):
            client_invitation_resend(client=nina, by=owner)
        client_invitation_revoke(client=nina, by=owner)  # withdrawing still works
        assert Invitation.objects.get(email="nina@example.test").revoked_at == NOW


# --- the primary coach -----------------------------------------------------------------


def test_whoever_invites_a_client_without_a_coach_becomes_their_coach(
    business, owner, owner_client, walk_in, post
):
    post(owner_client, walk_in, "invite")
    with tenant_context(business):
        assert Client.objects.get(pk=walk_in.pk).primary_coach == owner


def test_a_coach_sharing_a_client_without_a_primary_coach_becomes_it(
    business, coach, walk_in, post, coach_browser
):
    with tenant_context(business):
        walk_in.coaches.add(coach)
    post(coach_browser, walk_in, "invite")
    with tenant_context(business):
        assert Client.objects.get(pk=walk_in.pk).primary_coach == coach


def test_inviting_keeps_the_primary_coach_already_set(business, coach, owner_client, nina, post):
    post(owner_client, nina, "invite")
    with tenant_context(business):
        assert Client.objects.get(pk=nina.pk).primary_coach == coach


def test_a_refused_invitation_leaves_the_coach_unset(business, owner_client, walk_in, post):
    with tenant_context(business):
        person_create(email="wes@example.test", role="client")
    post(owner_client, walk_in, "invite")
    with tenant_context(business):
        assert Client.objects.get(pk=walk_in.pk).primary_coach is None


def test_accepting_an_invitation_from_the_invitations_list_sets_the_coach_when_empty(
    business, owner, tenant_client, walk_in, django_capture_on_commit_callbacks
):
    """Invited from the back office's invitation list (not the client page): the
    record is linked on acceptance, and the inviter becomes its coach then."""
    from accounts.services import invitation_create

    with tenant_context(business), django_capture_on_commit_callbacks(execute=True):
        invitation_create(email="wes@example.test", role="client", invited_by=owner)
    token = token_in(mail.outbox[-1])
    tenant_client.post(f"/invite/{token}/", {"first_name": "Wes", "password": "lifting-is-42!"})
    with tenant_context(business):
        record = Client.objects.get(pk=walk_in.pk)
        assert record.user.email == "wes@example.test" and record.primary_coach == owner


# --- given before accepting, found on accepting ---------------------------------------

START = NOW.date() - datetime.timedelta(days=2)


def _give_by_service(browser, business, owner, client, program, form):
    from clients.services.intake_assignments import assignments_create
    from programs.services.assignment import assignment_create

    with tenant_context(business):
        assignment_create(
            program=program, clients=[client], start_date=START, weekdays=range(7), by=owner
        )
        assignments_create(
            questionnaire=form, clients=Client.objects.filter(pk=client.pk), by=owner
        )


def _give_in_the_back_office(browser, business, owner, client, program, form):
    assigned = browser.post(
        "/admin/programs/programassignment/assign/",
        {
            "program": program.pk,
            "clients": [client.pk],
            "start_date": START.isoformat(),
            "weekdays": list(range(7)),
            "is_main": "on",
        },
    )
    assert assigned.status_code == 302, assigned.content.decode()[:2000]
    sent = browser.post(f"/admin/clients/questionnaire/{form.pk}/send/", {"clients": [client.pk]})
    assert sent.status_code == 302


def _give_through_the_api(browser, business, owner, client, program, form):
    assigned = browser.post(
        f"/api/v1/programs/{program.pk}/assign/",
        {"clients": [client.pk], "start_date": START.isoformat(), "weekdays": list(range(7))},
        content_type="application/json",
    )
    assert assigned.status_code == 201, assigned.content
    sent = browser.post(
        "/api/v1/assignments/",
        {"questionnaire": form.pk, "clients": [client.pk]},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json() == {"assigned": 1}


@pytest.mark.parametrize(
    "give", [_give_by_service, _give_in_the_back_office, _give_through_the_api]
)
def test_what_a_client_is_given_before_accepting_is_in_their_portal_at_once(
    give,
    business,
    owner,
    coach_browser,
    coach,
    tenant_client,
    nina,
    simple_program,
    simple_form,
    post,
):
    from clients.services.intake_questionnaires import questionnaire_from_starter

    with tenant_context(business):
        checkin = questionnaire_from_starter(by=owner, starter="weekly_checkin")
        CheckInPlan.objects.create(
            questionnaire=checkin, period_days=7, starts_on=START, is_active=True
        )
    # the coach gives Nina (active, no login yet) a program and a form...
    give(coach_browser, business, coach, nina, simple_program, simple_form)
    with tenant_context(business):
        assert Assignment.objects.filter(client=nina).count() == 1
        assert nina.program_assignments.count() == 1
    # ...invites her from her page; she accepts on her phone
    post(coach_browser, nina, "invite")
    token = token_in(mail.outbox[-1])
    accepted = tenant_client.post(
        f"/invite/{token}/", {"first_name": "Nina", "password": "lifting-is-fun-42"}
    )
    assert accepted.status_code == 302

    assert "Squat day" in tenant_client.get("/calendar/").content.decode()
    assert "Quick intake" in tenant_client.get("/forms/").content.decode()
    assert "Your weekly check-in is due" in tenant_client.get("/check-ins/").content.decode()
    with tenant_context(business):
        record = Client.objects.get(pk=nina.pk)
        assert record.user.email == "nina@example.test"
        assert record.status == Client.Status.ACTIVE  # not sent back to onboarding
    assert "Has a portal login" in page_of(coach_browser, nina)
