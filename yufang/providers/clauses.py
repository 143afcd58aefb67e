"""Default wording of the agreement's clauses, after the ministry's model service agreement
(工伤预防项目服务协议（示范文本）). The agency edits them per agreement before sending."""

DEFAULT_CLAUSES = {
    "payment_terms": (
        "协议签订后，乙方提出申请，甲方按协议金额的{advance}%预付项目费用；项目实施完成并经市人力资源和社会保障局"
        "会同相关部门评估验收合格后，甲方根据实际发生额支付余款。验收发现管理混乱、弄虚作假等情形的，"
        "甲方按规定扣减相应项目费用。"
    ),
    "rights_obligations": (
        "甲方负责项目的日常管理，审核乙方提交的实施计划，对项目实施情况进行检查指导，按约定支付费用。\n"
        "乙方应按照经甲方审核同意的实施计划组织实施，保证服务质量，原则上不更换项目组成人员；"
        "接受甲方及区县人力资源社会保障部门的定期或不定期检查，如实提供相关资料；"
        "专款专用，不得将项目转包或违法分包。"
    ),
    "reporting_duties": (
        "乙方应建立健全培训档案（培训通知、实名制签到表、课程及课件、考核试卷、现场照片、满意度调查等），"
        "建立规范的财务管理制度，定期向甲方报送项目进展情况；项目完成后提交项目实施情况报告。"
        "相关档案保存期限不少于三年。"
    ),
    "liability": (
        "乙方未按协议履行义务、服务质量不符合要求或弄虚作假的，甲方有权要求限期整改、扣减项目费用直至解除协议；"
        "乙方提供的服务违反法律法规或本协议、评估验收不合格的，三年内不得从事本市工伤预防项目。"
    ),
    "dispute_resolution": "因本协议发生的争议，双方应协商解决；协商不成的，依法向甲方所在地人民法院提起诉讼。",
    "termination_conditions": (
        "有下列情形之一的，协议终止：（一）协议约定的服务全部完成并经验收；（二）双方协商一致解除；"
        "（三）乙方严重违约或被列入禁入名单，甲方书面通知解除；（四）因不可抗力致使协议目的无法实现。"
        "协议终止时，甲方释放尚未支付的项目资金。"
    ),
}


def default_clauses(advance_percent="30") -> dict[str, str]:
    clauses = dict(DEFAULT_CLAUSES)
    clauses["payment_terms"] = clauses["payment_terms"].format(advance=advance_percent)
    return clauses
