"""Real servers for the identity tests: an OpenID provider and an SMTP server on 127.0.0.1.

Registered for every test by `pytest_plugins` in tests/conftest.py.
"""

import base64
import copy
import json
import socket
import threading
import time

import jwt
import pytest
import requests
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server

CLIENT_ID = "riskreg-test"
FORGED_KID = "forged-in-the-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    """oidc-provider-mock (discovery, keys, tokens) behind a gate that can alter ID tokens.

    `forge` is None for the provider as it is. Set it to a function of the ID token's claims
    and the gate re-signs the token it returns with a key of its own, which it then
    publishes as the provider's key: so a claim can be made wrong under a good signature.
    `tamper` changes the claims but keeps the provider's own (now broken) signature.
    """

    def __init__(self):
        import oidc_provider_mock

        self.inner = oidc_provider_mock.app()
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.forge = None
        self.tamper = None
        self.url = ""

    def set_user(self, sub: str, **claims) -> None:
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def jwks(self) -> dict:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": FORGED_KID, "alg": "RS256", "use": "sig"}]}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.forge and path == "/jwks":
            return self.json(start_response, self.jwks())
        if (self.forge or self.tamper) and path == "/oauth2/token":
            return self.altered_token(environ, start_response)
        return self.inner(environ, start_response)

    def altered_token(self, environ, start_response):
        captured = {}

        def keep(status, headers, exc_info=None):
            captured["status"] = status

        body = json.loads(b"".join(self.inner(environ, keep)))
        token = body["id_token"]
        claims = jwt.decode(token, options={"verify_signature": False})
        if self.tamper:
            header, _, signature = token.split(".")
            payload = base64.urlsafe_b64encode(json.dumps(self.tamper(claims)).encode())
            body["id_token"] = f"{header}.{payload.decode().rstrip('=')}.{signature}"
        else:
            body["id_token"] = jwt.encode(
                self.forge(claims), self.key, algorithm="RS256", headers={"kid": FORGED_KID}
            )
        return self.json(start_response, body)

    def json(self, start_response, data: dict):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(data).encode()]


@pytest.fixture
def oidc_provider(settings):
    """A real OpenID provider on 127.0.0.1, and riskreg's single sign-on pointed at it."""
    from riskreg.settings import sso_form_origins, sso_providers

    provider = Provider()
    port = free_port()
    server = make_server("127.0.0.1", port, provider, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    provider.url = f"http://127.0.0.1:{port}"
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers(
        provider.url, CLIENT_ID, "test-secret", "Sign in with your organisation"
    )
    settings.SSO_ROLE_MAP = {"riskreg-smt": "SMT lead", "riskreg-risk": "Risk editor"}
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] += sso_form_origins(provider.url)
    settings.CONTENT_SECURITY_POLICY = policy
    yield provider
    server.shutdown()
    thread.join(5)


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def wait(self, count: int = 1, seconds: float = 5) -> list:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return [m.content.decode() for m in self.messages]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that keeps what riskreg sends it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield mailbox
    controller.stop()
