"""The bureau's rule configuration: ``DATA_DIR/supervision.toml`` (or ``.json``).

Keys and their meaning: ``ledgers.rules.config.OPTIONS``. The file is re-read when it
changes, so an edited limit, band or deduction applies to the next evaluation, ranking
or score (findings already recorded are updated by the next ``ecase check --record``).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from flask import current_app

from ledgers.rules.config import DEFAULT_CONFIG, ConfigError, RulesConfig

_cache: dict[str, tuple[float, RulesConfig]] = {}


def config_path() -> Path | None:
    data = Path(current_app.config["DATA_DIR"])
    for name in ("supervision.toml", "supervision.json"):
        if (data / name).exists():
            return data / name
    return None


def rules_config(override: str | Path | None = None) -> RulesConfig:
    """The configuration in force (``override`` names another file)."""
    path = Path(override) if override else config_path()
    if path is None:
        return DEFAULT_CONFIG
    mtime = path.stat().st_mtime
    hit = _cache.get(str(path))
    if hit is not None and hit[0] == mtime:
        return hit[1]
    cfg = read_config(path)
    _cache[str(path)] = (mtime, cfg)
    return cfg


def read_config(path: str | Path) -> RulesConfig:
    """A configuration file: TOML (keys at the top or under ``[supervision]``) or JSON."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        data = json.loads(text) if p.suffix == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read supervision settings {p}: {e}") from e
    return RulesConfig.from_mapping(data.get("supervision", data))
