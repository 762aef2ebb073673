"""The OpenID Connect callback, checking the ID token's signature as well.

allauth skips the signature of an ID token it fetched itself from the token endpoint
(OpenID Connect allows that over TLS); riskreg reads roles from that token, so it checks the
signature, issuer, audience and expiry of every one against the provider's published keys.
A token with no key ID is checked against the provider's one signing key, if it has one.
"""

import logging

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect import views as openid_connect
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404
from django.shortcuts import render
from requests import RequestException

from riskreg.signals import client_address

log = logging.getLogger("riskreg.security")

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]


def signing_key(jwks: dict, kid: str | None):
    keys = [k for k in jwks.get("keys", []) if k.get("use", "sig") == "sig"]
    if kid is not None:
        keys = [k for k in keys if k.get("kid") == kid]
    if len(keys) != 1:
        raise OAuth2Error(f"No single signing key for kid={kid!r}")
    return jwt.PyJWK(keys[0])


def verify_id_token(token: str, *, jwks_uri: str, issuer: str, audience: str) -> dict:
    try:
        with get_adapter().get_requests_session() as session:
            response = session.get(jwks_uri)
            response.raise_for_status()
        key = signing_key(response.json(), jwt.get_unverified_header(token).get("kid"))
        return jwt.decode(
            token,
            key=key.key,
            algorithms=[a for a in ALGORITHMS if a == (key.algorithm_name or a)],
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWTError, ValueError) as e:
        raise OAuth2Error(f"Invalid ID token: {e}") from e


class SignedIdTokenAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        return verify_id_token(
            id_token,
            jwks_uri=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
        )


@login_not_required
def callback(request, provider_id: str):
    try:
        view = OAuth2CallbackView.adapter_view(SignedIdTokenAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def login(request, provider_id: str):
    """Off to the provider; if it cannot be reached, say so instead of failing."""
    try:
        return openid_connect.login(request, provider_id)
    except RequestException as e:
        log.warning(
            "sso failed provider=%s error=unreachable detail=%s address=%s",
            provider_id,
            e,
            client_address(request),
        )
        return render(request, "socialaccount/authentication_error.html", status=502)
