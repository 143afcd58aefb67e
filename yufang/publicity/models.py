"""Publicity (工伤预防宣传, seed 三（一）): the kinds of deliverable the programme pays for, each
deliverable a publicity provider records against its project with its evidence, the agency's
review, and the quantities planned per kind against which the accepted ones are counted."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from yufang.core.files import RandomName
from yufang.core.models import BaseModel
from yufang.projects.models import Project
from yufang.providers.models import IndicatorKind
from yufang.reference.models import Region


class EvidenceType(models.TextChoices):
    IMAGE = "image", "图片（JPG/PNG）"
    PDF = "pdf", "PDF 文件"
    VIDEO = "video", "视频（MP4）"


class DeliverableKind(BaseModel):
    """A kind of publicity deliverable, kept as reference data by the programme owner: its unit,
    the fields a deliverable of the kind records (`fields`, see fields.py) and the evidence it
    needs. `indicator_kind` ties it to the agreement indicator that sets its minimum."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    unit = models.CharField("计量单位", max_length=10)
    indicator_kind = models.CharField(
        "对应协议指标",
        max_length=24,
        choices=IndicatorKind.choices,
        blank=True,
        help_text="协议中该指标的计划数是本类成果计划数量的下限（同一指标对应多类成果时按合计计算）。",
    )
    fields = models.JSONField("记录字段", default=list, blank=True)
    evidence_types = models.JSONField("佐证文件类型", default=list, blank=True)
    evidence_note = models.CharField("佐证要求", max_length=200, blank=True)
    evidence_min = models.PositiveSmallIntegerField("提交时至少需要的佐证文件数", default=1)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "宣传成果类型"
        verbose_name_plural = "宣传成果类型"
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class DeliverableStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "已退回待修改"
    ACCEPTED = "accepted", "已验收（冻结）"


class Deliverable(BaseModel):
    """One publicity deliverable (an aired episode, a video, a push, a print run, an event) with
    the fields its kind records. Accepted, it counts towards the project's delivered quantity
    and is frozen."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="deliverables")
    kind = models.ForeignKey(DeliverableKind, verbose_name="成果类型", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=200)
    quantity = models.PositiveIntegerField("数量")
    delivered_on = models.DateField("完成日期")
    details = models.JSONField("成果信息", default=dict, blank=True)
    regions = models.ManyToManyField(
        Region,
        verbose_name="面向区县",
        blank=True,
        related_name="+",
        help_text="成果面向的区县；这些区县的人社局可查看本成果。全市性的成果可不选。",
    )
    status = models.CharField("状态", max_length=16, choices=DeliverableStatus.choices, default=DeliverableStatus.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    review_note = models.CharField("审核意见", max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = "宣传成果"
        verbose_name_plural = "宣传成果"
        ordering = ["-delivered_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="deliverable_quantity_positive")]
        indexes = [models.Index(fields=["project", "kind", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.kind.name}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("publicity:detail", args=[self.pk])


class Evidence(models.Model):
    """A file proving a deliverable, checked by its content when uploaded and kept with its
    SHA-256. A file already used for another deliverable is kept and marked (`reused_from`)
    for the reviewer, never silently counted twice."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=RandomName("publicity"))
    file_type = models.CharField("文件类型", max_length=8, choices=EvidenceType.choices)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    reused_from = models.ForeignKey(
        "self",
        verbose_name="与之相同的佐证",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    # Made from the file when it is uploaded (previews.py): a small JPEG of the image, the PDF's
    # first page or the video's poster frame, kept beside the file and served like it. A file
    # no preview could be made of keeps the reason instead.
    preview = models.FileField("预览图", upload_to=RandomName("publicity/previews"), blank=True, editable=False)
    preview_problem = models.CharField("无预览原因", max_length=200, blank=True, editable=False)
    # A photo's EXIF (exif.py): when and where the camera says it was taken.
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True, editable=False)
    latitude = models.DecimalField("拍摄地纬度", max_digits=9, decimal_places=6, null=True, blank=True, editable=False)
    longitude = models.DecimalField("拍摄地经度", max_digits=9, decimal_places=6, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "宣传成果佐证"
        verbose_name_plural = "宣传成果佐证"
        ordering = ["deliverable", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "sha256"], name="evidence_once_per_deliverable"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180)),
                name="evidence_place_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("publicity:evidence", args=[self.pk])

    @property
    def place(self) -> str:
        """Where the photo was taken, readably (北纬/东经 in degrees, minutes and seconds)."""
        from .exif import place_text

        return place_text(self.latitude, self.longitude)


