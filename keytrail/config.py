"""Where the lake is: ``--lake``, else ``$KEYTRAIL_LAKE``, else ``./keytrail-lake``."""

from __future__ import annotations

import os
from pathlib import Path

ENV_LAKE = "KEYTRAIL_LAKE"
DEFAULT_LAKE = "keytrail-lake"


def lake_path(option: Path | None) -> Path:
    if option is not None:
        return option
    env = os.environ.get(ENV_LAKE)
    return Path(env) if env else Path(DEFAULT_LAKE)
