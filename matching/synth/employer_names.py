"""Employer names and addresses: the name templates of every kind, and what a name says it hires.

An employer's industry is written into its name ("临清市鲁达轴承有限公司") from the templates
below; ``employer_profile`` reads it back, so the vacancy generator knows what such an employer
hires from the stored columns alone. Towns and streets make addresses plausible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.codes import COUNTIES

__all__ = [
    "TEMPLATES",
    "TOWNS",
    "Template",
    "choose_template",
    "employer_profile",
    "street_addresses",
    "unique_names",
]

# Towns and streets make addresses plausible; town names as published around 2020, streets
# are common names, neither is a gazetteer.
TOWNS: dict[str, tuple[str, ...]] = {
    "371502": ("古楼街道", "道口铺街道", "侯营镇", "堂邑镇", "沙镇镇", "堠堌镇", "梁水镇镇"),
    "371503": ("振兴街道", "博平镇", "韩屯镇", "肖家庄镇", "杜郎口镇", "贾寨镇"),
    "371521": ("博济桥街道", "阿城镇", "七级镇", "安乐镇", "张秋镇", "寿张镇", "石佛镇"),
    "371522": ("燕塔街道", "观城镇", "朝城镇", "张鲁回族镇", "古云镇", "樱桃园镇"),
    "371524": ("铜城街道", "新城街道", "刘集镇", "鱼山镇", "姜楼镇", "牛角店镇"),
    "371525": ("清泉街道", "崇文街道", "贾镇", "柳林镇", "东古城镇", "北馆陶镇"),
    "371526": ("鱼邱湖街道", "汇鑫街道", "人和街道", "清平镇", "固河镇", "尹集镇"),
    "371581": ("青年街道", "新华街道", "先锋街道", "烟店镇", "康庄镇", "魏湾镇"),
    "Z-ETDZ": ("蒋官屯街道", "北城街道", "东城街道", "广平乡"),
    "Z-HTDZ": ("九州街道", "许营镇", "韩集乡", "顾官屯镇"),
    "Z-JBSC": ("凤凰街道", "朱老庄镇", "于集镇"),
}
_STREETS = ("人民路", "建设路", "文化路", "振兴路", "光明路", "新华路", "育才路", "工业路",
            "商业街", "健康路", "东昌路", "柳园路", "兴华路", "花园路", "黄河路",
            "长江路")  # fmt: skip
_BRAND_A = tuple("鲁华信泰鑫盛昌恒瑞东金嘉宏祥福隆兴丰聚康安达诚新永润源德运明")
_BRAND_B = tuple("达源泰盛丰华宇通鑫利阳辉成昌和瑞祥邦海力")
_SURNAMES = tuple("王李张刘陈杨赵孙马周吴徐高朱胡郭")
_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


@dataclass(frozen=True, slots=True)
class Template:
    """A name pattern: {u} unit, {t} town, {b} brand, {k} numeral, {p} prefix, {f} legal form."""

    pattern: str
    keyword: str  # what employer_profile looks for in the name
    profile: str  # what vacancies such an employer posts (see vacancy_profiles.PROFILES)
    size: float  # median staff (established posts for public bodies); 0 = kind default
    weight: float


def _table(spec: str, prefix: str = "{u}", suffix: str = "") -> tuple[Template, ...]:
    """Templates from "name:profile:size:weight[:keyword]" tokens; the keyword defaults to the
    name after its last placeholder."""
    out = []
    for token in spec.split():
        name, profile, size, weight, *keyword = token.split(":")
        found = keyword[0] if keyword else name.rsplit("}", 1)[-1]
        out.append(Template(prefix + name + suffix, found, profile, float(size), float(weight)))
    return tuple(out)


# Kinds of employer by name, with the profile of what they hire, median size and weight
# (*assumption*: Liaocheng's known industries — bearings in 临清, textiles, steel pipes, food,
# vegetables in 莘县 — and the public bodies every county has).
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "agency": _table("""
        人民政府办公室:agency:60:1 财政局:agency:60:1 人力资源和社会保障局:public_service:70:1
        民政局:public_service:50:1 残疾人联合会:public_service:20:1 教育和体育局:agency:70:1
        市场监督管理局:agency:150:1 农业农村局:agency:80:1 住房和城乡建设局:agency:70:1
        综合行政执法局:agency:150:1 医疗保障局:agency:40:1 {t}办事处:agency:90:4"""),
    "institution": _table("""
        第{k}中学:school:150:4 第{k}实验小学:school:90:3 {t}中心小学:school:45:4
        第{k}实验幼儿园:school:35:2 特殊教育学校:special_school:45:0.6
        职业教育中心:school:180:0.6 人民医院:hospital:900:0.8 中医医院:hospital:400:0.7
        妇幼保健院:hospital:250:0.6 {t}卫生院:hospital:45:4 图书馆:culture:25:0.6
        疾病预防控制中心:public_service:70:0.5 文化馆:culture:25:0.5
        社会福利中心:public_service:40:0.6 残疾人康复中心:public_service:30:0.6
        公共就业和人才服务中心:public_service:40:0.6 福利彩票管理站:lottery_centre:10:0.8
        体育彩票管理站:lottery_centre:10:0.8 环境卫生服务中心:sanitation:120:0.6
        园林绿化服务中心:sanitation:60:0.5"""),
    "soe": _table("""
        中国邮政集团有限公司{u}分公司:postal:120:1.2:邮政
        聊城市烟草公司{u}营销部:tobacco_co:60:0.8:烟草
        {u}水务集团有限公司:soe_general:200:1 {u}热力有限公司:soe_general:150:1
        {u}公共交通有限公司:soe_general:300:1 {u}城市建设投资有限公司:soe_general:80:1
        {u}文化旅游发展有限公司:hotel:150:1 {u}{b}物流有限公司:logistics:100:1:物流
        {u}{b}农业发展有限公司:agri:60:1 聊城{b}化工集团有限公司:machinery:2000:0.3
        聊城{b}机械制造有限公司:machinery:600:0.4:机械""", prefix=""),
    "social_org": _table("""
        {b}助残服务中心:social_org:8:3 {b}社会工作服务中心:social_org:10:3
        {b}养老服务中心:eldercare:15:3 {b}职业培训学校:social_org:12:2
        {b}儿童康复中心:social_org:15:1"""),
    "private": _table("""
        纺织:textile:0:7 服饰:textile:0:3 轴承:machinery:0:6 钢管:machinery:0:4
        机械:machinery:0:5 汽车配件:machinery:0:3 电子:electronics:0:3 食品:food:0:6
        农业科技:agri:0:5 果蔬:agri:0:3 物流:logistics:0:6 电子商务:ecommerce:0:5
        网络科技:it:0:3 数据服务:it:0:2 商贸:retail:0:8 餐饮管理:catering:0:4
        酒店管理:hotel:0:2 物业管理:property:0:5 保安服务:security:0:2
        家政服务:housekeeping:0:3 养老服务:eldercare:0:2 工艺品:crafts:0:3 文化传媒:media:0:3
        """, prefix="{p}{b}", suffix="{f}"),
    "self_employed": _table("""
        {b}超市:shop:0:8 {b}便利店:shop:0:6 {b}烟酒店:shop:0:3 {b}彩票站:lottery_shop:0:3
        {b}饭店:self_food:0:4 {b}面食店:self_food:0:3 {b}理发店:self_beauty:0:3
        {b}美容美甲店:self_beauty:0:1 {b}家电维修部:self_repair:0:2
        {b}修鞋配钥匙店:self_repair:0:0.5 {b}手机电脑维修店:self_repair:0:1
        {t}{b}快递驿站:self_express:0:3 {b}网店:self_ecommerce:0:2 {t}{b}家庭农场:self_farm:0:3
        {t}{b}养殖场:self_farm:0:2 {b}裁缝店:self_tailor:0:1 {b}洗衣店:self_tailor:0:1
        {b}葫芦工艺品店:self_craft:0:1 {b}茶社:self_tea:0:1 {b}保洁服务部:property:0:1"""),
    "auxiliary_center": _table("{t}如康家园:auxiliary:0:3 {t}{b}社区如康家园:auxiliary:0:1"),
    "blind_massage": _table("""
        {b}盲人按摩店:massage:0:3 {b}盲人按摩中心:massage:0:1 {b}盲人医疗按摩所:massage:0:1"""),
}  # fmt: skip
_KEYWORDS = sorted(
    {(t.keyword, t.profile) for group in TEMPLATES.values() for t in group},
    key=lambda item: -len(item[0]),
)
_KIND_PROFILE = {"agency": "agency", "institution": "public_service", "soe": "soe_general",
                 "private": "retail", "social_org": "social_org", "self_employed": "shop",
                 "auxiliary_center": "auxiliary", "blind_massage": "massage"}  # fmt: skip
_SHORT_UNIT = {"Z-ETDZ": "聊城开发区", "Z-HTDZ": "聊城高新区", "Z-JBSC": "江北水城度假区"}


def employer_profile(kind: str, name: str) -> str:
    """What an employer hires, read back from its kind and name.

    The result is a key of ``vacancy_profiles.PROFILES``.
    """
    if kind in ("auxiliary_center", "blind_massage"):
        return _KIND_PROFILE[kind]
    for keyword, profile in _KEYWORDS:
        if keyword in name:
            return profile
    return _KIND_PROFILE.get(kind, "retail")


def street_addresses(rng: np.random.Generator, counties: list[str]) -> list[str]:
    """Addresses like 东昌府区柳园路118号; a quarter of them in a town (冠县贾镇人民路23号)."""
    out = []
    for county in counties:
        street = _STREETS[rng.integers(len(_STREETS))]
        town = TOWNS[county][rng.integers(len(TOWNS[county]))] if rng.random() < 0.25 else ""
        out.append(f"{COUNTIES.label(county)}{town}{street}{rng.integers(1, 400)}号")
    return out


def _fill(rng: np.random.Generator, t: Template, county: str, city: bool, big: bool) -> str:
    kind_unit = "聊城市" if city and "{t}" not in t.pattern else COUNTIES.label(county)
    unit = _SHORT_UNIT.get(county, kind_unit) if t.size == 0.0 else kind_unit
    first, second = _BRAND_A[rng.integers(len(_BRAND_A))], _BRAND_B[rng.integers(len(_BRAND_B))]
    brand = first + (second if second != first else "源")
    if "{p}" not in t.pattern and t.size == 0.0 and rng.random() < 0.3:
        brand = _SURNAMES[rng.integers(len(_SURNAMES))] + "记"  # "张记面食店"
    central = county == "371502" or county.startswith("Z")
    prefix = "山东" if big and rng.random() < 0.5 else "聊城市" if central else unit
    form = ("集团有限公司" if rng.random() < 0.5 else "股份有限公司") if big else "有限公司"
    name = t.pattern.format(
        u=unit, t=TOWNS[county][rng.integers(len(TOWNS[county]))], b=brand,
        k=_NUMERALS[rng.integers(len(_NUMERALS))], p=prefix, f=form,
    )  # fmt: skip
    if county.startswith("Z"):
        name = name.replace("人民政府办公室", "管理委员会办公室")
    return name


def choose_template(rng: np.random.Generator, templates: tuple[Template, ...]) -> Template:
    weights = np.array([t.weight for t in templates])
    return templates[rng.choice(len(templates), p=weights / weights.sum())]


def unique_names(
    rng: np.random.Generator, kinds: npt.NDArray[np.str_], counties: npt.NDArray[np.str_],
    city: npt.NDArray[np.bool_], staff: npt.NDArray[np.int64], chosen: list[Template],
) -> list[str]:  # fmt: skip
    """Unique names; a clash is redrawn (the first 如康家园 of a county is its centre)."""
    seen: set[str] = set()
    names = []
    for i, (kind, county) in enumerate(zip(kinds, counties, strict=True)):
        t = chosen[i]
        centre = f"{COUNTIES.label(county)}如康家园辅助性就业中心"
        for attempt in range(50):
            name = _fill(rng, t, county, bool(city[i]), bool(staff[i] >= 500))
            if kind == "auxiliary_center" and centre not in seen:
                name = centre
            if name not in seen:
                break
            t = choose_template(rng, TEMPLATES[kind]) if attempt > 5 else t
        else:
            name = f"{name}（{i + 1}）"
        seen.add(name)
        names.append(name)
    return names
