"""A local stand-in for a browser's push service (Mozilla's autopush, Google's FCM web
push), for tests and the dev runner.

Push services cannot be reached from here, so ``notifications.push`` sends to this
server through its real client (pywebpush). ``subscription_new()`` plays a browser
subscribing: it makes a key pair and an auth secret and gives the subscription
(``endpoint``, ``keys.p256dh``, ``keys.auth``) the Push API would. A push to an
endpoint is checked as a push service and the browser check it:

- ``POST /push/<id>`` only; an unknown or forgotten id answers 404 / 410 (``gone()``).
- ``Content-Encoding: aes128gcm`` (RFC 8188) and a ``TTL`` header of whole seconds;
- ``Authorization: vapid t=<JWT>, k=<public key>`` (RFC 8292): the JWT is ES256, its
  signature verifies with ``k``; ``k`` is the server's VAPID key when the stand-in was
  told it (``vapid_public_key``); the ``aud`` claim is the endpoint's origin, ``exp``
  is in the future and at most 24 hours away, ``sub`` is a ``mailto:`` or ``https:``
  contact;
- the body decrypts with the subscription's private key and auth secret.

It answers 400/401/403 with the reason otherwise, 201 when it takes the message.
``received`` holds every accepted push (endpoint id, headers, JWT claims, the
decrypted payload), ``rejected`` every refused one with its reason.

For the dev runner, over HTTP: ``POST /subscriptions`` (body ``{"label": "who"}``) plays
a browser subscribing and answers the subscription as JSON; ``GET /`` lists the pushes
taken, newest first, decrypted, with the label of the browser each went to.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from devtools.standin_http import LocalServer, StandInHandler

MAX_EXP_SECONDS = 24 * 60 * 60


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64u_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Push:
    endpoint_id: str
    headers: dict
    claims: dict
    payload: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.payload)


@dataclass
class _Browser:
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes


@dataclass
class PushStandIn:
    host: str = "127.0.0.1"
    port: int = 0
    url: str = ""
    vapid_public_key: str = ""  # when set, pushes signed with another key are refused
    received: list[Push] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (endpoint id, reason)
    _browsers: dict = field(default_factory=dict)
    _labels: dict = field(default_factory=dict)  # endpoint id -> who subscribed (dev)
    _gone: set = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- life cycle -----------------------------------------------------------------

    def start(self) -> PushStandIn:
        standin = self

        class Handler(StandInHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                content_type = "application/json"
                if self.command == "GET" and self.path.rstrip("/") == "":
                    status, reason = 200, json.dumps(standin.pushes_listed(), indent=2)
                elif self.command == "POST" and self.path.rstrip("/") == "/subscriptions":
                    status, reason = standin.subscribe_over_http(raw)
                else:
                    content_type = "text/plain"
                    status, reason = standin.dispatch(
                        self.command, self.path, dict(self.headers), raw
                    )
                data = reason.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                if status == 201:
                    self.send_header("Location", f"{standin.url}/message/{secrets.token_hex(8)}")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self._http = LocalServer(self.host, self.port, Handler)
        self.port = self._http.port
        self.url = f"http://{self.host}:{self.port}"
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> PushStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- browsers -----------------------------------------------------------------------

    def subscription_new(self, label: str = "") -> dict:
        """What ``PushManager.subscribe()`` gives a page: an endpoint here and the
        browser's public key and auth secret (base64url). ``label``: whose browser, for
        what the stand-in prints."""
        key = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        endpoint_id = secrets.token_urlsafe(12)
        with self._lock:
            self._browsers[endpoint_id] = _Browser(key, auth)
            self._labels[endpoint_id] = label
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.url}/push/{endpoint_id}",
            "keys": {"p256dh": b64u_encode(public), "auth": b64u_encode(auth)},
        }

    def gone(self, endpoint: str) -> None:
        """The browser unsubscribed (or the push service expired it): 410 from now on."""
        with self._lock:
            self._gone.add(endpoint.rsplit("/", 1)[-1])

    def label_of(self, endpoint_id: str) -> str:
        return self._labels.get(endpoint_id) or endpoint_id

    def subscribe_over_http(self, raw: bytes) -> tuple[int, str]:
        """``POST /subscriptions``: a new browser, labelled with the body's ``label``."""
        try:
            label = str((json.loads(raw or b"{}") or {}).get("label", ""))[:200]
        except (ValueError, AttributeError):
            return 400, json.dumps({"error": "The body must be a JSON object"})
        return 201, json.dumps(self.subscription_new(label))

    def pushes_listed(self) -> list[dict]:
        """``GET /``: every push taken, newest first, as the browser decrypted it."""
        with self._lock:
            received = list(self.received)
        listed = []
        for push in reversed(received):
            try:
                payload = push.json
            except ValueError:
                payload = push.payload.decode(errors="replace")
            listed.append({"to": self.label_of(push.endpoint_id), "payload": payload})
        return listed

    def pushes_to(self, endpoint: str) -> list[Push]:
        endpoint_id = endpoint.rsplit("/", 1)[-1]
        return [push for push in self.received if push.endpoint_id == endpoint_id]

    # --- checking a push ------------------------------------------------------------------

    def dispatch(self, method: str, path: str, headers: dict, raw: bytes) -> tuple[int, str]:
        headers = {k.lower(): v for k, v in headers.items()}
        endpoint_id = path.rstrip("/").removeprefix("/push/")
        if method != "POST" or not path.startswith("/push/"):
            return 404, "Not found"
        with self._lock:
            if endpoint_id in self._gone:
                return 410, "Subscription expired"
            browser = self._browsers.get(endpoint_id)
        if browser is None:
            return 404, "Subscription not found"
        status, reason, claims = self._check(headers, raw)
        if status != 201:
            with self._lock:
                self.rejected.append((endpoint_id, reason))
            return status, reason
        try:
            payload = http_ece.decrypt(
                raw,
                private_key=browser.private_key,
                auth_secret=browser.auth,
                version="aes128gcm",
            )
        except Exception as exc:  # noqa: BLE001 (whatever the decryption refuses)
            with self._lock:
                self.rejected.append((endpoint_id, f"cannot decrypt: {exc}"))
            return 400, "Cannot decrypt the message"
        with self._lock:
            self.received.append(Push(endpoint_id, headers, claims, payload))
        return 201, ""

    def _check(self, headers: dict, raw: bytes) -> tuple[int, str, dict]:
        if headers.get("content-encoding") != "aes128gcm":
            return 400, "Content-Encoding must be aes128gcm", {}
        ttl = headers.get("ttl", "")
        if not ttl.isdigit():
            return 400, "A TTL header of whole seconds is required", {}
        if not raw:
            return 400, "An encrypted body is required", {}
        auth = headers.get("authorization", "")
        if not auth.startswith("vapid "):
            return 401, "Authorization must be vapid t=<JWT>, k=<key>", {}
        parts = dict(
            part.strip().split("=", 1) for part in auth[6:].split(",") if "=" in part.strip()
        )
        token, key = parts.get("t", ""), parts.get("k", "")
        if not token or not key:
            return 401, "Authorization must be vapid t=<JWT>, k=<key>", {}
        if self.vapid_public_key and key != self.vapid_public_key:
            return 403, "Signed with another VAPID key", {}
        try:
            claims = jwt_es256_verify(token, key)
        except ValueError as exc:
            return 401, str(exc), {}
        origin = self.url
        if claims.get("aud") != origin:
            return 403, f"aud must be {origin}", claims
        exp = claims.get("exp")
        now = time.time()
        if not isinstance(exp, int) or exp <= now or exp > now + MAX_EXP_SECONDS:
            return 403, "exp must be in the next 24 hours", claims
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            return 403, "sub must be a mailto: or https: contact", claims
        return 201, "", claims


def jwt_es256_verify(token: str, public_key: str) -> dict:
    """The claims of an ES256 JWT whose signature verifies with ``public_key`` (an
    uncompressed P-256 point, base64url); ValueError with the reason otherwise."""
    try:
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(b64u_decode(header_b64))
        claims = json.loads(b64u_decode(claims_b64))
        signature = b64u_decode(signature_b64)
        point = b64u_decode(public_key)
    except ValueError as exc:
        raise ValueError("The JWT is malformed") from exc
    if header.get("alg") != "ES256":
        raise ValueError("The JWT must be signed with ES256")
    if len(signature) != 64:
        raise ValueError("The JWT's signature must be 64 bytes (r || s)")
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as exc:
        raise ValueError("k is not a P-256 public key") from exc
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise ValueError("The JWT's signature does not verify with k") from exc
    if not isinstance(claims, dict):
        raise ValueError("The JWT's claims must be an object")
    return claims
