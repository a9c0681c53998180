from __future__ import annotations

from pathlib import Path

from ecase import settings

REPO = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    doc = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings.markdown(), "docs/settings.md is stale: run `ecase settings --markdown > docs/settings.md`"
    for s in settings.SETTINGS:
        assert s.help.strip(), s.name


def test_environment_and_overrides(tmp_path: Path) -> None:
    env = {"ECASE_DATA_DIR": str(tmp_path), "ECASE_MAX_UPLOAD_MB": "7", "ECASE_TASKS_EAGER": "yes"}
    values = settings.load(None, env)
    assert values["MAX_UPLOAD_MB"] == 7 and values["TASKS_EAGER"] is True
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path / 'ecase.sqlite'}"
    assert values["BROKER_URL"].startswith("sqla+sqlite:///")
    assert settings.load({"MAX_UPLOAD_MB": 3}, env)["MAX_UPLOAD_MB"] == 3


def test_unknown_setting_is_refused() -> None:
    import pytest

    with pytest.raises(KeyError):
        settings.load({"NOT_A_SETTING": 1}, {})
