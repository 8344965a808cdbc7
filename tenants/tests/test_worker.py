import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from mectofitness.celery import app
from tenants.services import business_provision


@pytest.fixture
def worker(committed):
    """A real Celery worker (a thread of this process) consuming from the test Redis."""
    app.conf.task_always_eager = False
    app.control.purge()  # what another run queued and nobody consumed is not this test's
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.worker
def test_the_welcome_email_is_sent_by_the_worker_not_the_request(worker):
    mail.outbox.clear()
    business_provision(
        name="Worker Gym",
        slug="worker-gym",
        owner_email="wanda@worker.test",
        owner_password="a-strong-passphrase",
        owner_first_name="Wanda",
    )
    assert mail.outbox == []  # not sent in the provisioning call

    deadline = time.monotonic() + 15
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wanda@worker.test"]
    assert "Worker Gym" in message.subject
    assert "://worker-gym.localhost/admin/" in message.body
