"""`make run`'s web push: a VAPID pair made once in the data directory and kept, given
to web and worker; the push stand-in takes what the site pushes with it, signed and
encrypted, and shows it. No database: the runner's own pieces."""

import json
import urllib.request

from pywebpush import webpush

from devtools.push_standin.server import PushStandIn
from mectofitness import dev


def test_the_runner_makes_a_vapid_pair_once_and_gives_it_to_the_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(dev, "DATA", tmp_path)
    monkeypatch.delenv("VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("VAPID_PUBLIC_KEY", raising=False)

    [spec] = dev._push_standin_spec()
    private, public = dev.vapid_keys()
    assert (dev.os.environ["VAPID_PRIVATE_KEY"], dev.os.environ["VAPID_PUBLIC_KEY"]) == (
        private,
        public,
    )
    assert spec[2] == "devtools.push_standin" and f"--vapid-public-key={public}" in spec
    assert len(public) == 87 and len(private) == 43  # base64url of 65 and 32 bytes
    assert oct((tmp_path / "vapid.json").stat().st_mode & 0o777) == "0o600"

    # the next run keeps the pair: browsers subscribed with it go on taking pushes
    monkeypatch.delenv("VAPID_PRIVATE_KEY")
    monkeypatch.delenv("VAPID_PUBLIC_KEY")
    dev._push_standin_spec()
    assert dev.os.environ["VAPID_PUBLIC_KEY"] == public


def test_keys_in_the_environment_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(dev, "DATA", tmp_path)
    monkeypatch.setenv("VAPID_PRIVATE_KEY", "mine")
    monkeypatch.setenv("VAPID_PUBLIC_KEY", "minetoo")
    [spec] = dev._push_standin_spec()
    assert "--vapid-public-key=minetoo" in spec
    assert not (tmp_path / "vapid.json").exists()


def test_a_push_signed_with_the_dev_pair_reaches_the_standin_and_is_listed(tmp_path):
    private, public = dev.vapid_keys(tmp_path)
    with PushStandIn(vapid_public_key=public) as standin:
        request = urllib.request.Request(
            f"{standin.url}/subscriptions",
            data=json.dumps({"label": "client@demo.mectofitness.dev"}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 201
            subscription = json.load(response)
        webpush(
            subscription_info=subscription,
            data=json.dumps({"title": "Carlos wrote", "url": "/messages/1/"}),
            vapid_private_key=private,
            vapid_claims={"sub": "mailto:support@mectofitness.test"},
            ttl=60,
        )
        with urllib.request.urlopen(f"{standin.url}/", timeout=5) as response:
            listed = json.load(response)
    assert listed == [
        {
            "to": "client@demo.mectofitness.dev",
            "payload": {"title": "Carlos wrote", "url": "/messages/1/"},
        }
    ]
    assert standin.rejected == []
