"""Invented case facts: one consistent set of names, numbers and dates per seed.

A real dossier repeats the same case name, suspect and numbers on many documents; the
recognition's cross-checks rely on that, so the generator draws them once here and every
document of a volume renders from the same :class:`CaseFacts`. Everything is made up:
people come from common surname/given-name lists, places are invented, identity numbers
carry a valid checksum over a fictitious region code.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩凯健俊帆帅旭宁林峰波斌雪琳晶婷欣志新海龙飞云彬春梅瑞国庆东亮成永"
CITY_A = ["青川", "泺源", "东临", "明湖", "岱西", "华阳", "清河", "云台", "兴平", "安澜"]
DISTRICT_A = ["东河", "西城", "北岭", "南湖", "中原", "新桥", "槐荫", "历下", "天宁", "长清"]
CRIMES = ["盗窃", "诈骗", "故意伤害", "抢夺", "寻衅滋事", "帮助信息网络犯罪活动", "非法拘禁", "掩饰、隐瞒犯罪所得"]
VIOLATIONS = [
    ("殴打他人", "行政拘留十日，并处罚款五百元"),
    ("盗窃", "行政拘留五日"),
    ("扰乱公共秩序", "罚款二百元"),
    ("故意损毁财物", "行政拘留七日，并处罚款三百元"),
    ("赌博", "罚款一千元"),
]
STREETS = ["人民路", "解放路", "和平街", "建设路", "胜利街", "光明路", "幸福里", "文化路"]
NO_FILING_REASONS = ["没有犯罪事实", "犯罪事实显著轻微，不需要追究刑事责任", "具有其他依法不追究刑事责任情形"]
RELEASE_REASONS = ["取保候审期限届满", "案件已移送审查起诉", "不应当追究其刑事责任"]


@dataclass
class Person:
    name: str
    gender: str  # 男 / 女
    birth_date: dt.date
    id_no: str
    address: str


@dataclass
class CaseFacts:
    """Everything a volume needs to be self-consistent. Dates are :class:`datetime.date`."""

    seed: int
    city: str
    district: str
    authority: str  # 青川市公安局东河区分局
    abbrev: str  # 青东: the prefix of document numbers
    unit: str  # the handling police station
    procuratorate: str
    court: str
    detention_center: str
    review_body: str  # the government that hears administrative reviews
    crime: str
    case_name: str
    case_no: str
    incident_no: str
    suspects: list[Person]
    reporter: Person
    officers: list[str]
    clerk: str
    checker: str
    reported_at: dt.datetime
    accepted_on: dt.date
    filed_on: dt.date
    detained_on: dt.date
    arrest_requested_on: dt.date
    arrested_on: dt.date
    bail_on: dt.date
    bail_released_on: dt.date
    prosecution_on: dt.date
    no_filing_on: dt.date
    closed_on: dt.date
    serials: dict[str, str] = field(default_factory=dict)  # doc_no kind -> serial as printed
    year: int = 2018
    guarantee: str = "guarantor"
    guarantor: str = ""
    deposit: int = 0
    bail_release_reason: str = ""
    no_filing_reason: str = ""
    summary: str = ""
    case_source: str = "110指令"
    # administrative / review / litigation
    violation: str = ""
    penalty: str = ""
    party: Person | None = None
    penalty_on: dt.date | None = None
    review_no_prefix: str = ""
    review_decision: str = "upheld"
    review_on: dt.date | None = None
    court_case_no: str = ""
    judgment_result: str = "dismissed"
    judgment_on: dt.date | None = None


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def fake_id_no(rng: random.Random, birth: dt.date, gender: str) -> str:
    """An 18-character identity number with a valid ISO 7064 checksum.

    The region code starts with 99, which no real region uses.
    """
    region = f"99{rng.randint(0, 9999):04d}"
    seq = rng.randint(0, 99) * 10 + (rng.choice((1, 3, 5, 7, 9)) if gender == "男" else rng.choice((0, 2, 4, 6, 8)))
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def make_person(rng: random.Random, city: str, year: int) -> Person:
    gender = rng.choice("男女")
    birth = dt.date(year - rng.randint(19, 60), rng.randint(1, 12), rng.randint(1, 28))
    addr = f"{city}市{rng.choice(DISTRICT_A)}区{rng.choice(STREETS)}{rng.randint(1, 300)}号"
    return Person(person_name(rng), gender, birth, fake_id_no(rng, birth, gender), addr)


def _serial(rng: random.Random) -> str:
    n = rng.randint(1, 999)
    return f"{n:05d}" if rng.random() < 0.25 else str(n)


def make_case(seed: int) -> CaseFacts:
    """Draw one invented case. The same seed always gives the same facts."""
    rng = random.Random(seed * 7919 + 17)
    year = rng.choice((2016, 2017, 2018, 2019, 2020, 2021))
    city, district = rng.choice(CITY_A), rng.choice(DISTRICT_A)
    authority = f"{city}市公安局{district}区分局"
    suspects = [make_person(rng, city, year) for _ in range(rng.choice((1, 1, 2, 3)))]
    crime = rng.choice(CRIMES)
    case_name = f"{suspects[0].name}{crime}案" if rng.random() < 0.7 else f"{rng.choice(STREETS)}被{crime}案".replace("被盗窃", "被盗")
    reported_at = dt.datetime(year, rng.randint(1, 6), rng.randint(1, 28), rng.randint(0, 23), rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50)))
    day = reported_at.date()

    def later(d: dt.date, lo: int, hi: int) -> dt.date:
        return d + dt.timedelta(days=rng.randint(lo, hi))

    accepted = later(day, 0, 1)
    filed = later(accepted, 0, 3)
    detained = later(filed, 0, 2)
    requested = later(detained, 3, 7)
    arrested = later(requested, 5, 7)
    bail = later(detained, 3, 30)
    released = later(bail, 30, 300)
    prosecution = later(arrested, 30, 90)
    unit_code = f"{rng.randint(100000, 999999)}{rng.randint(100000, 999999)}"
    case_no = f"A{unit_code}{year}{reported_at.month:02d}{rng.randint(1, 9999):04d}"
    kinds = ["受案", "立", "立告", "不立", "拘", "取保", "解保", "提捕", "捕", "诉", "行罚决"]
    party = make_person(rng, city, year)
    violation, penalty = rng.choice(VIOLATIONS)
    facts = CaseFacts(
        seed=seed, city=city, district=district, authority=authority, abbrev=city[0] + district[0],
        unit=f"{rng.choice(STREETS)[:2]}派出所", procuratorate=f"{city}市{district}区人民检察院",
        court=f"{city}市{district}区人民法院", detention_center=f"{city}市看守所",
        review_body=f"{city}市{district}区人民政府", crime=crime, case_name=case_name,
        case_no=case_no, incident_no="J" + case_no[1:], suspects=suspects,
        reporter=make_person(rng, city, year),
        officers=[person_name(rng) for _ in range(2)], clerk=person_name(rng), checker=person_name(rng),
        reported_at=reported_at, accepted_on=accepted, filed_on=filed, detained_on=detained,
        arrest_requested_on=requested, arrested_on=arrested, bail_on=bail, bail_released_on=released,
        prosecution_on=prosecution, no_filing_on=later(accepted, 3, 20), closed_on=later(prosecution, 1, 10),
        serials={k: _serial(rng) for k in kinds}, year=year,
        guarantee=rng.choice(("guarantor", "deposit")), guarantor=person_name(rng),
        deposit=rng.choice((1000, 2000, 3000, 5000, 10000, 20000, 50000)),
        bail_release_reason=rng.choice(RELEASE_REASONS), no_filing_reason=rng.choice(NO_FILING_REASONS),
        case_source=rng.choice(("110指令", "工作中发现", "报案", "投案", "移送", "扭送", "其他")),
        violation=violation, penalty=penalty, party=party, penalty_on=later(day, 1, 20),
        review_decision=rng.choice(("upheld", "revoked", "altered", "declared_unlawful", "dismissed")),
        review_on=later(day, 60, 120), court_case_no=f"（{year}）{city[0]}{rng.randint(1000, 9999)}行初{rng.randint(1, 300)}号",
        judgment_result=rng.choice(("upheld", "revoked", "dismissed", "other")), judgment_on=later(day, 150, 300),
    )
    facts.summary = (
        f"{reported_at.year}年{reported_at.month}月{reported_at.day}日，报案人{facts.reporter.name}报称其在"
        f"{facts.reporter.address}发生{crime}一事，请求公安机关处理。"
    )
    return facts


def doc_no(facts: CaseFacts, kind: str) -> str:
    """The normalised document number of one kind, e.g. 青东公（刑）立字〔2018〕123号."""
    branch = "行" if kind.startswith("行") else "刑"
    return f"{facts.abbrev}公（{branch}）{kind}字〔{facts.year}〕{facts.serials[kind]}号"
