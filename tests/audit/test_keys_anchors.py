"""Issue 13: an audit trail that cannot be rewritten.

The attack of the issue (standard library only: rename one entry's user, delete another,
re-hash everything after them and the head) must be caught, in every disguise open to
someone without the key; someone with the key is caught by the anchors written before.
Legacy entries (plain SHA-256, written before keys) still verify and cannot be rewritten
or imitated; entries before and after a key rotation verify.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update

from ecase import db
from ecase.access import Actor
from ecase.audit import anchors, keys, record, verify
from ecase.audit.chain import entry_hash
from ecase.models import AuditEntry, AuditHead
from ecase.models._types import utcnow
from ecase.models.audit import GENESIS


def _fill(n: int = 8, who: str = "zhang") -> None:
    actor = Actor(7, 1, "clerk", who)
    for i in range(n):
        record(actor, "view", "case", i, {"i": i, "名称": "测试"})
    db.session().commit()


def _db_path(app: Any) -> str:
    return app.config["DATABASE_URL"].removeprefix("sqlite:///")


def _attack(app: Any, forge: Callable[..., None], **kw: Any) -> None:
    db.session().close()
    conn = sqlite3.connect(_db_path(app))
    try:
        forge(conn, **kw)
    finally:
        conn.close()


def _key() -> keys.AuditKey:
    newest = keys.load(keys.configured_path()).newest
    assert newest is not None
    return newest


def _verify_cli(runner: Any, *args: str) -> Any:
    return runner.invoke(args=["audit", "verify", *args])


def test_the_key_file_is_made_on_first_use_and_private(app: Any) -> None:
    path = Path(app.config["DATA_DIR"]) / "audit.key"
    assert not path.exists()
    _fill(2)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ring = keys.load(path)
    assert len(ring.keys) == 1 and ring.keys[0].first_seq == 1
    assert len(ring.keys[0].secret) == 32 and ring.keys[0].secret.hex() not in repr(ring)
    rows = db.session().scalars(select(AuditEntry)).all()
    assert {e.key_id for e in rows} == {ring.keys[0].id}
    assert verify(db.session()).key_ids == (ring.keys[0].id,)


def test_the_key_file_setting_is_followed(app_config: dict[str, Any], template_db: Path,
                                          tmp_path: Path) -> None:
    import shutil

    from ecase import create_app

    elsewhere = tmp_path / "etc" / "ecase-audit.key"
    data = Path(app_config["DATA_DIR"])
    data.mkdir(parents=True)
    shutil.copy(template_db, data / "ecase.sqlite")
    app = create_app({**app_config, "AUDIT_KEY_FILE": str(elsewhere)})
    with app.app_context():
        _fill(1)
        assert elsewhere.exists() and not (data / "audit.key").exists()
        assert verify(db.session()).ok
    app.extensions["ecase.db"].engine.dispose()


def test_a_key_file_made_by_hand_gets_its_first_key(app: Any) -> None:
    path = keys.configured_path()
    path.write_text("# ours, kept on the encrypted volume")
    path.chmod(0o600)
    _fill(2)
    ring = keys.load(path)
    assert len(ring.keys) == 1 and path.read_text().startswith("# ours, kept on the encrypted volume\n")
    assert verify(db.session()).ok


# --- the attack of the issue -----------------------------------------------------------


@pytest.mark.parametrize("disguise", [
    pytest.param({}, id="sha256-posing-as-legacy"),
    pytest.param({"keep_key_id": True}, id="sha256-keeping-the-key-id"),
    pytest.param({"key": ("k1-00000000", b"guessed" * 5)}, id="own-key"),
])
def test_the_issue_attack_without_the_key_is_caught(app: Any, runner: Any, forge: Any,
                                                     disguise: dict[str, Any]) -> None:
    """Failed before issue 13's fix: with the plain SHA-256 chain, `verify` said OK."""
    _fill()
    _attack(app, forge, **disguise)
    result = verify(db.session())
    assert not result.ok and result.bad_seq == 1, result.reason
    out = _verify_cli(runner)
    assert out.exit_code == 1 and "BROKEN at entry 1" in out.output


def test_the_attack_with_the_real_key_id_but_another_secret_is_caught(app: Any, forge: Any) -> None:
    _fill()
    _attack(app, forge, key=(_key().id, b"\0" * 32))
    result = verify(db.session())
    assert not result.ok and "altered" in result.reason


