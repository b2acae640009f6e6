"""The one vocabulary: every code list jobmatch stores, shows or accepts.

Storage keeps the stable ASCII ``code``; pages show ``zh``; imports and forms go through
``CodeList.parse`` so that "视力残疾", "盲", "visual" and "1" all become ``"1"``. Sources: GB/T 2260
(counties), GB/T 26341-2010 (disability category and level, the last two digits of the
second-generation certificate), and Liaocheng's 2023 employment plan for persons with disabilities
(employer kinds, reserved channels, employment forms, services). Everything else imports from here.

``ACCOMMODATION_CLOSES`` is a modelling assumption of jobmatch, not a standard: which assessed
ability gaps a reasonable accommodation (合理便利) is taken to close when matching.
"""

from __future__ import annotations

from matching.codelist import Code, CodeList, normalize_key

__all__ = [
    "ACCOMMODATIONS",
    "ACCOMMODATION_CLOSES",
    "ALL_CODE_LISTS",
    "ASSESSMENT_DIMENSIONS",
    "COUNTIES",
    "COURSE_STAGES",
    "COURSE_STAGE_ORDER",
    "COURSE_STATUSES",
    "DISABILITY_CATEGORIES",
    "DISABILITY_LEVELS",
    "EDUCATION_LEVELS",
    "EMPLOYER_KINDS",
    "EMPLOYMENT_FORMS",
    "EMPLOYMENT_STATUSES",
    "FOLLOWUP_CHANNELS",
    "GRADUATE_DEGREES",
    "GRADUATE_STATUSES",
    "HUKOU",
    "JOB_STAGE_ORDER",
    "LEDGER_ACTION_STATUSES",
    "LEDGER_SERVICES",
    "OUTCOME_STAGES",
    "REFERRAL_SOURCES",
    "REFUSAL_REASONS",
    "SCORE_LEVELS",
    "SCORE_MAX",
    "SCORE_MIN",
    "SEXES",
    "USER_ROLES",
    "VACANCY_CHANNELS",
    "VACANCY_STATUSES",
    "WORK_MODES",
    "ZONE_CODES",
    "Code",
    "CodeList",
    "normalize_key",
]


def _c(code: str, zh: str, en: str, *aliases: str, rank: int = 0) -> Code:
    """Short constructor so each entry fits on one line."""
    return Code(code=code, zh=zh, en=en, aliases=aliases, rank=rank)


# --- places ------------------------------------------------------------------------------------
# 茌平 became a district in 2019 (371523 → 371503); offices still send the old code and name.
COUNTIES = CodeList("county", "县（市、区）", [
    _c("371502", "东昌府区", "Dongchangfu District", "东昌府", "Dongchangfu"),
    _c("371503", "茌平区", "Chiping District", "茌平", "茌平县", "371523", "Chiping"),
    _c("371521", "阳谷县", "Yanggu County", "阳谷", "Yanggu"),
    _c("371522", "莘县", "Shen County", "Shenxian", "Shen"),
    _c("371524", "东阿县", "Dong'e County", "东阿", "Dong'e", "Donge"),
    _c("371525", "冠县", "Guan County", "Guanxian", "Guan"),
    _c("371526", "高唐县", "Gaotang County", "高唐", "Gaotang"),
    _c("371581", "临清市", "Linqing City", "临清", "Linqing"),
    _c("Z-ETDZ", "聊城经济技术开发区", "Liaocheng Economic and Technological Development Zone",
       "经开区", "经济技术开发区", "聊城经开区", "开发区", "ETDZ"),
    _c("Z-HTDZ", "聊城高新技术产业开发区", "Liaocheng High-tech Industrial Development Zone",
       "高新区", "高新技术产业开发区", "聊城高新区", "HTDZ"),
    _c("Z-JBSC", "江北水城旅游度假区", "Jiangbei Shuicheng Tourist Resort",
       "度假区", "旅游度假区", "江北水城度假区", "Jiangbei Shuicheng"),
])  # fmt: skip
ZONE_CODES: frozenset[str] = frozenset({"Z-ETDZ", "Z-HTDZ", "Z-JBSC"})

