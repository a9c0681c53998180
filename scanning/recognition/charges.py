"""The closed vocabulary that ends a case name: charges (罪名) and administrative causes (案由).

A case name is ``{who or where}{charge}案`` (张伟盗窃案, 幸福里被盗案). The charge is a word
of a closed list fixed by the Criminal Law and the Public Security Administration Punishments
Law, so a charge read one character off (寻峰滋事, 盗穷, 被资) can be put right without
guessing: only a single substitution against exactly one word of the list is corrected, and
the name part is never touched.
"""

from __future__ import annotations

CHARGES = (
    # criminal charges most often seen at a district bureau
    "盗窃", "诈骗", "抢劫", "抢夺", "故意伤害", "故意杀人", "寻衅滋事", "敲诈勒索", "故意毁坏财物",
    "聚众斗殴", "交通肇事", "危险驾驶", "帮助信息网络犯罪活动", "非法拘禁", "妨害公务", "赌博", "开设赌场",
    "强奸", "强制猥亵", "组织卖淫", "容留卖淫", "贩卖毒品", "非法持有毒品", "容留他人吸毒", "掩饰、隐瞒犯罪所得",
    "掩饰隐瞒犯罪所得", "职务侵占", "合同诈骗", "信用卡诈骗", "非法吸收公众存款", "集资诈骗", "侵占", "放火",
    "非法侵入住宅", "非法经营", "生产、销售伪劣产品", "拒不支付劳动报酬", "伪造公司、企业、事业单位、人民团体印章",
    "伪造、变造、买卖国家机关公文、证件、印章", "非法获取公民个人信息", "侵犯公民个人信息", "拐卖妇女、儿童",
    # administrative causes (治安管理处罚法)
    "殴打他人", "故意损毁财物", "扰乱单位秩序", "扰乱公共场所秩序", "阻碍执行职务", "吸食毒品", "卖淫", "嫖娼",
    "非法侵入他人住宅", "散布谣言", "谎报险情", "偷窃", "骗取", "哄抢", "猥亵", "赌博", "违反治安管理",
    # the victim's side, as case names are often written (幸福里被盗案)
    "被盗", "被抢", "被骗", "被抢劫", "被抢夺", "被诈骗", "被打", "被伤害", "被寻衅滋事",
)
#: charges whose name holds a pause mark, longest first
_WITH_PAUSE = sorted({c for c in CHARGES if "、" in c}, key=len, reverse=True)
_BY_LEN: dict[int, tuple[str, ...]] = {}
for _c in set(CHARGES):
    _BY_LEN[len(_c)] = _BY_LEN.get(len(_c), ()) + (_c,)


def one_an(case_name: str) -> str:
    """``case_name`` ending in 案 once: 正在侦查{case_name}案 filled with a name that has its 案
    already prints 光明路被盗案案."""
    while case_name.endswith("案案"):
        case_name = case_name[:-1]
    return case_name


def fix_charge(case_name: str) -> str:
    """``case_name`` with its charge put right when OCR misread one of its characters.

    The longest ending (before 案) that is one substitution from exactly one charge of the
    same length is replaced; an ending that already is a charge, or is near none or several,
    leaves the name as read. A name ending in 案 twice ends in it once.
    """
    case_name = one_an(case_name)
    if not case_name.endswith("案") or len(case_name) < 4:
        return case_name
    body = case_name[:-1]
    # a charge whose name holds 、 read with its 、 lost (掩饰隐瞒犯罪所得): the name as the law writes it
    for c in _WITH_PAUSE:
        bare = c.replace("、", "")
        if body.endswith(bare) and len(body) > len(bare):
            return body[:-len(bare)] + c + "案"
    lengths = [n for n in sorted(_BY_LEN, reverse=True) if n < len(body)]  # keep one character of who
    if any(body[-n:] in _BY_LEN[n] for n in lengths):  # ends with a charge as read (黄兰艳抢夺)
        return case_name
    for n in lengths:
        tail = body[-n:]
        near = [c for c in _BY_LEN[n] if sum(a != b for a, b in zip(c, tail)) == 1]
        # a two-character charge is only corrected in its second character (盗穷 → 盗窃):
        # a changed first character would more likely be a different word
        if n == 2:
            near = [c for c in near if c[0] == tail[0]]
        if len(near) == 1:
            return body[:-n] + near[0] + "案"
    return case_name
