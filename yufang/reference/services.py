from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from yufang.core.services import model_create, model_update

from .permissions import can_edit_reference

# Pages that show reference names cache them under these keys; a change drops them.
NAME_CACHE_KEYS = ["targets:reference-names"]


def _check(actor: AbstractBaseUser) -> None:
    allowed, reason = can_edit_reference(actor)
    if not allowed:
        raise PermissionDenied(reason)


def _drop_name_caches() -> None:
    transaction.on_commit(lambda: cache.delete_many(NAME_CACHE_KEYS))


def reference_create(*, model: type[models.Model], data: dict[str, Any], actor: AbstractBaseUser) -> models.Model:
    _check(actor)
    _drop_name_caches()
    return model_create(model=model, data=data, actor=actor)


def reference_update(*, instance: models.Model, data: dict[str, Any], actor: AbstractBaseUser) -> models.Model:
    _check(actor)
    _drop_name_caches()
    instance, _ = model_update(instance=instance, fields=list(data), data=data, actor=actor)
    return instance
