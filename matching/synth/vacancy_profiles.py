"""What each kind of employer posts: occupations, reserved channels, and how the ad reads.

An employer's profile (read from its kind and name, see ``employer_names.employer_profile``)
fixes which occupations it hires and through which channel: 如康家园 post auxiliary work,
blind-massage places massage jobs, post offices kiosks, lottery and tobacco outlets sales posts,
agencies and sanitation centres public-welfare posts. Titles and descriptions come from the
occupation's catalogue entry and the channel. Every weight is a stated *assumption*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.occupations import load_occupations

__all__ = ["PROFILES", "Array", "channels_and_jobs", "vacancy_texts"]


@dataclass(frozen=True, slots=True)
class _Profile:
    occupations: str  # "code:weight …"; "@sector:weight" spreads a weight over a sector
    channels: dict[str, float]  # reserved channels and their shares; the rest is "open"


def _p(occupations: str, **channels: float) -> _Profile:
    return _Profile(occupations, channels)


# What each kind of employer hires (*assumption*, from what such workplaces do).
PROFILES: dict[str, _Profile] = {
    "textile": _p("6-05-01-03:5 6-05-01-02:2 6-31-03-05:1.5 6-31-05-00:2 4-02-06-01:0.5 "
                  "4-09-08-01:0.5 4-07-05-01:0.3 6-09-03-11:0.5"),
    "machinery": _p("6-31-03-05:3 6-31-05-00:3 6-25-04-07:1 4-02-05-01:2 4-02-06-01:1.5 "
                    "4-02-06-02:1 4-07-05-01:0.8 4-09-08-01:0.8 3-01-02-08:0.5 2-06-03-00:0.3 "
                    "3-01-01-01:0.3 4-04-05-03:0.3"),
    "electronics": _p("6-25-04-07:5 6-31-03-05:2 6-31-05-00:2 4-02-06-01:0.5 4-12-03-02:0.5"),
    "food": _p("6-01-04-03:2 6-01-06-00:2 6-01-07-03:1.5 6-02-01-01:1.5 6-31-05-00:3 "
               "6-31-03-05:1 4-02-05-01:0.5 4-01-02-01:0.5"),
    "agri": _p("@agriculture:6 6-01-06-00:1 6-31-05-00:1 4-01-06-01:0.5"),
    "logistics": _p("@logistics:9 6-31-05-00:0.5"),
    "ecommerce": _p("4-01-06-01:4 4-01-06-02:3 4-04-05-03:3 6-31-05-00:2 4-02-06-01:1 "
                    "4-13-01-05:1 2-09-06-01:0.5"),
    "it": _p("@it:5 4-04-05-05:3 4-04-05-03:2 3-01-02-05:1 4-13-01-06:1 3-01-02-06:0.2"),
    "retail": _p("4-01-02-03:4 4-01-02-04:3 4-01-02-01:2 4-02-06-02:1.5 4-09-08-01:0.5 "
                 "4-01-06-01:0.5", tobacco=0.04),
    "catering": _p("4-03-02-01:3 4-03-02-02:2 4-03-02-05:4 4-09-08-01:1 4-03-02-07:0.3 "
                   "4-03-02-08:0.3"),
    "hotel": _p("4-03-01-02:4 4-03-02-05:2 4-07-05-01:1 4-09-08-01:2 4-10-02-02:1 "
                "4-14-06-02:0.5 4-07-04-06:0.5 4-13-01-03:0.5"),
    "property": _p("4-09-08-01:6 4-07-05-01:3 4-09-10-01:2 3-01-02-08:1"),
    "security": _p("4-07-05-01:8 4-09-08-01:1"),
    "housekeeping": _p("4-10-01-06:6 4-10-01-03:2 4-10-01-05:2 4-09-08-01:2"),
    "eldercare": _p("4-10-01-05:6 4-10-04-01:1 4-14-03-06:0.5 2-07-11-01:1 4-09-08-01:1 "
                    "4-03-02-01:0.5"),
    "crafts": _p("@crafts:7 4-01-06-01:1 4-01-06-02:0.5"),
    "media": _p("4-13-01-05:3 2-09-06-01:2 4-13-02-02:1.5 2-10-02-05:2 4-01-06-02:2"),
    "shop": _p("4-01-02-03:4 4-01-02-04:3 4-02-06-02:1", tobacco=0.2),
    "lottery_shop": _p("4-01-02-03:3 4-01-02-04:1", lottery=0.9),
    "self_food": _p("4-03-02-01:3 4-03-02-02:3 4-03-02-05:3"),
    "self_beauty": _p("4-10-03-02:3 4-10-03-01:2 4-10-03-03:1"),
    "self_repair": _p("4-12-03-02:3 4-12-02-01:2 4-12-04-02:1 4-12-04-03:1 4-12-05-02:0.1"),
    "self_express": _p("4-02-07-11:3 4-02-07-08:3 4-02-07-09:2 4-10-08-01:2"),
    "self_ecommerce": _p("4-01-06-01:4 4-01-06-02:3 4-04-05-03:2"),
    "self_farm": _p("5-01-02-01:2 5-01-02-02:3 5-01-02-03:2 5-01-02-05:1 5-03-02-01:1.5 "
                    "5-03-02-02:1.5 4-01-05-01:1 4-07-04-06:0.5 5-05-01-02:0.3"),
    "self_tailor": _p("4-10-02-01:3 4-10-02-02:2 6-05-01-03:1"),
    "self_craft": _p("@crafts:4 4-01-02-05:1 4-01-06-01:1"),
    "self_tea": _p("4-03-02-07:3 4-03-02-08:2 4-03-02-05:2"),
    "postal": _p("4-02-07-01:3 4-02-07-02:2 4-02-07-08:2 4-02-07-05:1 4-02-07-09:1", kiosk=0.5),
    "tobacco_co": _p("4-01-05-04:5 4-02-06-01:1 4-01-02-01:1", tobacco=0.6),
    "soe_general": _p("3-01-01-01:2 3-01-02-08:2 2-06-03-00:1 4-07-05-01:2 4-09-08-01:2 "
                      "4-04-05-03:2 4-02-06-01:1 4-13-01-06:1 4-07-02-03:0.5 4-07-02-05:0.3 "
                      "2-02-10-03:0.2", public_welfare=0.05),
    "agency": _p("3-01-01-01:3 3-01-02-04:2 4-13-01-06:2 3-01-04-01:2 3-01-04-02:3 "
                 "3-01-04-03:2 4-09-08-01:2 4-07-05-01:1 3-01-02-08:1 4-09-10-01:1",
                 public_welfare=0.5),
    "public_service": _p("3-01-04-03:3 4-07-03-01:2 2-07-11-01:2 4-13-01-08:1 4-14-03-06:1 "
                         "3-01-01-01:2 4-13-01-06:1 4-09-08-01:1 4-04-05-03:1 6-21-06-03:0.3",
                         public_welfare=0.35),
    "school": _p("4-10-01-03:2 3-01-02-08:2 4-09-08-01:3 4-07-05-01:2 4-13-01-07:1 "
                 "3-01-02-04:1 3-01-01-01:1 4-03-02-01:1 4-12-05-02:0.1", public_welfare=0.15),
    "special_school": _p("2-08-04-00:4 4-13-01-08:2 4-10-01-03:1 4-09-08-01:1 3-01-02-08:1",
                         public_welfare=0.1),
    "hospital": _p("2-05-10-00:2 4-10-01-05:3 4-09-08-01:3 4-01-02-04:1 3-01-02-08:1 "
                   "4-14-03-06:0.5 4-04-05-03:1 4-13-01-06:1 4-07-05-01:1", public_welfare=0.1),
    "culture": _p("4-13-01-07:3 4-13-01-03:3 4-13-01-06:2 4-13-01-08:0.5 6-09-03-08:0.5 "
                  "6-09-03-19:0.5 6-09-03-16:0.3 4-12-05-02:0.2", public_welfare=0.2),
    "lottery_centre": _p("4-01-02-03:3 3-01-01-01:1", lottery=0.8),
    "sanitation": _p("4-09-08-01:6 4-09-10-01:4 4-01-04-00:1", public_welfare=0.4),
    "social_org": _p("2-07-11-01:3 4-10-01-05:2 4-10-01-06:1 4-07-03-01:1 4-13-01-08:1 "
                     "2-08-04-00:1 4-14-03-06:1", public_welfare=0.1),
    "auxiliary": _p("6-09-03-09:3 6-09-03-17:2 6-05-01-06:3 6-09-03-01:1 6-31-05-00:3 "
                    "6-05-01-03:1 6-01-06-00:1 6-25-04-07:1 5-01-02-03:1 4-01-04-00:1 "
                    "4-09-08-01:1 4-01-06-01:0.5 6-09-03-11:1", auxiliary=0.97),
    "massage": _p("2-05-10-00:4 4-10-04-02:5 4-10-04-01:1", blind_massage=0.97),
}  # fmt: skip
# Reserved channels name their own jobs; auxiliary and massage keep the employer's.
_CHANNEL_JOBS = {
    "kiosk": "4-02-07-05:3 4-01-02-03:1", "lottery": "4-01-02-03:3 4-01-02-04:1 4-01-02-05:1",
    "tobacco": "4-01-05-04:3 4-01-02-03:2 4-01-02-04:1",
    "public_welfare": "4-09-08-01:4 3-01-04-02:2 3-01-04-01:2 4-09-10-01:2 4-07-05-01:1 "
                      "3-01-04-03:1 3-01-02-04:1 4-13-01-07:1 4-10-01-05:1",
}  # fmt: skip
# How common an occupation is within its sector, for "@sector" spreads (*assumption*).
_COMMON = {"4-01-02-03": 3, "4-01-02-04": 2, "4-02-07-08": 2, "4-02-05-01": 2, "6-31-05-00": 3,
           "4-12-05-02": 0.1, "3-01-02-06": 0.2, "4-12-04-03": 0.2, "2-02-10-03": 0.5,
           "5-05-01-02": 0.3, "6-09-03-16": 0.3}  # fmt: skip
# Shorter titles job ads use instead of the classification's name.
_TITLES = {
    "4-04-05-03": "客服专员", "6-31-05-00": "包装工|普工", "4-10-04-02": "按摩师",
    "2-05-10-00": "盲人医疗按摩师|推拿师", "4-02-06-01": "仓管员", "3-01-04-02": "网格员",
    "4-04-05-05": "数据标注员", "4-01-06-02": "主播|直播带货主播", "3-01-01-01": "文员",
    "3-01-02-05": "录入员", "4-07-05-01": "保安", "4-03-02-01": "厨师", "4-03-02-02": "面点师",
    "4-03-02-05": "服务员", "4-01-02-03": "营业员|导购员", "4-10-08-01": "外卖骑手",
    "6-05-01-03": "车工", "4-01-06-01": "电商运营|网店客服", "4-10-01-05": "护工",
    "4-09-08-01": "保洁", "4-02-05-01": "装卸工", "6-25-04-07": "电子装配工|普工",
    "4-13-01-05": "新媒体运营", "2-09-06-01": "平面设计师", "4-12-03-02": "家电维修师傅",
    "3-01-02-08": "后勤", "4-10-01-06": "保姆", "2-06-03-00": "会计",
}  # fmt: skip
_RESERVED_NOTE = {
    "kiosk": "邮政报刊亭新设点位，残疾人优先。", "lottery": "彩票新设销售网点，优先安排残疾人。",
    "tobacco": "残疾人首次申领烟草专卖零售许可证，网点间距不受限制。",
    "public_welfare": "公益性岗位，面向就业困难残疾人。",
    "auxiliary": "辅助性就业，按件计酬，就业辅导员现场指导。",
    "blind_massage": "盲人按摩岗位。",
}  # fmt: skip
Array = npt.NDArray[np.generic]


def _weights(spec: str, codes: list[str], sectors: list[str]) -> npt.NDArray[np.float64]:
    """Occupation probabilities from a profile spec ("code:w" and "@sector:w" tokens)."""
    w = np.zeros(len(codes))
    for token in spec.split():
        key, weight = token.rsplit(":", 1)
        if key.startswith("@"):
            members = [i for i, s in enumerate(sectors) if s == key[1:]]
            common = np.array([_COMMON.get(codes[i], 1.0) for i in members])
            w[members] += float(weight) * common / common.sum()
        else:
            w[codes.index(key)] += float(weight)
    return np.asarray(w / w.sum(), dtype=np.float64)


def channels_and_jobs(
    rng: np.random.Generator, profile: Array, codes: list[str], sectors: list[str]
) -> tuple[Array, Array]:
    """Channel per vacancy from its employer's profile, then an occupation fit for both."""
    channel = np.full(len(profile), "open", dtype=object)
    occupation = np.empty(len(profile), dtype=object)
    for name in sorted(set(profile.tolist())):
        rows = np.flatnonzero(profile == name)
        spec = PROFILES[name]
        options = ["open", *spec.channels]
        p = [1.0 - sum(spec.channels.values()), *spec.channels.values()]
        channel[rows] = np.array(options)[rng.choice(len(options), size=len(rows), p=p)]
        for option in options:
            sub = rows[channel[rows] == option]
            w = _weights(_CHANNEL_JOBS.get(option, spec.occupations), codes, sectors)
            occupation[sub] = np.array(codes)[rng.choice(len(codes), size=len(sub), p=w)]
    return channel.astype(str), occupation.astype(str)


def vacancy_texts(
    rng: np.random.Generator, occupation: Array, channel: Array, reserved: Array, hours: Array
) -> tuple[list[str], list[str]]:
    """Chinese title and a short description from the occupation's definition and tasks."""
    occupations = load_occupations()
    u = rng.random(len(occupation))
    pick = rng.integers(0, 6, len(occupation))  # which short title, when there are several
    titles, texts = [], []
    for i, code in enumerate(occupation):
        occ = occupations[code]
        short = _TITLES.get(code, occ.name).split("|")
        title = occ.name if u[i] < 0.4 else short[pick[i] % len(short)]
        if channel[i] == "public_welfare":
            title = f"公益性岗位（{title}）"
        elif channel[i] == "auxiliary":
            title = f"{title}（辅助性就业）"
        elif channel[i] == "open" and reserved[i]:
            title = f"{title}（残疾人专岗）"
        tasks = "；".join(occ.tasks[:3])
        note = _RESERVED_NOTE.get(str(channel[i]), "")
        part = f"非全日制，每天{hours[i]:g}小时。" if hours[i] < 8 else ""
        texts.append(f"{occ.definition.rstrip('。')}。主要工作：{tasks}。{note}{part}")
        titles.append(title)
    return titles, texts