class PlannedQuantity(models.Model):
    """How many of a kind the project plans to deliver: never below the agreement's indicator."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="publicity_plan")
    kind = models.ForeignKey(DeliverableKind, verbose_name="成果类型", on_delete=models.PROTECT, related_name="+")
    planned = models.PositiveIntegerField("计划数量")

    class Meta:
        verbose_name = "宣传计划数量"
        verbose_name_plural = "宣传计划数量"
        ordering = ["project", "kind__sort_order", "kind_id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="planned_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.project.name} · {self.kind.name}：{self.planned}"


# --- Reach: video views, targeted pushes, printed materials (issue 16, part 5) --------------------


class ViewReading(models.Model):
    """A short video's cumulative view count on one platform as read on one day. Each reading is
    its own row, never overwritten: the history is the record."""

    deliverable = models.ForeignKey(
        Deliverable, verbose_name="宣传成果", on_delete=models.PROTECT, related_name="view_readings"
    )
    platform = models.CharField("平台", max_length=50)
    read_on = models.DateField("统计日期")
    views = models.PositiveBigIntegerField("累计播放量")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "短视频播放量读数"
        verbose_name_plural = "短视频播放量读数"
        ordering = ["deliverable", "platform", "read_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "platform", "read_on"], name="view_reading_once_a_day"),
            models.CheckConstraint(condition=Q(views__gte=0), name="view_reading_views_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.read_on:%Y-%m-%d}：{self.views}"


class AudienceKind(models.TextChoices):
    INDUSTRIES = "industries", "按行业"
    DISTRICTS = "districts", "按区县"
    ENTERPRISES = "enterprises", "企业名单"


class PushAudience(models.Model):
    """Whom a targeted push (定向推送) is aimed at: industries, districts or a list of
    enterprises, and how many people it plans to reach."""

    deliverable = models.OneToOneField(
        Deliverable, verbose_name="宣传成果", on_delete=models.CASCADE, related_name="push_audience"
    )
    kind = models.CharField("推送对象", max_length=16, choices=AudienceKind.choices)
    industries = models.ManyToManyField("reference.Industry", verbose_name="行业", blank=True, related_name="+")
    districts = models.ManyToManyField(Region, verbose_name="区县", blank=True, related_name="+")
    enterprises = models.ManyToManyField("accounts.Organisation", verbose_name="企业", blank=True, related_name="+")
    planned_reach = models.PositiveIntegerField("计划触达人数")

    class Meta:
        verbose_name = "定向推送对象"
        verbose_name_plural = "定向推送对象"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（计划触达 {self.planned_reach}）"


class PushDelivery(models.Model):
    """One row of the carrier's delivery report of a targeted push: on a day, in a district
    and industry (either may be unknown), how many messages were sent, delivered and opened."""

    deliverable = models.ForeignKey(
        Deliverable, verbose_name="宣传成果", on_delete=models.PROTECT, related_name="push_rows"
    )
    sent_on = models.DateField("日期")
    region = models.ForeignKey(
        Region, verbose_name="区县", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        "reference.Industry", verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent = models.PositiveIntegerField("发送数")
    delivered = models.PositiveIntegerField("送达数")
    opened = models.PositiveIntegerField("打开数")
    source_row = models.PositiveIntegerField("文件行号")
    job = models.ForeignKey(
        "core.Job", verbose_name="导入任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "定向推送送达记录"
        verbose_name_plural = "定向推送送达记录"
        ordering = ["deliverable", "sent_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(delivered__lte=F("sent")), name="push_delivered_within_sent"),
            models.CheckConstraint(condition=Q(opened__lte=F("delivered")), name="push_opened_within_delivered"),
            models.UniqueConstraint(
                fields=["deliverable", "sent_on", "region", "industry"],
                name="push_row_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sent_on:%Y-%m-%d} 发送 {self.sent} 送达 {self.delivered} 打开 {self.opened}"


class MaterialStock(models.Model):
    """A printed material's print run: ordered, received, and handed out (`distributed`, the
    sum of its distributions, kept by the distribution service under the row's lock). The
    database refuses more received than ordered and more handed out than received."""

    deliverable = models.OneToOneField(
        Deliverable, verbose_name="宣传成果", on_delete=models.CASCADE, related_name="stock"
    )
    ordered = models.PositiveIntegerField("订制数量")
    received = models.PositiveIntegerField("到货数量")
    distributed = models.PositiveIntegerField("已发放数量", default=0, editable=False)

    class Meta:
        verbose_name = "宣传资料数量"
        verbose_name_plural = "宣传资料数量"
        constraints = [
            models.CheckConstraint(condition=Q(received__lte=F("ordered")), name="stock_received_within_ordered"),
            models.CheckConstraint(
                condition=Q(distributed__lte=F("received")), name="stock_distributed_within_received"
            ),
        ]

    def __str__(self) -> str:
        return f"订制 {self.ordered}，到货 {self.received}，已发放 {self.distributed}"


class DistributionStatus(models.TextChoices):
    RECORDED = "recorded", "待区县确认"
    CONFIRMED = "confirmed", "区县已确认签收"
    DISPUTED = "disputed", "区县有异议"


class Distribution(models.Model):
    """Printed material handed out in a district, to the district bureau or to one enterprise
    there, with its signed receipt (签收单). It counts as distributed once the district's
    HRSS staff confirm receipt on the platform."""

    deliverable = models.ForeignKey(
        Deliverable, verbose_name="宣传成果", on_delete=models.PROTECT, related_name="distributions"
    )
    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.PositiveIntegerField("发放数量")
    distributed_on = models.DateField("发放日期")
    receipt = models.FileField("签收单", upload_to=RandomName("publicity/receipts"))
    receipt_type = models.CharField("签收单类型", max_length=8, choices=EvidenceType.choices)
    receipt_name = models.CharField("签收单原文件名", max_length=200)
    receipt_size = models.PositiveBigIntegerField("签收单大小（字节）")
    receipt_sha256 = models.CharField("签收单 SHA-256", max_length=64, db_index=True)
    status = models.CharField(
        "状态", max_length=16, choices=DistributionStatus.choices, default=DistributionStatus.RECORDED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True, editable=False)
    decision_note = models.CharField("区县意见", max_length=300, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "宣传资料发放"
        verbose_name_plural = "宣传资料发放"
        ordering = ["deliverable", "distributed_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="distribution_quantity_positive")]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        to = self.enterprise.name if self.enterprise_id else f"{self.region.name}人社局"
        return f"{self.deliverable.title} → {to}（{self.quantity} 份）"

    def get_absolute_url(self) -> str:
        return reverse("publicity:distribution", args=[self.pk])
