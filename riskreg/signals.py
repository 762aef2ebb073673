import logging
import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from riskreg.proxy import client_address

log = logging.getLogger("riskreg.security")


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    now = int(time.time())
    request.session["login_at"] = now
    request.session["last_seen"] = now
    log.info(
        "login succeeded user=%s address=%s", user.get_username(), client_address(request) or "-"
    )


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    log.warning(
        "login failed user=%s address=%s",
        credentials.get("username", "-"),
        client_address(request) or "-",
    )
