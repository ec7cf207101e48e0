"""Conformance cases, and the per-session book that builds them once and polls each once.

Why a book: a case may need a live peer started, a recording read, a target
built; a poll may take seconds. Collection must not pay for any of it (it
needs only the ids), and the kit's dozen checks per case must not poll a
dozen times. The book lives as long as the test process, one per conformance
class: the first check that needs a case builds them all (``cases()`` is
called once), and the first check that needs a case's poll or probe runs it;
every other check reads the cached outcome.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dcmaint.drivers.tape import Recording, replaying
from dcmaint.drivers.target import Target
from dcmaint.testing.expect import Expectation


@dataclass(frozen=True)
class ConformanceCase:
    """One recorded device: an id for test names, the target to poll, and the expectation.

    ``recording``, when given, is a file written by ``dcmaint record``: the kit
    replays it (:func:`dcmaint.drivers.tape.replaying`) around every poll of
    the case, so the driver's own transport reads the recorded answers.
    ``family`` names the device family the case proves (``"HPE iLO 5"``) in
    the support matrix; a case without one is checked but not listed there.
    """

    id: str
    target: Target
    expect: Expectation = field(default_factory=Expectation)
    recording: Path | None = None
    family: str | None = None

    @classmethod
    def replay(
        cls, path: str | Path, expect: Expectation | None = None, *, family: str | None = None, id: str | None = None
    ) -> ConformanceCase:
        """A case that polls the target a recording names and answers from the recording."""
        recording = Recording.load(path)
        return cls(
            id or recording.name, recording.target(), expect or Expectation(), recording=Path(path), family=family
        )

    def replayed(self) -> contextlib.AbstractContextManager[Any]:
        """The context a poll of this case runs in: the recording replayed, or nothing."""
        if self.recording is None:
            return contextlib.nullcontext()
        return replaying(Recording.load(self.recording))


@dataclass(frozen=True)
class Outcome:
    """What one call did: a report (or identity, or batch answer) or an exception, and what it wrote to stdout."""

    report: Any
    error: BaseException | None
    stdout: str


class CaseBook:
    """The cases of one conformance class and what their polls and probes did, built on first use."""

    def __init__(self, build: Callable[[], Iterable[ConformanceCase]]) -> None:
        self._build = build
        self._cases: dict[str, ConformanceCase] | None = None
        self.polls: dict[str, Outcome] = {}
        self.probes: dict[str, Outcome] = {}

    def cases(self) -> dict[str, ConformanceCase]:
        """Every case by id, built by the first caller; a duplicate id is an error of the case list."""
        if self._cases is None:
            built: dict[str, ConformanceCase] = {}
            for case in self._build():
                if case.id in built:
                    raise AssertionError(f"two cases have the id {case.id!r}: ids name the tests, make them unique")
                built[case.id] = case
            self._cases = built
        return self._cases

    def built(self) -> bool:
        """Whether the cases were built in this session (the matrix reads only what was built)."""
        return self._cases is not None

    def case(self, case_id: str) -> ConformanceCase:
        """The case named ``case_id``, which ``case_ids()`` promised ``cases()`` would return."""
        found = self.cases().get(case_id)
        if found is None:
            raise AssertionError(f"case_ids() names {case_id!r}, but cases() returns no case with that id")
        return found

    def poll(self, case_id: str, run: Callable[[], Outcome]) -> Outcome:
        """The case's poll outcome, from ``run`` the first time it is asked for."""
        if case_id not in self.polls:
            self.polls[case_id] = run()
        return self.polls[case_id]

    def probe(self, case_id: str, run: Callable[[], Outcome]) -> Outcome:
        """The case's probe outcome, from ``run`` the first time it is asked for."""
        if case_id not in self.probes:
            self.probes[case_id] = run()
        return self.probes[case_id]


#: One book per conformance class for the whole test process.
_BOOKS: dict[type, CaseBook] = {}


def book_for(kit: type, build: Callable[[], Iterable[ConformanceCase]]) -> CaseBook:
    """The book of conformance class ``kit``; ``build`` lists its cases when first needed."""
    if kit not in _BOOKS:
        _BOOKS[kit] = CaseBook(build)
    return _BOOKS[kit]


def existing_book(kit: type) -> CaseBook | None:
    """The book of ``kit`` when one was opened in this process, for the support matrix."""
    return _BOOKS.get(kit)
