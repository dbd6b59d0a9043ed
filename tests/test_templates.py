"""Every data table of the site scrolls inside its own box on a narrow screen (site.css
``.table-wrap``), so a new page cannot widen the page on a phone by forgetting it."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "techbridge"


def test_every_data_table_sits_in_a_table_wrap():
    unwrapped = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r'<table class="list', text):
            before = text[: match.start()].rstrip()
            if not before.endswith('<div class="table-wrap">'):
                line = text.count("\n", 0, match.start()) + 1
                unwrapped.append(f"{template.relative_to(SRC)}:{line}")
    assert not unwrapped, unwrapped