# --- persons -----------------------------------------------------------------------------------
DISABILITY_CATEGORIES = CodeList("disability_category", "残疾类别", [
    _c("1", "视力", "visual", "视力残疾", "视障", "盲", "低视力", "visual impairment", "blind"),
    _c("2", "听力", "hearing", "听力残疾", "听障", "聋", "hearing impairment", "deaf"),
    _c("3", "言语", "speech", "言语残疾", "语言残疾", "哑", "speech impairment"),
    _c("4", "肢体", "physical", "肢体残疾", "肢残", "physical disability"),
    _c("5", "智力", "intellectual", "智力残疾", "智障", "intellectual disability"),
    _c("6", "精神", "psychosocial", "精神残疾", "psychosocial disability", "mental"),
    _c("7", "多重", "multiple", "多重残疾", "multiple disabilities"),
])  # fmt: skip
# Level 1 is the most severe; rank is the level number.
DISABILITY_LEVELS = CodeList("disability_level", "残疾等级", [
    _c("1", "一级", "level 1", "1级", "一级残疾", "残疾一级", "I", rank=1),
    _c("2", "二级", "level 2", "2级", "二级残疾", "残疾二级", "II", rank=2),
    _c("3", "三级", "level 3", "3级", "三级残疾", "残疾三级", "III", rank=3),
    _c("4", "四级", "level 4", "4级", "四级残疾", "残疾四级", "IV", rank=4),
])  # fmt: skip
SEXES = CodeList("sex", "性别", [
    _c("M", "男", "male", "男性"),
    _c("F", "女", "female", "女性"),
])  # fmt: skip
HUKOU = CodeList("hukou", "户籍性质", [
    _c("urban", "城镇", "urban hukou", "非农业", "非农业户口", "城镇户口", "非农"),
    _c("rural", "农村", "rural hukou", "农业", "农业户口", "农村户口"),
])  # fmt: skip
# Senior high and secondary vocational school are the same stage, hence the shared rank.
EDUCATION_LEVELS = CodeList("education_level", "文化程度", [
    _c("none", "未上过学", "no schooling", "无", "无学历", "文盲", rank=0),
    _c("primary", "小学", "primary school", rank=1),
    _c("junior", "初中", "junior secondary", "初级中学", rank=2),
    _c("senior", "高中", "senior secondary", "普通高中", "高级中学", rank=3),
    _c("secondary_vocational", "中专/职高", "secondary vocational", "中专", "职高", "中职", "技校",
       rank=3),
    _c("college", "大专", "junior college", "专科", "高职", "大学专科", rank=4),
    _c("bachelor", "本科", "bachelor", "大学本科", "学士", rank=5),
    _c("postgraduate", "研究生", "postgraduate", "硕士", "博士", "硕士研究生", rank=6),
])  # fmt: skip
EMPLOYMENT_STATUSES = CodeList("employment_status", "就业状态", [
    _c("seeking", "求职中", "seeking work", "求职", "失业", "未就业"),
    _c("employed", "已就业", "employed", "就业"),
    _c("flexible", "灵活就业", "flexible employment"),
    _c("auxiliary", "辅助性就业", "auxiliary employment"),
    _c("not_seeking", "暂不求职", "not seeking", "无就业意愿"),
    _c("studying", "在校", "studying", "在读", "在校学生"),
])  # fmt: skip

