from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .files import RandomName
from .labels import model_label
from .registry import contributions


class BaseModel(models.Model):
    """Every domain record carries when it was made and last changed."""

    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    # Stored values never change: audits years from now must still read them.
    CREATE = "create", "创建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TRANSITION = "transition", "状态变更"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    TOKEN_CREATE = "token_create", "创建 API 令牌"
    TOKEN_REVOKE = "token_revoke", "吊销 API 令牌"
    EXPORT = "export", "导出"


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计记录只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计记录只能追加，不能删除。")

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def readable(self):
        """When iterated, renders every entry's changes at once (related names fetched once per
        model, not per entry): see audit.readable_changes."""
        clone = self._chain()
        clone._readable = True
        return clone

    def _clone(self):
        # Kept through filtering and slicing: a paginated page is a slice of the list's queryset.
        clone = super()._clone()
        clone._readable = getattr(self, "_readable", False)
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and getattr(self, "_readable", False) and self._result_cache:
            _render_readable([e for e in self._result_cache if isinstance(e, AuditLog)])


READABLE_CHANGES = "core.audit_readable_changes"


def _render_readable(entries: list) -> None:
    """Renders entries' changes as people read them. The renderer (audit.readable_changes) is
    contributed by CoreConfig.ready, so the model does not import the module that writes it."""
    for render in contributions(READABLE_CHANGES):
        render(entries)


class AuditLog(models.Model):
    """Append-only trail of every change made through a service. Database triggers forbid
    UPDATE (both databases) and DELETE (PostgreSQL) as well, so no code path can rewrite it."""

    occurred_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_repr = models.CharField("操作人（记录时）", max_length=200, blank=True)
    action = models.CharField("动作", max_length=32, choices=AuditAction.choices)
    event = models.CharField("事件", max_length=64, blank=True)
    content_type = models.ForeignKey(ContentType, verbose_name="记录类型", on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField("记录编号", max_length=64)
    object_repr = models.CharField("记录", max_length=300)
    changes = models.JSONField("变更", default=dict, blank=True)
    extra = models.JSONField("附加信息", default=dict, blank=True)
    client_ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_repr} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录只能追加，不能删除。")

    @property
    def record_type(self) -> str:
        model = self.content_type.model_class()
        return model_label(model) if model else "已删除的记录类型"

    @property
    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field name, old, new) as people read them: see audit.readable_changes, which
        history() runs once for a whole page of entries."""
        if not hasattr(self, "readable_rows"):
            _render_readable([self])
        return self.readable_rows

    @property
    def hidden_changes(self) -> int:
        """Technical fields (counters, internal state) that changed besides, as a count."""
        self.change_rows  # noqa: B018 - computes hidden_count
        return self.hidden_count

    @property
    def changes_text(self) -> str:
        """The readable changes on one line, for exports."""
        return "；".join(
            f"{label}：{old if old is not None else '—'} → {new if new is not None else '—'}"
            for label, old, new in self.change_rows
        )


def private_storage():
    """Files only their owner may fetch, through a view that checks it (settings STORAGES "private")."""
    from django.core.files.storage import storages

    return storages["private"]


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """Long work run by the task worker (imports, reports, recomputations), with progress the
    user can watch. What the work is and does lives in the app that registered its kind."""

    kind = models.CharField("类型", max_length=64)
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    file = models.FileField("文件", upload_to=RandomName("jobs"), blank=True)
    # What the job made for its starter alone (an error file, a credential sheet): kept in the
    # private storage, never under MEDIA_URL, and deleted once it has served its purpose.
    output = models.FileField("结果文件", storage=private_storage, upload_to=RandomName("jobs"), blank=True)
    output_expires_at = models.DateTimeField("结果文件失效时间", null=True, blank=True)
    # When the running job last reported; a job silent for JOB_STALL_SECONDS is marked failed.
    reported_at = models.DateTimeField("最近进展时间", null=True, blank=True)
    # Where the user goes when the work is done (a report to confirm, a page to look at).
    result_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class ScheduledRun(models.Model):
    """That a scheduled task ran for a period (a month, a state of the data): the unique pair is
    what keeps two schedulers, or one restarted, from running it twice."""

    task = models.CharField("定时任务", max_length=64)
    period = models.CharField("周期", max_length=64)
    created_at = models.DateTimeField("执行时间", default=timezone.now)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "定时任务记录"
        verbose_name_plural = "定时任务记录"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="scheduledrun_once_per_period")]

    def __str__(self) -> str:
        return f"{self.task} {self.period}"
