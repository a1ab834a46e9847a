"""Receivers: a changed password revokes every API token of its account; a
change to tokens, accounts, groups or permissions ends the tokens every worker
keeps (predictions.token_cache).

Any save that changes the stored hash counts: ``set_password`` + ``save``, the
admin's password form, ``changepassword``, a password reset, and also
``set_unusable_password`` and Django's own re-hash when a hasher's work factor
grows (which ends the account's other sessions too). ``QuerySet.update`` sends
no signal: change passwords through the model.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from knox.models import get_token_model

from predictions import token_cache
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


def accounts_changed(sender, using=None, action=None, **kwargs) -> None:
    """Once the change is committed, no worker uses a token it kept before it."""
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: its pre_ half
    alias = using or DEFAULT_DB_ALIAS
    generation = token_cache.source(alias)
    if generation is not None:
        generation.announce(alias)


User = get_user_model()
for model in (get_token_model(), User, Group, Permission):
    for signal in (post_save, post_delete):
        signal.connect(accounts_changed, sender=model, dispatch_uid="accounts")
for through in (
    User.groups.through,
    User.user_permissions.through,
    Group.permissions.through,
):
    m2m_changed.connect(accounts_changed, sender=through, dispatch_uid="accounts")
