"""The same code on a real PostgreSQL server: migrations, the model, the access rules.

``./dev test`` starts a throw-away server on loopback and sets ECASE_TEST_POSTGRES_URL.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.postgres


def test_migrations_and_model_on_postgres(pg_app: Any) -> None:
    from sqlalchemy import select

    from ecase import db
    from ecase.access import Actor, visible_cases
    from ecase.accounts.operations import authenticate, create_user
    from ecase.migrate import pending
    from ecase.models import Case, Document, DocumentField, Page, Scan, Unit, Volume, VolumePage, VolumeVersion

    s = db.session()
    assert not pending(s.get_bind())
    east, west = Unit(name="东关派出所"), Unit(name="西门派出所")
    s.add_all([east, west])
    s.flush()
    clerk, _ = create_user("pgclerk", "内勤", east, "clerk", "a long enough password")
    case = Case(case_no="A3701050200002018010099", name="丙某盗窃案", unit_id=east.id)
    s.add_all([case, Case(case_no="A3701050200002018010098", name="丁某诈骗案", unit_id=west.id)])
    s.flush()
    vol = Volume(case_id=case.id, kind="criminal_main", number=1)
    s.add(vol)
    s.flush()
    scan = Scan(volume_id=vol.id, sha256="0" * 64, size=1, filename="卷1.pdf", media_type="application/pdf")
    s.add(scan)
    s.flush()
    page = Page(scan_id=scan.id, scan_index=1, ocr={"width": 10, "height": 10,
                                                    "words": [["立案", 1, 1, 5, 5, 91.5, 0]], "lines": []},
                text="立案决定书", state="done")
    s.add(page)
    s.flush()
    version = VolumeVersion(volume_id=vol.id, number=1)
    version.pages.append(VolumePage(position=1, page_id=page.id, label="1"))
    doc = Document(seq=1, type="filing_decision", title="立案决定书", first_position=1, last_position=1)
    doc.fields.append(DocumentField(name="decided_on", value="2018-01-17", page_id=page.id, box=[1, 1, 5, 5],
                                    conf=0.9, raw="二〇一八年一月十七日"))
    version.documents.append(doc)
    s.add(version)
    s.commit()

    s.expire_all()
    assert authenticate("pgclerk", "a long enough password") is not None
    seen = {c.name for c in s.scalars(visible_cases(Actor.of(clerk)))}
    assert seen == {"丙某盗窃案"}
    stored = s.scalars(select(Page)).one()
    assert stored.ocr["words"][0][0] == "立案"
    assert s.scalars(select(Document)).one().values() == {"decided_on": "2018-01-17"}
