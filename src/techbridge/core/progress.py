"""Progress bars for long command-line work that reports in named stages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

StageReport = Callable[[str, int, int], None]


@contextmanager
def stage_progress(console: Console | None = None) -> Iterator[StageReport]:
    """Yield ``report(stage, done, total)``: one bar per stage, on stderr unless told otherwise.

    A stage with nothing to do (total 0) shows as one finished step rather than an empty bar.
    """
    with Progress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=max(total, 1))
            progress.update(tasks[stage], completed=done if total else 1, total=max(total, 1))

        yield report
