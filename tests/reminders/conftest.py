import pytest

from tests.mail import SMTPServer


@pytest.fixture
def smtp(settings):
    """riskreg's mail goes to a real SMTP server on 127.0.0.1; its handler keeps it."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.RISKREG_SITE_URL = "https://riskreg.opcc.example"
    yield server
    server.stop()
