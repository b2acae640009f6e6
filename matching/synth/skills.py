"""The one skill and certificate vocabulary shared by vacancies, courses and persons.

Vacancies ask for skills (``skills_wanted``), courses teach them (``skills``) and persons hold
them; all three draw from ``skills_for`` so that a course can close the very gap a vacancy opens.
Skill names are short labels as they appear in Liaocheng job ads and training notices (电商客服,
直播带货, 盲人医疗按摩 …); the occupation → skills table is jobmatch's own modelling choice,
written by hand from each occupation's tasks in the 2022 classification. Certificates are the
licences and vocational certificates offices record (盲人医疗按摩人员考试合格证 is the one the
policy names; the others are common certificates for the same occupations).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from matching.eligibility import MASSAGE_LICENCE
from matching.occupations import load_occupations

__all__ = [
    "CERTIFICATE_OCCUPATIONS",
    "MASSAGE_LICENCE",
    "SECTOR_SKILLS",
    "SIGN_LANGUAGE",
    "SKILLS_BY_OCCUPATION",
    "SKILL_VOCABULARY",
    "START_UP_SKILL",
    "certificate_for",
    "certificates_for",
    "skills_for",
]

SIGN_LANGUAGE = "手语"

# Occupation code (2022 classification) → skills a job of that occupation asks for, most
# typical first. Every one of the shipped occupations has an entry (checked in the tests).
SKILLS_BY_OCCUPATION: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "2-02-10-03": ("软件开发", "Python编程", "数据库"),
    "2-05-10-00": ("盲人医疗按摩", "推拿手法", "经络穴位"),
    "2-06-03-00": ("会计核算", "财务软件", "Excel"),
    "2-07-11-01": ("个案工作", "社区服务", "政策咨询"),
    "2-08-04-00": ("特殊教育", SIGN_LANGUAGE, "盲文"),
    "2-09-06-01": ("平面设计", "Photoshop", "海报设计"),
    "2-10-02-05": ("新媒体编辑", "文案写作", "Office办公"),
    "3-01-01-01": ("公文写作", "Office办公", "档案管理"),
    "3-01-02-04": ("收发登记", "Office办公"),
    "3-01-02-05": ("中文录入", "Office办公", "计算机基础"),
    "3-01-02-06": ("速录", "中文录入"),
    "3-01-02-08": ("后勤管理", "物资管理"),
    "3-01-04-01": ("社区服务", "政策咨询", "Office办公"),
    "3-01-04-02": ("网格巡查", "信息采集", "智能手机应用"),
    "3-01-04-03": ("社保经办", "政策咨询", "Office办公"),
    "4-01-02-01": ("市场营销", "客户沟通"),
    "4-01-02-03": ("商品陈列", "收银", "客户沟通"),
    "4-01-02-04": ("收银", "移动支付", "点钞验钞"),
    "4-01-02-05": ("小摊经营", "收银"),
    "4-01-04-00": ("废品分拣", "物资回收"),
    "4-01-05-01": ("农产品收购", "分级包装"),
    "4-01-05-04": ("卷烟零售", "收银", "进销存管理"),
    "4-01-06-01": ("网店运营", "电商客服", "商品拍摄"),
    "4-01-06-02": ("直播带货", "短视频制作", "网店运营"),
    "4-02-05-01": ("装卸搬运", "叉车操作"),
    "4-02-06-01": ("仓库管理", "进销存管理", "Excel"),
    "4-02-06-02": ("理货", "扫码出入库"),
    "4-02-07-01": ("邮政业务", "收银", "客户沟通"),
    "4-02-07-02": ("邮件分拣", "扫码出入库"),
    "4-02-07-05": ("报刊发行", "报刊亭经营", "收银"),
    "4-02-07-08": ("快递收派", "智能手机应用"),
    "4-02-07-09": ("快件分拣", "扫码出入库"),
    "4-02-07-11": ("快递驿站管理", "扫码出入库", "客户沟通"),
    "4-03-01-02": ("客房清洁", "布草整理"),
    "4-03-02-01": ("中式烹调", "食品安全"),
    "4-03-02-02": ("中式面点", "食品安全"),
    "4-03-02-05": ("餐厅服务", "客户沟通"),
    "4-03-02-07": ("茶艺", "客户沟通"),
    "4-03-02-08": ("咖啡制作", "客户沟通"),
    "4-04-05-01": ("软件开发", "Python编程", "网页制作"),
    "4-04-05-02": ("软件测试", "Office办公"),
    "4-04-05-03": ("电话客服", "电商客服", "中文录入"),
    "4-04-05-05": ("数据标注", "中文录入", "计算机基础"),
    "4-07-02-03": ("客户服务管理", "客户沟通"),
    "4-07-02-05": ("数据分析", "Excel"),
    "4-07-03-01": ("职业指导", "政策咨询"),
    "4-07-04-06": ("农家乐服务", "导览讲解"),
    "4-07-05-01": ("安保巡逻", "监控值守"),
    "4-09-08-01": ("保洁", "清洁设备使用"),
    "4-09-10-01": ("园林绿化", "花卉养护"),
    "4-10-01-03": ("婴幼儿照护", "育婴"),
    "4-10-01-05": ("养老护理", "生活照料"),
    "4-10-01-06": ("家政服务", "保洁", "育婴"),
    "4-10-02-01": ("服装裁剪", "缝纫"),
    "4-10-02-02": ("洗衣熨烫",),
    "4-10-03-01": ("美容护肤",),
    "4-10-03-02": ("美发",),
    "4-10-03-03": ("美甲",),
    "4-10-04-01": ("保健调理", "足部按摩", "艾灸"),
    "4-10-04-02": ("保健按摩", "足部按摩", "推拿手法"),
    "4-10-08-01": ("外卖配送", "智能手机应用"),
    "4-12-02-01": ("电脑维修", "计算机基础"),
    "4-12-03-02": ("家电维修", "电子焊接"),
    "4-12-04-02": ("修鞋",),
    "4-12-04-03": ("钟表维修",),
    "4-12-05-02": ("钢琴调律",),
    "4-13-01-03": ("导览讲解", "普通话"),
    "4-13-01-05": ("新媒体运营", "短视频制作", "文案写作"),
    "4-13-01-06": ("档案数字化", "扫描录入", "中文录入"),
    "4-13-01-07": ("图书整理", "计算机基础"),
    "4-13-01-08": (SIGN_LANGUAGE, "手语翻译"),
    "4-13-02-02": ("动画制作", "平面设计"),
    "4-14-03-06": ("辅具适配", "康复咨询"),
    "4-14-06-02": ("民宿运营", "客户沟通"),
    "5-01-02-01": ("大田种植", "农机操作"),
    "5-01-02-02": ("蔬菜种植", "大棚管理"),
    "5-01-02-03": ("食用菌栽培", "大棚管理"),
    "5-01-02-05": ("中药材种植",),
    "5-03-02-01": ("家畜养殖", "疫病防治"),
    "5-03-02-02": ("家禽养殖", "疫病防治"),
    "5-05-01-02": ("农业经营管理", "农村电商"),
    "6-01-04-03": ("肉制品加工", "食品安全"),
    "6-01-06-00": ("果蔬加工", "分级包装"),
    "6-01-07-03": ("豆制品制作", "食品安全"),
    "6-02-01-01": ("面包烘焙", "食品安全"),
    "6-05-01-02": ("服装裁剪",),
    "6-05-01-03": ("缝纫", "缝纫机操作"),
    "6-05-01-06": ("手工编织", "拼布"),
    "6-09-03-01": ("葫芦雕刻", "木雕"),
    "6-09-03-08": ("木版年画", "版画"),
    "6-09-03-09": ("手工花艺",),
    "6-09-03-11": ("刺绣", "十字绣"),
    "6-09-03-16": ("书画装裱",),
    "6-09-03-17": ("剪纸", "面塑"),
    "6-09-03-19": ("剪纸", "葫芦雕刻", "风筝制作"),
    "6-21-06-03": ("假肢装配", "辅具适配"),
    "6-25-04-07": ("电子装配", "电子焊接"),
    "6-31-03-05": ("质量检验", "量具使用"),
    "6-31-05-00": ("包装", "分级包装"),
})  # fmt: skip

# Fallback per sector, for an occupation added to the data files before this table.
SECTOR_SKILLS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "services": ("客户沟通",), "manufacturing": ("流水线操作", "包装"),
    "agriculture": ("蔬菜种植",), "crafts": ("手工编织",), "health": ("生活照料",),
    "it": ("计算机基础",), "retail": ("收银",), "logistics": ("扫码出入库",),
    "public": ("Office办公",),
})  # fmt: skip

# Certificate → occupations it qualifies for or is commonly asked for; the first certificate
# listing an occupation is its main one (``certificate_for``).
CERTIFICATE_OCCUPATIONS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    MASSAGE_LICENCE: ("2-05-10-00",),
    "保健按摩师证": ("4-10-04-02", "4-10-04-01"),
    "电子商务师证": ("4-01-06-01", "4-01-06-02", "5-05-01-02"),
    "互联网营销师证": ("4-01-06-02", "4-13-01-05"),
    "人工智能训练师证": ("4-04-05-05",),
    "计算机等级证书": ("3-01-02-05", "4-04-05-03", "4-13-01-06", "2-10-02-05", "4-12-02-01",
                       "3-01-01-01", "4-04-05-05", "4-07-02-05"),
    "手语翻译证": ("4-13-01-08", "2-08-04-00"),
    "教师资格证": ("2-08-04-00",),
    "社会工作者职业资格证书": ("2-07-11-01", "4-07-03-01"),
    "会计专业技术资格证书": ("2-06-03-00",),
    "中式面点师证": ("4-03-02-02", "6-02-01-01"),
    "中式烹调师证": ("4-03-02-01",),
    "食品从业人员健康证明": ("4-03-02-05", "6-01-04-03", "6-01-06-00", "6-01-07-03",
                             "4-03-02-01", "4-03-02-02", "6-02-01-01"),
    "育婴员证": ("4-10-01-03", "4-10-01-06"),
    "养老护理员证": ("4-10-01-05",),
    "家政服务员证": ("4-10-01-06",),
    "保安员证": ("4-07-05-01",),
    "美容师证": ("4-10-03-01", "4-10-03-03"),
    "美发师证": ("4-10-03-02",),
    "茶艺师证": ("4-03-02-07",),
    "烟草专卖零售许可证": ("4-01-05-04",),
    "机动车驾驶证": ("4-02-07-08", "4-10-08-01"),
    "叉车司机证": ("4-02-05-01",),
    "低压电工作业证": ("4-12-03-02",),
})  # fmt: skip

# Taught in start-up courses (创业培训) next to the trade's own skills.
START_UP_SKILL = "创业经营"

SKILL_VOCABULARY: frozenset[str] = frozenset(
    {START_UP_SKILL}
    | {skill for table in (SKILLS_BY_OCCUPATION, SECTOR_SKILLS) for names in table.values()
       for skill in names}
)  # fmt: skip


def skills_for(occupation_code: str) -> tuple[str, ...]:
    """Skills a job of this occupation asks for (never empty; sector fallback)."""
    found = SKILLS_BY_OCCUPATION.get(occupation_code)
    if found:
        return found
    known = load_occupations().get(occupation_code)
    return SECTOR_SKILLS[known.sector] if known else ("客户沟通",)


def certificates_for(occupation_code: str) -> tuple[str, ...]:
    """Every certificate that qualifies for this occupation, main one first."""
    return tuple(
        name for name, codes in CERTIFICATE_OCCUPATIONS.items() if occupation_code in codes
    )


def certificate_for(occupation_code: str) -> str | None:
    """The main certificate for this occupation, if it has one."""
    found = certificates_for(occupation_code)
    return found[0] if found else None
