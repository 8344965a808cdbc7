"""Web push: the real pywebpush against the push-service stand-in, once per notification."""

import datetime as dt

import pytest

from devtools.push_standin.server import PushStandIn
from notifications.models import Channel, Delivery, Kind, PushSubscription
from notifications.push import notification_push, notification_push_send, vapid_keys_generate
from notifications.services import notify, quiet_hours_save
from notifications.tasks import notification_push_task

from .conftest import NOW, VAPID_PUBLIC, browser_subscribe

pytestmark = pytest.mark.django_db


def _notify(user, key="n1"):
    return notify(
        user=user,
        kind=Kind.MESSAGE,
        title="Kai wrote",
        body="How was the run?",
        url="/messages/1/",
        key=key,
        now=NOW,
    )


def test_a_push_reaches_the_browser_encrypted_and_signed(push_service, cleo_user):
    subscription = browser_subscribe(push_service, cleo_user)
    notification = _notify(cleo_user)

    assert notification_push(notification=notification, now=NOW) is None

    [push] = push_service.pushes_to(subscription.endpoint)
    assert push.json == {
        "title": "Kai wrote",
        "body": "How was the run?",
        "url": "/messages/1/",
        "tag": f"notification-{notification.pk}",
    }
    assert push.headers["content-encoding"] == "aes128gcm"
    assert int(push.headers["ttl"]) > 0
    assert push.claims["aud"] == push_service.url
    delivery = Delivery.objects.get(notification=notification, channel=Channel.PUSH)
    assert delivery.status == Delivery.Status.SENT
    subscription.refresh_from_db()
    assert subscription.last_sent_at == NOW


def test_a_push_is_sent_once_when_the_task_runs_twice(push_service, cleo_user):
    subscription = browser_subscribe(push_service, cleo_user)
    notification = _notify(cleo_user)

    notification_push_task(notification_id=notification.pk)
    notification_push_task(notification_id=notification.pk)

    assert len(push_service.pushes_to(subscription.endpoint)) == 1
    assert Delivery.objects.filter(notification=notification).count() == 1


def test_a_gone_subscription_is_removed_and_the_others_still_get_it(push_service, cleo_user):
    gone = browser_subscribe(push_service, cleo_user)
    kept = browser_subscribe(push_service, cleo_user)
    push_service.gone(gone.endpoint)

    notification_push_send(notification=_notify(cleo_user), now=NOW)

    assert not PushSubscription.objects.filter(pk=gone.pk).exists()
    assert PushSubscription.objects.filter(pk=kept.pk).exists()
    assert len(push_service.pushes_to(kept.endpoint)) == 1


def test_a_410_for_the_only_browser_marks_the_push_failed(push_service, cleo_user):
    gone = browser_subscribe(push_service, cleo_user)
    push_service.gone(gone.endpoint)

    delivery = notification_push_send(notification=_notify(cleo_user), now=NOW)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert not PushSubscription.objects.filter(user=cleo_user).exists()


def test_nobody_subscribed_skips_the_push(push_service, cleo_user):
    delivery = notification_push_send(notification=_notify(cleo_user), now=NOW)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SKIPPED


def test_push_waits_for_the_end_of_quiet_hours(push_service, cleo_user):
    cleo_user.timezone = "Europe/London"  # 10:00 there at NOW (BST)
    cleo_user.save()
    quiet_hours_save(user=cleo_user, quiet_from=dt.time(8), quiet_until=dt.time(12, 30))
    browser_subscribe(push_service, cleo_user)
    notification = _notify(cleo_user)

    wait_until = notification_push(notification=notification, now=NOW)

    assert wait_until == dt.datetime(2026, 6, 1, 11, 30, tzinfo=dt.UTC)
    assert push_service.received == []
    assert notification_push(notification=notification, now=wait_until) is None
    assert len(push_service.received) == 1


def test_the_task_comes_back_after_quiet_hours_and_pushes_then(push_service, cleo_user, frozen):
    quiet_hours_save(user=cleo_user, quiet_from=dt.time(22), quiet_until=dt.time(9, 30))
    browser_subscribe(push_service, cleo_user)  # cleo lives by acme's clock (UTC)
    notification = _notify(cleo_user)

    # eager in tests: the task queued for 09:30 runs at once, counting from 09:30
    notification_push_task(notification_id=notification.pk)

    assert len(push_service.received) == 1
    delivery = Delivery.objects.get(notification=notification)
    assert delivery.claimed_at == dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)


