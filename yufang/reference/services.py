from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from yufang.core.services import model_create, model_update

from .permissions import can_edit_reference


def _check(actor) -> None:
    allowed, reason = can_edit_reference(actor)
    if not allowed:
        raise PermissionDenied(reason)


def reference_create(*, model: type[models.Model], data: dict[str, Any], actor) -> models.Model:
    _check(actor)
    return model_create(model=model, data=data, actor=actor)


def reference_update(*, instance: models.Model, data: dict[str, Any], actor) -> models.Model:
    _check(actor)
    instance, _ = model_update(instance=instance, fields=list(data), data=data, actor=actor)
    return instance
