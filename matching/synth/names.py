"""Chinese personal names and phone numbers for synthetic persons.

Surnames are the most common in Shandong (李 王 张 刘 … by the 2020 census order of magnitude);
given-name characters are common ones, split by the sex they are typically given to.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SURNAMES = tuple(
    "王李张刘陈杨赵孙马周吴徐高朱胡郭林何罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
# The top ten surnames carry about 40% of the population; the rest share the remainder.
SURNAME_WEIGHTS = np.array([8.0] * 10 + [1.6] * (len(SURNAMES) - 10))
MALE_CHARS = tuple("伟强磊军勇杰涛斌超明刚辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林建国庆志成")
FEMALE_CHARS = tuple("芳娜敏静丽艳娟霞秀玲燕红梅莉婷雪琳晶颖慧倩洁萍琴兰英佳欣悦璐")


def person_names(rng: np.random.Generator, sexes: npt.NDArray[np.str_]) -> list[str]:
    n = len(sexes)
    surname = rng.choice(SURNAMES, size=n, p=SURNAME_WEIGHTS / SURNAME_WEIGHTS.sum())
    two_chars = rng.random(n) < 0.7
    first = np.where(sexes == "M", rng.choice(MALE_CHARS, size=n), rng.choice(FEMALE_CHARS, size=n))
    second = np.where(
        sexes == "M", rng.choice(MALE_CHARS, size=n), rng.choice(FEMALE_CHARS, size=n)
    )
    return [
        f"{s}{a}{b}" if two else f"{s}{a}"
        for s, a, b, two in zip(surname, first, second, two_chars, strict=True)
    ]


MOBILE_PREFIXES = np.array(
    [
        "135",
        "136",
        "138",
        "139",
        "150",
        "151",
        "155",
        "158",
        "166",
        "176",
        "180",
        "186",
        "187",
        "188",
        "189",
        "199",
    ]
)


def mobile_numbers(rng: np.random.Generator, n: int) -> list[str]:
    prefixes = rng.choice(MOBILE_PREFIXES, n)
    tails = rng.integers(0, 100_000_000, n)
    return [f"{p}{t:08d}" for p, t in zip(prefixes, tails, strict=True)]