# --- employers and vacancies -------------------------------------------------------------------
EMPLOYER_KINDS = CodeList("employer_kind", "单位类型", [
    _c("agency", "机关", "government agency", "国家机关", "党政机关", "行政机关"),
    _c("institution", "事业单位", "public institution", "事业"),
    _c("soe", "国有企业", "state-owned enterprise", "国企", "SOE"),
    _c("private", "民营企业", "private enterprise", "民企", "私营企业"),
    _c("social_org", "社会组织", "social organisation", "社会团体", "民办非企业单位"),
    _c("self_employed", "个体工商户", "individual business", "个体", "个体户"),
    _c("auxiliary_center", "辅助性就业机构（如康家园）", "auxiliary employment centre",
       "辅助性就业机构", "如康家园", "康家园"),
    _c("blind_massage", "盲人按摩机构", "blind massage establishment", "盲人按摩店",
       "盲人医疗按摩所"),
])  # fmt: skip
VACANCY_CHANNELS = CodeList("vacancy_channel", "岗位渠道", [
    _c("open", "普通岗位", "open market", "普通", "市场岗位"),
    _c("kiosk", "邮政报刊亭", "postal kiosk", "报刊亭"),
    _c("lottery", "彩票销售网点", "lottery outlet", "彩票站", "彩票"),
    _c("tobacco", "烟草零售", "tobacco retail", "烟草零售许可", "烟草"),
    _c("public_welfare", "公益性岗位", "public-welfare post", "公益岗", "帮富", "帮扶"),
    _c("auxiliary", "辅助性就业", "auxiliary employment"),
    _c("blind_massage", "盲人按摩", "blind massage"),
])  # fmt: skip
EMPLOYMENT_FORMS = CodeList("employment_form", "就业形式", [
    _c("quota", "按比例就业", "quota employment", "按比例安排就业", "分散按比例就业"),
    _c("concentrated", "集中就业", "concentrated employment", "集中安置"),
    _c("self_employment", "个体/自主创业", "self-employment", "自主创业", "个体就业", "自主就业"),
    _c("public_welfare", "公益性岗位就业", "public-welfare post", "公益性岗位"),
    _c("auxiliary", "辅助性就业", "auxiliary employment"),
    _c("home_based", "居家就业", "home-based employment", "居家"),
    _c("flexible", "灵活就业", "flexible employment"),
    _c("rural", "农村就业", "rural employment", "种养加", "农村种养加"),
])  # fmt: skip
WORK_MODES = CodeList("work_mode", "工作方式", [
    _c("on_site", "全日制坐班", "full-time on site", "全日制", "坐班"),
    _c("part_time", "非全日制", "part-time", "兼职", "小时工"),
    _c("home_based", "居家就业", "home-based", "居家", "居家办公"),
    _c("shift", "倒班", "shift work", "轮班", "三班倒"),
])  # fmt: skip

# --- vocational ability assessment -------------------------------------------------------------
# One catalogue scored for persons (ability) and jobs (demand); the order is part of the schema.
ASSESSMENT_DIMENSIONS = CodeList("assessment_dimension", "评估维度", [
    _c("vision", "视力", "vision", rank=0),
    _c("hearing", "听力", "hearing", rank=1),
    _c("speech", "言语沟通", "speech and oral communication", "言语", "口语表达", rank=2),
    _c("reading_writing", "读写", "reading and writing", "读写能力", rank=3),
    _c("fine_dexterity", "手部精细动作", "fine hand dexterity", "精细动作", rank=4),
    _c("lifting", "举重搬运", "lifting and carrying", "搬运", rank=5),
    _c("standing", "站立行走耐力", "standing and walking endurance", "站立", rank=6),
    _c("mobility", "移动与上下楼梯", "mobility and stairs", "移动", "行动", rank=7),
    _c("learning", "学习记忆", "learning and memory", "学习", rank=8),
    _c("attention", "注意力", "attention", "专注力", rank=9),
    _c("social", "社交互动", "social interaction", "社交", "人际交往", rank=10),
    _c("stress", "抗压能力", "stress tolerance", "抗压", rank=11),
    _c("computer", "计算机使用", "computer use", "电脑操作", "计算机", rank=12),
])  # fmt: skip
SCORE_MIN = 0
SCORE_MAX = 4
# For a person the score is what they can do; for a job the same number is what it demands.
SCORE_LEVELS = CodeList("score_level", "能力等级", [
    _c("0", "不能", "unable / not required", rank=0),
    _c("1", "严重受限", "severely limited", rank=1),
    _c("2", "部分胜任", "partly able", rank=2),
    _c("3", "基本胜任", "mostly able", rank=3),
    _c("4", "完全胜任", "fully able", rank=4),
])  # fmt: skip
ACCOMMODATIONS = CodeList("accommodation", "合理便利", [
    _c("step_free", "无障碍通道", "step-free access", "无障碍坡道", "坡道"),
    _c("accessible_toilet", "无障碍卫生间", "accessible toilet", "无障碍厕所"),
    _c("sign_interpreter", "手语翻译", "sign-language interpreter", "手语"),
    _c("screen_reader", "读屏软件", "screen reader", "读屏", "屏幕阅读器"),
    _c("large_print_braille", "大字/盲文资料", "large print or braille", "盲文", "大字版"),
    _c("flexible_hours", "弹性工时", "flexible hours", "弹性工作时间"),
    _c("part_time", "非全日制安排", "part-time arrangement", "非全日制"),
    _c("home_based", "居家办公", "home-based work", "居家就业"),
    _c("job_coach", "就业辅导员陪同", "job coach on site", "就业辅导员", "支持性就业辅导"),
    _c("quiet_space", "安静工位", "quiet workspace", "安静环境"),
    _c("assistive_devices", "辅助器具", "assistive devices", "辅具"),
    _c("transport", "交通接送", "transport", "接送", "班车"),
])  # fmt: skip
# Modelling assumption (configurable later): the assessed gaps an accommodation closes. An
# accessible toilet closes no ability gap; it is a hard need of the person, matched as such.
ACCOMMODATION_CLOSES: dict[str, frozenset[str]] = {
    "step_free": frozenset({"mobility"}),
    "accessible_toilet": frozenset(),
    "sign_interpreter": frozenset({"hearing", "speech"}),
    "screen_reader": frozenset({"vision", "reading_writing"}),
    "large_print_braille": frozenset({"vision", "reading_writing"}),
    "flexible_hours": frozenset({"stress"}),
    "part_time": frozenset({"stress"}),
    "home_based": frozenset({"mobility", "standing", "social"}),
    "job_coach": frozenset({"learning", "attention", "social"}),
    "quiet_space": frozenset({"attention", "stress"}),
    "assistive_devices": frozenset({"lifting", "fine_dexterity", "standing"}),
    "transport": frozenset({"mobility"}),
}