def test_a_push_turned_off_is_not_sent(push_service, cleo_user):
    from notifications.services import preferences_save

    preferences_save(user=cleo_user, choices={Kind.MESSAGE: {Channel.PUSH: False}})
    browser_subscribe(push_service, cleo_user)

    notification_push_task(notification_id=_notify(cleo_user).pk)

    assert push_service.received == []
    assert not Delivery.objects.exists()


def test_a_notification_read_before_quiet_hours_end_is_not_pushed(push_service, cleo_user):
    from notifications.services import notification_read

    browser_subscribe(push_service, cleo_user)
    notification = _notify(cleo_user)
    notification_read(notification=notification, user=cleo_user, now=NOW)
    notification.refresh_from_db()

    assert notification_push(notification=notification, now=NOW) is None
    assert push_service.received == []


# --- the stand-in refuses what a push service refuses ----------------------------------


def _post(standin, endpoint, **headers):
    import requests

    return requests.post(endpoint, data=b"x" * 40, headers=headers, timeout=5)


def test_the_standin_refuses_a_push_without_aes128gcm():
    with PushStandIn() as standin:
        endpoint = standin.subscription_new()["endpoint"]
        response = _post(standin, endpoint, TTL="60", Authorization="vapid t=a.b.c, k=x")
    assert response.status_code == 400
    assert "aes128gcm" in response.text


def test_the_standin_refuses_a_push_without_ttl():
    with PushStandIn() as standin:
        endpoint = standin.subscription_new()["endpoint"]
        response = _post(standin, endpoint, **{"Content-Encoding": "aes128gcm"})
    assert response.status_code == 400
    assert "TTL" in response.text


def test_the_standin_refuses_a_push_without_vapid():
    with PushStandIn() as standin:
        endpoint = standin.subscription_new()["endpoint"]
        response = _post(standin, endpoint, TTL="60", **{"Content-Encoding": "aes128gcm"})
    assert response.status_code == 401


def test_the_standin_refuses_a_push_signed_with_another_key(settings, cleo_user):
    other_private, _other_public = vapid_keys_generate()
    settings.VAPID_PRIVATE_KEY = other_private  # the wrong half of the pair
    settings.VAPID_PUBLIC_KEY = VAPID_PUBLIC
    with PushStandIn(vapid_public_key=VAPID_PUBLIC) as standin:
        browser_subscribe(standin, cleo_user)
        delivery = notification_push_send(notification=_notify(cleo_user), now=NOW)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert standin.received == []
    assert "another VAPID key" in standin.rejected[0][1]


def test_the_standin_refuses_a_jwt_whose_signature_does_not_verify():
    from py_vapid import Vapid02

    signer = Vapid02.from_string(vapid_keys_generate()[0])
    with PushStandIn() as standin:
        endpoint = standin.subscription_new()["endpoint"]
        headers = signer.sign({"aud": standin.url, "sub": "mailto:a@b.test", "exp": 2**31 - 1})
        token = headers["Authorization"].split("t=")[1].split(",")[0]
        forged = f"vapid t={token[:-4]}AAAA, k={VAPID_PUBLIC}"
        response = _post(
            standin, endpoint, TTL="60", Authorization=forged, **{"Content-Encoding": "aes128gcm"}
        )
    assert response.status_code == 401


def test_the_standin_refuses_a_jwt_for_another_audience():
    from py_vapid import Vapid02

    private, public = vapid_keys_generate()
    signer = Vapid02.from_string(private)
    with PushStandIn() as standin:
        endpoint = standin.subscription_new()["endpoint"]
        import time

        headers = signer.sign(
            {
                "aud": "https://elsewhere.test",
                "sub": "mailto:a@b.test",
                "exp": int(time.time()) + 600,
            }
        )
        response = _post(
            standin,
            endpoint,
            TTL="60",
            **{"Content-Encoding": "aes128gcm"},
            Authorization=headers["Authorization"],
        )
    assert response.status_code == 403
    assert "aud" in response.text
