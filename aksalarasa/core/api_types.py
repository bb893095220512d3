"""Types the API modules share in their published schemas."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from pydantic import WithJsonSchema

# A time of day in the office's zone, without an offset ("15:00:00"). JSON Schema's "time" format
# (what pydantic would publish for `time`) is RFC 3339's full-time, which requires one: the
# document then described every answer as invalid (found by tests/test_api_fuzz.py).
LocalTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$",
            "description": "HH:MM:SS, office time",
        }
    ),
]