# --- outcomes (graded relevance for the rankers) -----------------------------------------------
OUTCOME_STAGES = CodeList("outcome_stage", "推荐结果", [
    _c("referred", "已推荐", "referred", "推荐", rank=0),
    _c("applied", "已投递", "applied", "投递", "已报名应聘", rank=1),
    _c("interviewed", "已面试", "interviewed", "面试", rank=2),
    _c("offered", "已录用", "offered", "录用", rank=3),
    _c("hired", "已入职", "hired", "入职", "上岗", rank=3),
    _c("retained_6m", "在岗满6个月", "retained 6 months", "在岗满六个月", "稳定就业6个月", rank=4),
    _c("refused", "未成功", "refused", "未录用", "失败", rank=0),
])  # fmt: skip
_JOB_FORWARD = ("referred", "applied", "interviewed", "offered", "hired", "retained_6m")
JOB_STAGE_ORDER: dict[str, int] = {code: i for i, code in enumerate(_JOB_FORWARD)}
COURSE_STAGES = CodeList("course_stage", "培训结果", [
    _c("referred", "已推荐", "referred", "推荐", rank=0),
    _c("enrolled", "已报名", "enrolled", "报名", rank=1),
    _c("completed", "已结业", "completed", "结业", rank=2),
    _c("employed_6m", "结业后6个月内就业", "employed within 6 months", "结业后六个月内就业",
       rank=3),
    _c("dropped", "中途退出", "dropped out", "退出", rank=0),
])  # fmt: skip
_COURSE_FORWARD = ("referred", "enrolled", "completed", "employed_6m")
COURSE_STAGE_ORDER: dict[str, int] = {code: i for i, code in enumerate(_COURSE_FORWARD)}
REFUSAL_REASONS = CodeList("refusal_reason", "未成功原因", [
    _c("skills", "技能不符", "skills mismatch", "技能不足"),
    _c("accommodation_unavailable", "无法提供所需便利", "accommodation unavailable"),
    _c("accessibility", "无障碍设施不足", "accessibility barrier", "无障碍不足"),
    _c("distance", "距离太远", "distance", "路远"),
    _c("pay", "薪酬不符", "pay", "工资低", "待遇不符"),
    _c("hours", "工时不符", "hours"),
    _c("person_declined", "本人放弃", "person declined", "本人拒绝"),
    _c("employer_declined", "单位拒绝", "employer declined", "单位不录用"),
    _c("health", "健康原因", "health"),
    _c("no_contact", "未能联系", "no contact", "联系不上", "失联"),
    _c("other", "其他", "other", "其它"),
])  # fmt: skip
REFERRAL_SOURCES = CodeList("referral_source", "推荐来源", [
    _c("counselor", "辅导员推荐", "counselor referral", "辅导员"),
    _c("fair", "招聘会", "recruitment fair", "招聘会推荐"),
    _c("self", "自主求职", "self-initiated", "自荐"),
])  # fmt: skip