def test_the_key_holder_is_caught_by_an_anchor(app: Any, runner: Any, forge: Any) -> None:
    """Holding the key, the attacker re-signs a chain that verifies by its keys; the anchor
    taken before the rewrite does not match it any more."""
    _fill()
    out = runner.invoke(args=["audit", "anchor"])
    assert out.exit_code == 0, out.output
    anchor_seq = 9  # eight entries, then the anchor's own
    assert f" {anchor_seq}:" in out.output
    _fill(3)
    key = _key()
    _attack(app, forge, key=(key.id, key.secret))
    assert verify(db.session(), anchors=[]).ok  # what the key alone cannot tell
    result = verify(db.session())
    assert not result.ok and result.bad_seq == anchor_seq
    assert "audit-anchors.log line 1" in result.reason
    cli = _verify_cli(runner)
    assert cli.exit_code == 1 and "anchor" in cli.output


def test_a_truncation_by_the_key_holder_is_caught_by_an_anchor(app: Any, runner: Any) -> None:
    _fill(4)
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0  # entry 5
    s = db.session()
    s.execute(delete(AuditEntry).where(AuditEntry.seq >= 4))
    last = s.scalars(select(AuditEntry).where(AuditEntry.seq == 3)).one()
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=3, hash=last.hash))
    s.commit()
    result = verify(s)
    assert not result.ok and result.bad_seq == 5 and "beyond the chain's end" in result.reason


def test_paper_anchor(app: Any, runner: Any, forge: Any) -> None:
    _fill(4)
    out = runner.invoke(args=["audit", "anchor"])
    paper = out.output.split("for the paper register: ")[1].split()[-1]  # "5:<16 hex>"
    assert paper.startswith("5:") and len(paper.split(":")[1]) == anchors.MIN_PREFIX
    (Path(app.config["DATA_DIR"]) / "audit-anchors.log").unlink()  # the file is gone too
    assert _verify_cli(runner, "--anchor", paper).exit_code == 0
    key = _key()
    _attack(app, forge, rename=(2, "li"), delete=None, key=(key.id, key.secret))
    assert _verify_cli(runner).exit_code == 0
    bad = _verify_cli(runner, "--anchor", paper)
    assert bad.exit_code == 1 and "--anchor" in bad.output and "entry 5" in bad.output
    assert _verify_cli(runner, "--anchor", "5:abc").exit_code != 0  # too short to be one


def test_anchor_files_and_out(app: Any, runner: Any, tmp_path: Path) -> None:
    _fill(2)
    usb = tmp_path / "usb" / "anchors.txt"
    out = runner.invoke(args=["audit", "anchor", "--out", str(usb)])
    assert out.exit_code == 0, out.output
    line = (Path(app.config["DATA_DIR"]) / "audit-anchors.log").read_text().strip()
    assert usb.read_text().strip() == line and line.endswith(" 3:" + verify(db.session()).head_hash)
    assert anchors.read(usb)[0].seq == 3
    ok = _verify_cli(runner, "--anchors", str(usb))
    assert ok.exit_code == 0 and "2 anchors" in ok.output
    entry = db.session().scalars(select(AuditEntry).where(AuditEntry.seq == 3)).one()
    assert entry.action == "audit.anchor" and entry.username.startswith("shell:")


def test_anchor_refuses_a_broken_chain(app: Any, runner: Any) -> None:
    _fill(3)
    db.session().execute(update(AuditEntry).where(AuditEntry.seq == 2).values(ip="10.0.0.9"))
    db.session().commit()
    out = runner.invoke(args=["audit", "anchor"])
    assert out.exit_code == 1 and "entry 2" in out.output
    assert not (Path(app.config["DATA_DIR"]) / "audit-anchors.log").exists()


def test_a_garbled_anchors_file_is_an_error(app: Any, runner: Any) -> None:
    _fill(2)
    (Path(app.config["DATA_DIR"]) / "audit-anchors.log").write_text("# ok\nnot an anchor\n")
    out = _verify_cli(runner)
    assert out.exit_code != 0 and "line 2" in out.output


# --- legacy entries --------------------------------------------------------------------


def _legacy(n: int) -> None:
    """Entries as written before keys: plain SHA-256, no key id."""
    s = db.session()
    prev = GENESIS
    for seq in range(1, n + 1):
        fields = {"seq": seq, "at": utcnow(), "user_id": 1, "username": "old", "role": "clerk",
                  "unit_id": 1, "ip": "", "action": "view", "target_type": "case",
                  "target_id": str(seq), "detail": None, "prev_hash": prev}
        prev = entry_hash(fields)
        s.execute(insert(AuditEntry).values(**fields, hash=prev, key_id=None))
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=n, hash=prev))
    s.commit()


def test_legacy_entries_still_verify(app: Any) -> None:
    _legacy(5)
    result = verify(db.session())
    assert result.ok and result.legacy == 5 and result.key_ids == ()
    _fill(3)
    result = verify(db.session())
    assert result.ok and result.count == 8 and result.legacy == 5
    assert _key().first_seq == 6  # the key file fixes where legacy entries end


