import socket

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.storage import TenantS3Storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def acme_file(business, media_root):
    with tenant_context(business):
        return default_storage.save("documents/plan.txt", ContentFile(b"squat day"))


def test_a_business_file_is_stored_under_its_own_prefix(acme_file, media_root):
    assert acme_file.startswith("b_acme/documents/")
    assert (media_root / acme_file).read_bytes() == b"squat day"


def test_staff_of_the_business_can_download_its_private_file(owner_client, acme_file):
    response = owner_client.get(f"/media/{acme_file}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"squat day"
    assert response["Cache-Control"] == "private, max-age=300"


def test_a_private_file_needs_a_login(tenant_client, acme_file):
    response = tenant_client.get(f"/media/{acme_file}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_businesses_staff_cannot_download_the_file(other_business, acme_file):
    from accounts.models import User

    with tenant_context(other_business):
        zen_owner = User.objects.get(email="owner@zen.test")
    zen = Client(HTTP_HOST="zen.localhost")
    with tenant_context(other_business):
        zen.force_login(zen_owner)
    assert zen.get(f"/media/{acme_file}").status_code == 404


def test_a_client_of_the_business_cannot_download_staff_files(business, tenant_client, acme_file):
    from accounts.tests.factories import PersonFactory

    with tenant_context(business):
        client_user = PersonFactory(email="chloe@acme.test", role="client")
        tenant_client.force_login(client_user)
    assert tenant_client.get(f"/media/{acme_file}").status_code == 404


def test_a_clients_photos_and_uploads_are_never_served_here(owner_client, business, media_root):
    """Progress photos and form uploads go through views that check who coaches the
    client; the generic staff download must not hand them to every coach."""
    with tenant_context(business):
        photo = default_storage.save("progress/front.jpg", ContentFile(b"jpeg"))
        upload = default_storage.save("intake/scan.pdf", ContentFile(b"%PDF"))
    assert owner_client.get(f"/media/{photo}").status_code == 404
    assert owner_client.get(f"/media/{upload}").status_code == 404


def test_a_persons_photo_is_never_served_by_the_generic_download(
    owner_client, business, media_root
):
    """People's photos go through /profile/photo/<id>/, which asks who may see the
    person; /media/ must not be a second door that hands them to every coach."""
    with tenant_context(business):
        avatar = default_storage.save("avatars/cleo.jpg", ContentFile(b"jpeg"))
    assert owner_client.get(f"/media/{avatar}").status_code == 404


def test_path_traversal_is_refused(owner_client, acme_file):
    assert owner_client.get("/media/b_acme/../b_zen/documents/plan.txt").status_code == 404


@pytest.fixture
def s3_endpoint():
    """A local S3 (moto's server) reached through boto3 over HTTP, as in production."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket="mecto-media")
    yield endpoint
    server.stop()


def test_on_s3_files_are_private_under_the_business_prefix_with_signed_urls(business, s3_endpoint):
    storage = TenantS3Storage(
        bucket_name="mecto-media",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        access_key="test",
        secret_key="test",
    )
    with tenant_context(business):
        name = storage.save("photos/front.jpg", ContentFile(b"\xff\xd8 not really a jpeg"))
    assert name.startswith("b_acme/photos/")
    assert storage.open(name).read() == b"\xff\xd8 not really a jpeg"
    url = storage.url(name)
    assert "Signature=" in url and "Expires=" in url  # a short-lived signed link
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    grants = s3.get_object_acl(Bucket="mecto-media", Key=name)["Grants"]
    assert not any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants)