# --- university graduates: 一人一策 ledgers ------------------------------------------------------
GRADUATE_STATUSES = CodeList("graduate_status", "毕业生状态", [
    _c("in_school", "在校", "in school", "在读"),
    _c("unemployed", "离校未就业", "left school without work", "未就业"),
    _c("employed", "已就业", "employed", "就业"),
    _c("further_study", "升学", "further study", "考研", "深造"),
    _c("flexible", "灵活就业", "flexible employment"),
    _c("public_welfare", "公益性岗位", "public-welfare post", "公益岗"),
])  # fmt: skip
LEDGER_SERVICES = CodeList("ledger_service", "服务项目", [
    _c("policy_briefing", "政策宣讲", "policy briefing", "政策宣传"),
    _c("career_guidance", "职业指导", "career guidance", "就业指导"),
    _c("job_referral", "岗位推荐", "job referral", "岗位信息推送"),
    _c("skills_training", "技能培训", "skills training", "职业技能培训"),
    _c("internship", "就业见习", "internship", "见习"),
    _c("public_welfare_post", "公益性岗位兜底", "public-welfare post fallback", "公益性岗位安置"),
])  # fmt: skip
FOLLOWUP_CHANNELS = CodeList("followup_channel", "联系方式", [
    _c("phone", "电话", "phone", "电话联系"),
    _c("visit", "上门走访", "home visit", "走访", "入户"),
    _c("wechat", "微信", "WeChat"),
    _c("in_office", "来访", "office visit", "来人来访"),
    _c("online", "线上", "online", "网络"),
])  # fmt: skip
# The degree a ledger records (学历/学位); "研究生" alone is ambiguous and so not an alias.
GRADUATE_DEGREES = CodeList("graduate_degree", "学历", [
    _c("college", "专科", "junior college", "大专", "高职", "大学专科", rank=1),
    _c("bachelor", "本科", "bachelor", "大学本科", "学士", rank=2),
    _c("master", "硕士", "master", "硕士研究生", rank=3),
    _c("doctor", "博士", "doctor", "博士研究生", "PhD", rank=4),
])  # fmt: skip
LEDGER_ACTION_STATUSES = CodeList("ledger_action_status", "计划状态", [
    _c("planned", "计划中", "planned", "计划", "待办"),
    _c("done", "已完成", "done", "完成"),
    _c("cancelled", "已取消", "cancelled", "取消", "canceled"),
])  # fmt: skip

# --- access control ----------------------------------------------------------------------------
USER_ROLES = CodeList("user_role", "用户角色", [
    _c("admin", "系统管理员", "administrator", "管理员"),
    _c("counselor", "就业辅导员", "job counselor", "辅导员"),
    _c("fair_organizer", "招聘会组织者", "fair organiser"),
    _c("analyst", "数据分析员", "analyst"),
    _c("case_worker", "高校毕业生个案专员", "graduate case worker", "个案专员"),
])  # fmt: skip

VACANCY_STATUSES = CodeList("vacancy_status", "岗位状态", [
    Code("open", "招聘中", "open", ("在招", "开放", "招聘")),
    Code("closed", "已关闭", "closed", ("关闭", "已结束", "停止招聘", "已停招")),
    Code("filled", "已招满", "filled", ("招满", "已满", "满员")),
])  # fmt: skip
COURSE_STATUSES = CodeList("course_status", "课程状态", [
    Code("open", "招生中", "open", ("在招", "开放", "招生")),
    Code("closed", "已停招", "closed", ("停招", "关闭", "已关闭", "停止招生")),
])  # fmt: skip

ALL_CODE_LISTS: dict[str, CodeList] = {
    cl.name: cl
    for cl in (
        COUNTIES, DISABILITY_CATEGORIES, DISABILITY_LEVELS, SEXES, HUKOU, EDUCATION_LEVELS,
        EMPLOYMENT_STATUSES, EMPLOYER_KINDS, VACANCY_CHANNELS, EMPLOYMENT_FORMS, WORK_MODES,
        ASSESSMENT_DIMENSIONS, SCORE_LEVELS, ACCOMMODATIONS, OUTCOME_STAGES, COURSE_STAGES,
        REFUSAL_REASONS, REFERRAL_SOURCES, GRADUATE_STATUSES, LEDGER_SERVICES, FOLLOWUP_CHANNELS,
        GRADUATE_DEGREES, LEDGER_ACTION_STATUSES, USER_ROLES, VACANCY_STATUSES, COURSE_STATUSES,
    )
}  # fmt: skip
