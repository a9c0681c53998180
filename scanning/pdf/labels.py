"""Page labels (the ``/PageLabels`` number tree) that show the paper page numbers.

A label that is a decimal number becomes a decimal range (``/S /D /St n``), continued for
as long as the following pages count up by one, so a 200-page run of documents costs one
entry. Anything else ("封面", "目录", "备考表") is a prefix without a number. An unnumbered
blank back is labelled after the page it backs ("3背", "封面背"), so every label names a
place in the paper and "go to page 37" lands on paper page 37, not on a blank back.
"""

from __future__ import annotations

from collections.abc import Sequence

from pikepdf import Array, Dictionary, Name, String

BLANK_BACK_SUFFIX = "背"


def display_labels(labels: Sequence[str | None]) -> list[str]:
    """The label a reader shows for every page, with blank backs named after their front."""
    shown: list[str] = []
    previous = ""
    for label in labels:
        if label is None:
            shown.append(f"{previous}{BLANK_BACK_SUFFIX}")
        else:
            shown.append(label)
            previous = label
    return shown


def _number(label: str) -> int | None:
    if label.isascii() and label.isdigit() and int(label) > 0 and str(int(label)) == label:
        return int(label)
    return None


def page_label_ranges(labels: Sequence[str | None]) -> list[tuple[int, dict[str, object]]]:
    """``(first page index, label dict)`` for each range, as plain values (for tests too)."""
    ranges: list[tuple[int, dict[str, object]]] = []
    expected: int | None = None
    for index, label in enumerate(display_labels(labels)):
        number = _number(label)
        if number is not None:
            if expected is not None and number == expected:
                expected += 1
                continue
            ranges.append((index, {"S": "D", "St": number}))
            expected = number + 1
        else:
            ranges.append((index, {"P": label}))
            expected = None
    return ranges


def page_labels_tree(labels: Sequence[str | None]) -> Dictionary:
    nums = Array()
    for index, spec in page_label_ranges(labels):
        entry = Dictionary(Type=Name.PageLabel)
        if "S" in spec:
            entry.S = Name("/" + str(spec["S"]))
            entry.St = spec["St"]
        else:
            entry.P = String(str(spec["P"]))
        nums.append(index)
        nums.append(entry)
    return Dictionary(Nums=nums)