def test_legacy_entries_cannot_be_rewritten_after_the_first_key(app: Any, forge: Any) -> None:
    _legacy(5)
    _fill(3)
    _attack(app, forge, rename=(2, "nobody"), delete=None)  # everything as "legacy" again
    result = verify(db.session())
    assert not result.ok and result.bad_seq == 6
    assert "must be signed with" in result.reason


def test_a_legacy_entry_rewritten_alone_breaks_the_first_signed_one(app: Any) -> None:
    _legacy(5)
    _fill(2)
    s = db.session()
    prev = s.scalars(select(AuditEntry.hash).where(AuditEntry.seq == 2)).one()
    rows = s.scalars(select(AuditEntry).where(AuditEntry.seq >= 3, AuditEntry.seq <= 5)
                     .order_by(AuditEntry.seq)).all()
    rows[0].username = "nobody"
    for e in rows:  # re-hash the legacy part, as anyone can
        e.prev_hash = prev
        e.hash = prev = entry_hash({k: getattr(e, k) for k in
                                    ("seq", "at", "user_id", "username", "role", "unit_id", "ip",
                                     "action", "target_type", "target_id", "detail", "prev_hash")})
    s.commit()
    result = verify(s)
    assert not result.ok and result.bad_seq == 6 and "does not link" in result.reason


def test_the_key_file_remembers_how_long_the_chain_was(app: Any) -> None:
    """Everything deleted and the head set back to zero: no anchor needed to notice,
    the key was made after entry 5."""
    _legacy(5)
    _fill(3)
    s = db.session()
    s.execute(delete(AuditEntry))
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=0, hash=GENESIS))
    s.commit()
    result = verify(s, anchors=[])
    assert not result.ok and result.bad_seq == 1 and "after entry 5" in result.reason


def test_signed_entries_need_the_key_file(app: Any, runner: Any) -> None:
    _fill(2)
    keys.configured_path().rename(Path(app.config["DATA_DIR"]) / "elsewhere")
    out = _verify_cli(runner)
    assert out.exit_code == 1 and "does not exist" in out.output


# --- rotation ----------------------------------------------------------------------------


def test_rotation_keeps_old_entries_verifiable(app: Any, runner: Any) -> None:
    _fill(3)
    old = _key()
    out = runner.invoke(args=["audit", "rotate-key"])
    assert out.exit_code == 0, out.output
    new = _key()
    assert new.id != old.id and new.id.startswith("k2-") and new.first_seq == 4
    _fill(2)
    rows = db.session().scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.key_id for e in rows] == [old.id] * 3 + [new.id] * 4  # rotation, anchor, two
    assert rows[3].action == "audit.rotate_key" and rows[3].detail["previous"] == old.id
    assert stat.S_IMODE(keys.configured_path().stat().st_mode) == 0o600
    result = verify(db.session())
    assert result.ok and result.key_ids == (old.id, new.id) and result.anchors == 1


def test_an_old_key_cannot_resign_what_a_newer_one_signed(app: Any, runner: Any, forge: Any) -> None:
    """A leaked old key, after rotation, re-signs the whole chain: caught at the first
    entry the new key signed, even without anchors."""
    _fill(3)
    old = _key()
    assert runner.invoke(args=["audit", "rotate-key"]).exit_code == 0
    _fill(2)
    (Path(app.config["DATA_DIR"]) / "audit-anchors.log").unlink()
    _attack(app, forge, rename=(5, "nobody"), delete=None, key=(old.id, old.secret))
    result = verify(db.session())
    assert not result.ok and result.bad_seq == 4 and "or a newer key" in result.reason


def test_keys_never_go_back(app: Any) -> None:
    """An entry signed with an old key after one signed with a newer key is refused."""
    from ecase.audit.chain import _fields

    _fill(2)
    old = _key()
    keys.add_key(keys.configured_path(), 50)  # a key file rotated ahead of the chain
    _fill(2)  # entries 3 and 4, signed with the new key
    s = db.session()
    last = s.scalars(select(AuditEntry).where(AuditEntry.seq == 4)).one()
    assert last.key_id != old.id
    last.key_id = old.id
    last.hash = entry_hash(_fields(last), old)
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=last.hash))
    s.commit()
    result = verify(s)
    assert not result.ok and result.bad_seq == 4
    assert "after entries signed with the newer key" in result.reason


def test_a_garbled_key_file_is_refused_without_showing_it(app: Any, runner: Any) -> None:
    _fill(1)
    path = keys.configured_path()
    secret = path.read_text().splitlines()[-1].split()[-1]
    path.write_text(path.read_text().replace(secret, secret[:-2] + "zz"))
    out = _verify_cli(runner)
    assert out.exit_code != 0 and "第 4 行" in out.output and secret[:-2] not in out.output
