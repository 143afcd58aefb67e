"""The shipped checklists (第 1 版 of each kind of subject), loaded by the data migration. Each
item: (text, photo required). The agency revises them in the platform as new versions."""

CHECKLISTS = {
    "session": [
        ("培训在备案的时间、地点举行", True),
        ("现场人数与平台签到人数相符", True),
        ("抽查学员均在花名册内，本人参训，无代签", False),
        ("授课教师与备案一致", False),
        ("课程内容与实施计划相符", False),
        ("现场有签到设备或二维码，签到签退按规定进行", True),
    ],
    "project": [
        ("项目组成员与协议约定一致（原则上不更换）", False),
        ("按经审核的实施计划推进，进度与报告相符", False),
        ("进度报告按期报送，数字与平台记录相符", False),
        ("项目资金专款专用，支出在预算范围内", False),
    ],
    "archives": [
        ("培训通知齐全", False),
        ("实名制签到表齐全，与平台签到记录一致", True),
        ("课程及课件留存", False),
        ("考核试卷及成绩留存", False),
        ("现场照片留存", False),
        ("满意度调查留存", False),
    ],
    "publicity": [
        ("宣传成果与申报数量一致", True),
        ("宣传资料内容与审核通过的版本一致", True),
        ("播出、推送或发放有可核验的记录", False),
    ],
}


def load(checklist_model, item_model) -> None:
    """Version 1 of each kind that has none yet (the data migration, and tests after a flush)."""
    for kind, items in CHECKLISTS.items():
        if checklist_model.objects.filter(subject_kind=kind).exists():
            continue
        checklist = checklist_model.objects.create(subject_kind=kind, version=1, note="初始版本")
        item_model.objects.bulk_create(
            [
                item_model(checklist=checklist, sort_order=i, text=text, photo_required=photo)
                for i, (text, photo) in enumerate(items, start=1)
            ]
        )
