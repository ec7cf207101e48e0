"""The preventive maintenance task types dcmaint ships, and the interval in force at a site.

The types are package data (``dcmaint/data/maintenance/tasks.toml``, read
once per process); a site's own interval, agreed with its customer, is a row
of ``pm_intervals`` (``dcmaint pm task interval``) and wins over the type's.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from dcmaint.domain.preventive import Interval, TaskType, interval, task_types
from dcmaint.errors import NotFound
from dcmaint.i18n import _

TASK_FILE = "tasks.toml"


@cache
def shipped() -> tuple[TaskType, ...]:
    """The task types of the package, in the file's order."""
    import tomllib

    from dcmaint.paths import bundled

    path = bundled("maintenance") / TASK_FILE
    return task_types(tomllib.loads(path.read_text(encoding="utf-8")), f"maintenance/{TASK_FILE}")


def find(task_type: str) -> TaskType:
    """A shipped task type by its id; an unknown one is refused naming the known ones."""
    for task in shipped():
        if task.id == task_type:
            return task
    raise NotFound(
        _("unknown task type {value!r}: choose one of {choices}").format(
            value=task_type, choices=", ".join(t.id for t in shipped())
        )
    )


def interval_at(task: TaskType, site_id: int, overrides: Mapping[tuple[int, str], str]) -> Interval:
    """The interval in force for ``task`` at the site: the site's own when it has one, else the type's."""
    own = overrides.get((site_id, task.id))
    return interval(own, _("interval")) if own else task.every
