"""City and district names recur in every institution of a volume: a one-character
misreading seen on one line only is put right; a name read alike on two lines is kept."""

from __future__ import annotations

from scanning.recognition.places import reconcile_places
from scanning.types import FieldValue


def fv(value: str, line: int) -> FieldValue:
    return FieldValue(value, line, (0, line * 100, 500, line * 100 + 40), 0.8, value)


def test_one_line_misreading_is_put_right() -> None:
    docs = [
        {"authority": fv("青川市公安局长清区分局", 1)},
        {"authority": fv("青川市公安局长清区分局", 2), "procuratorate": fv("青川市长清区人民检察院", 3)},
        {"authority": fv("青川市长请区人民法院", 4), "court": fv("青川市长请区人民法院", 4)},  # one printed line
        {"authority": fv("育川市公安局长清区分局", 5)},
    ]
    changes = reconcile_places(docs)
    assert docs[2]["court"].value == "青川市长清区人民法院" and docs[2]["authority"].value == "青川市长清区人民法院"
    assert docs[3]["authority"].value == "青川市公安局长清区分局"
    assert docs[3]["authority"].raw == "育川市公安局长清区分局" and docs[3]["authority"].page == 5
    assert len(changes) == 3


def test_another_district_read_on_two_lines_is_kept() -> None:
    docs = [
        {"authority": fv("青川市公安局东城区分局", 1)},
        {"authority": fv("青川市公安局东城区分局", 2)},
        {"authority": fv("青川市公安局东城区分局", 3)},
        {"authority": fv("青川市西城区人民法院", 4)},
        {"defendant": fv("青川市西城区人民政府", 5)},
    ]
    assert reconcile_places(docs) == []
    assert docs[3]["authority"].value == "青川市西城区人民法院"


def test_signature_lines_count_as_readings() -> None:
    docs = [{"authority": fv("兴平市公安局天于区分局", 1), "procuratorate": fv("兴平市天宁区人民检察院", 2)}]
    assert reconcile_places(docs) == []  # one reading against one: left alone
    signature = fv("兴平市公安局天宁区分局", 3)
    reconcile_places(docs, (signature,))
    assert docs[0]["authority"].value == "兴平市公安局天宁区分局"
    assert signature.value == "兴平市公安局天宁区分局" and docs[0]["procuratorate"].value == "兴平市天宁区人民检察院"
