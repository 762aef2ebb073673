from django.conf import settings
from django.db import models


class SignIn(models.Model):
    """One successful sign-in, for the account page (the security log has the same line)."""

    class Method(models.TextChoices):
        PASSWORD = "password", "Password"
        PASSWORD_TOTP = "password+totp", "Password and authenticator app"
        PASSWORD_RECOVERY = "password+recovery", "Password and recovery code"
        PASSWORD_KEY = "password+key", "Password and security key"
        SSO = "sso", "Single sign-on"
        SSO_SECOND_FACTOR = "sso+mfa", "Single sign-on and second factor"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_method_display()} from {self.address} at {self.at}"
