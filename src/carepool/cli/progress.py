"""Rich progress bars on stderr for imports and long checks (hidden when stderr is not a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from carepool.io import Progress as ProgressCallback


class ImportProgress:
    """One bar per file; the importers call ``for_file(kind, path)``'s callback as they go."""

    def __init__(self, bars: Progress) -> None:
        self._bars = bars

    def for_file(self, kind: str, path: Path) -> ProgressCallback:
        task: TaskID = self._bars.add_task(f"{path.name}", total=None)

        def report(done: int, total: int, stage: str) -> None:
            self._bars.update(
                task, description=f"{path.name} [dim]({stage})[/]", completed=done, total=total
            )

        return report


@contextmanager
def import_progress() -> Iterator[ImportProgress]:
    console = Console(stderr=True)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    with bars:
        yield ImportProgress(bars)


@contextmanager
def counting_progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """One bar for a long count (``report(done, total)``), on stderr when it is a terminal."""
    console = Console(stderr=True)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    with bars:
        task = bars.add_task(description, total=None)

        def report(done: int, total: int) -> None:
            bars.update(task, completed=done, total=total)

        yield report
