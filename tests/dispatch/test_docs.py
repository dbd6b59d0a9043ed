"""docs/dispatch.md lists the states and transitions as built."""

from __future__ import annotations

from pathlib import Path

from techbridge.dispatch import workflow as wf

DOC = Path(__file__).resolve().parents[2] / "docs" / "dispatch.md"
KINDS = {"E": "enterprise_application", "C": "commissioner_application", "D": "dispatch"}


def _codes(cell: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("`") for part in cell.split(",") if part.strip())


def test_the_documented_table_is_the_transition_table():
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 9 and cells[0] in KINDS:
            kind, action, sources, target, parties = cells[:5]
            rows.append(
                (
                    KINDS[kind],
                    action.strip("`"),
                    _codes(sources),
                    target.strip("`"),
                    _codes(parties),
                )
            )
    built = [
        (s.kind, s.action, tuple(s.sources), s.target, tuple(str(p) for p in s.parties))
        for s in wf.STEPS
    ]
    assert rows == built
