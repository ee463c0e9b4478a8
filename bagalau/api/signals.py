"""A new password revokes every API token of its user."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import ApiToken


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api_revoke_on_password")
def revoke_tokens_on_password_change(
    sender: Any, instance: Any, created: bool, **kwargs: Any
) -> None:
    """`set_password()` leaves the clear password in `_password` until the save completes.

    Every path that changes a password goes through it: the reset link, the admin's
    "change password" form, `changepassword`, the password change form. A hash upgrade on
    login clears `_password` first, so it does not revoke anything.
    """
    if created or getattr(instance, "_password", None) is None:
        return
    ApiToken.objects.filter(user=instance, revoked=False).update(revoked=True)
