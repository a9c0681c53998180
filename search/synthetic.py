"""Synthetic pages written like FORMS.md's fixed wording, for tests and ``bench/search.py``.

All names, places, numbers and cases are made up from small character lists; nothing is
real personal data. Generation is by template (no images), so 100,000 pages take seconds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from .schema import PageRecord

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕春梅晓东文斌鹏飞宇浩然子涵欣怡思远佳琪俊杰雪梅立新宏伟德胜金凤玉珍长青永福"
DISTRICTS = ["天桥区", "历下区", "市中区", "槐荫区", "历城区", "长清区", "章丘区", "济阳区", "莱芜区", "钢城区"]
STREETS = ["北园大街", "经十路", "工业南路", "泉城路", "堤口路", "无影山路", "二环东路", "花园路", "山大路", "纬二路", "大明湖路", "历山路"]
CRIMES = ["盗窃", "诈骗", "故意伤害", "抢夺", "寻衅滋事", "非法拘禁", "敲诈勒索", "危险驾驶", "开设赌场", "妨害公务"]
VIOLATIONS = ["殴打他人", "盗窃", "赌博", "扰乱公共秩序", "故意损毁财物", "阻碍执行职务"]
AUTHORITIES = ["济南市公安局天桥区分局", "济南市公安局历下区分局", "济南市公安局市中区分局", "济南市公安局槐荫区分局"]
ABBR = ["济天", "济历", "济市", "济槐"]
CENTERS = ["济南市看守所", "济南市第一看守所", "济南市第二看守所"]
PROCS = ["济南市天桥区人民检察院", "济南市历下区人民检察院", "济南市市中区人民检察院"]
CN_DIGITS = "〇一二三四五六七八九"

DOC_KINDS = {
    "filing_decision": ("立案决定书", "刑", "立字"),
    "filing_notice": ("立案告知书", "刑", "立告字"),
    "acceptance_receipt": ("受案回执", "刑", "受案字"),
    "detention_warrant": ("拘留证", "刑", "拘字"),
    "bail_decision": ("取保候审决定书", "刑", "取保字"),
    "bail_release_decision": ("解除取保候审决定书", "刑", "解保字"),
    "arrest_request": ("提请批准逮捕书", "刑", "提捕字"),
    "admin_penalty_decision": ("行政处罚决定书", "行", "行罚决字"),
}


def cn_date(d: date) -> str:
    """二〇一八年一月十七日, as printed beside a seal."""
    year = "".join(CN_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_cn_num(d.month)}月{_cn_num(d.day)}日"


def _cn_num(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else CN_DIGITS[tens] + "十") + (CN_DIGITS[ones] if ones else "")


class PageFactory:
    """Deterministic generator of synthetic pages (same seed, same pages)."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)

    def name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def address(self) -> str:
        r = self.rng
        return f"济南市{r.choice(DISTRICTS)}{r.choice(STREETS)}{r.randint(1, 399)}号"

    def day(self) -> date:
        return date(2016, 1, 1) + timedelta(days=self.rng.randint(0, 365 * 5))

    def date_text(self, d: date) -> str:
        r = self.rng.random()
        if r < 0.4:
            return f"{d.year}年{d.month}月{d.day}日"
        if r < 0.7:
            return f"{d.year}年{d.month:02d}月{d.day:02d}日"
        return cn_date(d)

    def doc_no(self, abbr: str, cls: str, kind: str, year: int) -> str:
        r = self.rng
        serial = str(r.randint(1, 2999)).zfill(r.choice((1, 1, 5)))
        if r.random() < 0.7:
            return f"{abbr}公（{cls}）{kind}〔{year}〕{serial}号"
        return f"{abbr}公({cls}){kind}[{year}]{serial}号"

    def case_no(self, d: date) -> str:
        return f"A3701050{self.rng.randint(0, 99999):05d}{d.year}{d.month:02d}{self.rng.randint(1, 9999):04d}"

    def body(self, doc_type: str, case_name: str, suspect: str, other: str, d: date) -> str:
        r = self.rng
        when = self.date_text(d)
        if doc_type == "filing_decision":
            return f"根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对{case_name}立案侦查。"
        if doc_type == "filing_notice":
            return (
                f"{other}：你（单位）于{when}报称的{case_name}，我局经审查，认为有犯罪事实需要追究刑事责任，"
                "且属于管辖范围，根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，已决定立案。特此告知。"
            )
        if doc_type == "acceptance_receipt":
            return f"{other}：你（单位）于{when}报称的{case_name}一案我单位已受理。报案人住址{self.address()}。"
        if doc_type == "detention_warrant":
            gender = r.choice("男女")
            birth = self.date_text(date(r.randint(1960, 2002), r.randint(1, 12), r.randint(1, 28)))
            return (
                f"根据《中华人民共和国刑事诉讼法》第八十二条之规定，兹决定对犯罪嫌疑人{suspect}（性别{gender}，"
                f"出生日期{birth}，住址{self.address()}）执行拘留，送{r.choice(CENTERS)}羁押。"
            )
        if doc_type == "bail_decision":
            tail = (
                f"犯罪嫌疑人应当接受保证人{other}的监督。"
                if r.random() < 0.5
                else f"犯罪嫌疑人应当交纳保证金{r.randint(1, 50) * 1000}元。"
            )
            return (
                f"我局正在侦查{case_name}，因犯罪嫌疑人{suspect}可能判处管制、拘役，根据《中华人民共和国刑事诉讼法》"
                f"第六十七条之规定，决定对其取保候审，期限从{when}起算。{tail}"
            )
        if doc_type == "bail_release_decision":
            return (
                f"我局于{when}对{suspect}决定取保候审，现因取保候审期限届满，根据《中华人民共和国刑事诉讼法》"
                "第七十九条之规定，决定予以解除。"
            )
        if doc_type == "arrest_request":
            return (
                f"犯罪嫌疑人{suspect}，住址{self.address()}。{case_name}，经依法侦查查明：{when}，犯罪嫌疑人{suspect}"
                f"在{self.address()}实施犯罪，涉案价值{r.randint(500, 90000)}元。现提请{r.choice(PROCS)}批准逮捕。"
            )
        viol = r.choice(VIOLATIONS)
        return (
            f"违法行为人{suspect}，住址{self.address()}。现查明{when}，{suspect}在{self.address()}{viol}。"
            f"根据《中华人民共和国治安管理处罚法》第{r.randint(23, 70)}条之规定，决定给予行政拘留"
            f"{r.choice('五十')}日，并处罚款{r.randint(1, 10) * 100}元的处罚。"
        )

    def pages(self, n: int, *, units: int = 5, pages_per_case: int = 20) -> Iterator[PageRecord]:
        """``n`` pages: cases of ``pages_per_case`` pages in one volume, documents of 1-3 pages."""
        r = self.rng
        made = 0
        case_id = 0
        while made < n:
            case_id += 1
            unit_id = case_id % units + 1
            d0 = self.day()
            suspect = self.name()
            crime = r.choice(CRIMES)
            case_name = f"{suspect}涉嫌{crime}案"
            case_no = self.case_no(d0)
            ai = r.randrange(len(AUTHORITIES))
            page = 0
            while page < pages_per_case and made < n:
                doc_type = r.choice(list(DOC_KINDS))
                title, cls, kind = DOC_KINDS[doc_type]
                d = d0 + timedelta(days=r.randint(0, 90))
                doc_no = self.doc_no(ABBR[ai], cls, kind, d.year)
                other = self.name()
                spaced = " ".join(title) if r.random() < 0.3 else title
                first = f"{AUTHORITIES[ai]}\n{spaced}\n{doc_no}\n{self.body(doc_type, case_name, suspect, other, d)}"
                first += f"\n{AUTHORITIES[ai]}\n{self.date_text(d)}"
                n_pages = r.choice((1, 1, 2, 3))
                for k in range(n_pages):
                    if page >= pages_per_case or made >= n:
                        break
                    page += 1
                    text = first if k == 0 else self.continuation(suspect, case_name)
                    yield PageRecord(
                        key=f"c{case_id}p{page}",
                        text=text,
                        case_id=case_id,
                        unit_id=unit_id,
                        case_no=case_no,
                        case_name=case_name,
                        case_kind="criminal" if cls == "刑" else "administrative",
                        volume_id=case_id,
                        volume_kind="criminal_main",
                        volume_no=1,
                        page=page,
                        label=str(page),
                        doc_key=f"c{case_id}d{page - k}",
                        doc_type=doc_type,
                        doc_no=doc_no,
                        doc_date=d,
                        persons=(suspect, other),
                        fields={"case_name": case_name, "suspect_name": suspect},
                    )
                    made += 1

    def continuation(self, suspect: str, case_name: str) -> str:
        r = self.rng
        return (
            f"询问笔录\n问：你叫什么名字？\n答：我叫{self.name()}，住{self.address()}。\n"
            f"问：你认识{suspect}吗？\n答：认识，{self.date_text(self.day())}我在{r.choice(STREETS)}见过他，"
            f"电话{r.randint(13000000000, 18999999999)}。"
        )
