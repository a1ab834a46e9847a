"""Receivers: a changed password revokes every API token of its account.

Any save that changes the stored hash counts: ``set_password`` + ``save``, the
admin's password form, ``changepassword``, a password reset, and also
``set_unusable_password`` and Django's own re-hash when a hasher's work factor
grows (which ends the account's other sessions too). ``QuerySet.update`` sends
no signal: change passwords through the model.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from predictions.tokens import tokens_revoke

CHANGED = "_drugsite_password_changed"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid=CHANGED)
def note_password_change(sender, instance, raw=False, using=None, **kwargs) -> None:
    """Remember whether this save changes the stored password hash."""
    update_fields = kwargs.get("update_fields")
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = (
        sender._default_manager.using(using)
        .filter(pk=instance.pk)
        .values_list("password", flat=True)
        .first()
    )
    setattr(instance, CHANGED, stored is not None and stored != instance.password)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid=CHANGED + "2")
def revoke_tokens_on_password_change(sender, instance, **kwargs) -> None:
    """Once the new password is saved, no token made before it works."""
    if instance.__dict__.pop(CHANGED, False):
        tokens_revoke(user=instance)
