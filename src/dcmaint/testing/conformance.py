"""The driver conformance kit: the same contract tests for every driver, fed with its own recorded data.

A vendor subclasses :class:`BaseDriverConformance` in their test suite, names
the driver class, and lists :class:`ConformanceCase` objects, each a target
plus what the poll should produce. The recorded device answers are the
vendor's business: typically ``make_driver`` builds the driver with a fake
transport that replays files, or the target's ``options`` point at them.

Every case runs every check as its own test, so a failure names the case and
the rule it broke. A batch driver (one that implements ``poll_batch``) is
polled per case through ``poll_batch([target])`` when it has no ``poll``, and
is also polled once for all cases that share a batch key, as the runner
would: every case must come back in that answer as it did alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import pytest

from dcmaint.drivers.base import Driver
from dcmaint.drivers.declaration import declaration_problem
from dcmaint.drivers.errors import CONTRACT_ERRORS, DriverError, ErrorKind
from dcmaint.drivers.health import Health
from dcmaint.drivers.report import DeviceIdentity, DeviceReport
from dcmaint.drivers.tape import Recording, replaying
from dcmaint.drivers.target import Target
from dcmaint.testing.checks import report_problems


@dataclass(frozen=True)
class Expectation:
    """What one case should produce; None means "not checked".

    ``error`` expects the poll to raise that contract error instead of
    returning a report; ``faults`` lists the locations of the components that
    must be reported as faults (order does not matter).
    """

    status: Health | None = None
    error: ErrorKind | None = None
    faults: tuple[str, ...] | None = None
    serial: str | None = None


@dataclass(frozen=True)
class ConformanceCase:
    """One recorded device: an id for test names, the target to poll, and the expectation.

    ``recording``, when given, is a file written by ``dcmaint record``: the kit
    replays it (:func:`dcmaint.drivers.tape.replaying`) around every poll of
    the case, so the driver's own transport reads the recorded answers.
    ``family`` names the device family the case proves (``"HPE iLO 5"``) in
    the support matrix.
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
    """What one poll did: a report or an exception, and what it wrote to stdout."""

    report: Any
    error: BaseException | None
    stdout: str


class BaseDriverConformance:
    """Subclass as ``class TestMyDriver(BaseDriverConformance)`` and set ``driver_class`` and ``cases``."""

    #: The driver under test.
    driver_class: ClassVar[type[Driver]]
    #: Seconds one recorded poll may take before the kit calls it hung.
    poll_timeout: ClassVar[float] = 30.0

    def cases(self) -> Iterable[ConformanceCase]:
        """The recorded devices to poll. Override; return at least one case."""
        raise NotImplementedError("list the recorded cases: override cases()")

    def make_driver(self, case: ConformanceCase) -> Driver:
        """The driver instance for ``case``; override to inject a replaying transport."""
        return self.driver_class()

    def pytest_generate_tests(self, metafunc: Any) -> None:
        if "conformance_case" in metafunc.fixturenames:
            cases = list(self.cases())
            metafunc.parametrize("conformance_case", cases, ids=[case.id for case in cases])

    def poll(self, case: ConformanceCase) -> Outcome:
        """Run one poll the way the runner would, capturing stdout and any exception.

        A driver without ``poll`` is polled through ``poll_batch([target])``; a contract error it
        answers for the target counts as raised.
        """
        driver = self.make_driver(case)
        with case.replayed():
            if "poll" in self.driver_class.capabilities():
                return self._captured(lambda: driver.poll(case.target), "poll")
            batch = self._captured(lambda: driver.poll_batch([case.target]), "poll_batch")
        if batch.error is not None:
            return batch
        return _entry(batch, case.target.name)

    def _captured(self, call: Any, what: str) -> Outcome:
        stdout = io.StringIO()
        value: Any = None
        error: BaseException | None = None
        with contextlib.redirect_stdout(stdout):
            try:
                value = asyncio.run(asyncio.wait_for(call(), self.poll_timeout))
            except TimeoutError:
                error = AssertionError(f"{what} did not return within {self.poll_timeout:g} s")
            except Exception as exc:  # noqa: BLE001 - judged by the tests below
                error = exc
        return Outcome(value, error, stdout.getvalue())

    def batches(self) -> list[list[ConformanceCase]]:
        """The cases grouped as the runner would group them (by ``batch_key``); a target whose name is taken
        in its group is renamed after its case id, as names key the answer.

        Asserts that ``batch_key`` gives the same string every time it is asked (no I/O, no state).
        """
        groups: dict[str, list[ConformanceCase]] = {}
        for case in self.cases():
            driver = self.make_driver(case)
            key = driver.batch_key(case.target)
            assert isinstance(key, str), f"{case.id}: batch_key returned {type(key).__name__}, not str"
            assert driver.batch_key(case.target) == key, f"{case.id}: batch_key changed between two calls"
            # Each recording answers for its own endpoint: cases replaying different recordings never share a call.
            group = groups.setdefault(f"{key} {case.recording or ''}", [])
            if any(other.target.name == case.target.name for other in group):
                case = replace(case, target=replace(case.target, name=case.id))
            group.append(case)
        return list(groups.values())

    # -- the checks --------------------------------------------------------

    def test_declares_itself(self) -> None:
        """The class has a valid name, a version, device kinds, and implements poll."""
        problem = declaration_problem(self.driver_class)
        assert problem is None, problem

    def test_has_cases(self) -> None:
        assert list(self.cases()), "cases() returned no recorded devices"

    def test_raises_only_contract_errors(self, conformance_case: ConformanceCase) -> None:
        outcome = self.poll(conformance_case)
        if outcome.error is not None:
            assert isinstance(outcome.error, CONTRACT_ERRORS), (
                f"poll raised {type(outcome.error).__name__}: {outcome.error} - drivers may raise only "
                f"{', '.join(cls.__name__ for cls in CONTRACT_ERRORS)}"
            )

    def test_returns_a_conforming_report(self, conformance_case: ConformanceCase) -> None:
        outcome = self.poll(conformance_case)
        if isinstance(outcome.error, DriverError) and conformance_case.expect.error is not None:
            return  # an expected failure: checked by test_meets_expectation
        assert outcome.error is None, f"poll raised {type(outcome.error).__name__}: {outcome.error}"
        problems = report_problems(outcome.report)
        assert not problems, "the report breaks the contract:\n  " + "\n  ".join(problems)

    def test_does_not_print(self, conformance_case: ConformanceCase) -> None:
        outcome = self.poll(conformance_case)
        assert outcome.stdout == "", f"poll wrote to stdout: {outcome.stdout[:200]!r}"

    def test_probe_answers_within_the_contract(self, conformance_case: ConformanceCase) -> None:
        """A driver that implements probe returns a DeviceIdentity or None, or raises a contract error; one that
        does not raises NotImplementedError, which is what ``capabilities()`` and the support matrix read."""
        driver = self.make_driver(conformance_case)
        if "probe" not in self.driver_class.capabilities():
            with pytest.raises(NotImplementedError), conformance_case.replayed():
                asyncio.run(asyncio.wait_for(driver.probe(conformance_case.target), self.poll_timeout))
            return
        try:
            with conformance_case.replayed():
                found = asyncio.run(asyncio.wait_for(driver.probe(conformance_case.target), self.poll_timeout))
        except DriverError:
            return
        except Exception as error:  # noqa: BLE001 - reported as the failure
            raise AssertionError(f"probe raised {type(error).__name__}: {error}") from None
        assert found is None or isinstance(found, DeviceIdentity), f"probe returned {type(found).__name__}"

    def test_meets_expectation(self, conformance_case: ConformanceCase) -> None:
        _meets(conformance_case.expect, self.poll(conformance_case))

    def test_one_batch_answers_every_case(self) -> None:
        """``batch_key`` is a stable string, and the cases that share one, polled in one ``poll_batch`` call, each
        come back as the contract says and as their expectation says. A driver without ``poll_batch`` raises
        NotImplementedError from it, so the runner polls its targets one by one."""
        if "poll_batch" not in self.driver_class.capabilities():
            case = self.batches()[0][0]
            with pytest.raises(NotImplementedError), case.replayed():
                asyncio.run(asyncio.wait_for(self.make_driver(case).poll_batch([case.target]), self.poll_timeout))
            return
        for group in self.batches():
            driver = self.make_driver(group[0])
            with contextlib.ExitStack() as replays:
                for recording in sorted({case.recording for case in group if case.recording is not None}):
                    replays.enter_context(replaying(Recording.load(recording)))
                batch = self._captured(
                    lambda d=driver, g=group: d.poll_batch([case.target for case in g]), "poll_batch"
                )
            assert batch.stdout == "", f"poll_batch wrote to stdout: {batch.stdout[:200]!r}"
            assert batch.error is None or isinstance(batch.error, CONTRACT_ERRORS), (
                f"poll_batch raised {type(batch.error).__name__}: {batch.error}"
            )
            for case in group:
                outcome = batch if batch.error is not None else _entry(batch, case.target.name)
                if isinstance(outcome.error, AssertionError):
                    raise outcome.error
                assert outcome.error is None or isinstance(outcome.error, CONTRACT_ERRORS), (
                    f"{case.id}: poll_batch answered {type(outcome.error).__name__}, not a contract error"
                )
                if outcome.error is None:
                    problems = report_problems(outcome.report)
                    assert not problems, f"{case.id}: the report breaks the contract:\n  " + "\n  ".join(problems)
                _meets(case.expect, outcome, case.id)


def _entry(batch: Outcome, name: str) -> Outcome:
    """One target's part of a ``poll_batch`` answer, as if its own poll had returned or raised it."""
    answer = batch.report
    if not isinstance(answer, Mapping):
        return Outcome(
            None, AssertionError(f"poll_batch returned {type(answer).__name__}, not a mapping"), batch.stdout
        )
    if name not in answer:
        return Outcome(None, AssertionError(f"poll_batch answered no entry for {name!r}"), batch.stdout)
    value = answer[name]
    if isinstance(value, BaseException):
        return Outcome(None, value, batch.stdout)
    return Outcome(value, None, batch.stdout)


def _meets(expect: Expectation, outcome: Outcome, case: str = "") -> None:
    """Assert that ``outcome`` is what ``expect`` says; ``case`` prefixes messages from a batch."""
    where = f"{case}: " if case else ""
    if expect.error is not None:
        kind = outcome.error.kind if isinstance(outcome.error, DriverError) else None
        assert kind == expect.error, f"{where}expected a {expect.error.value} error, got {outcome.error!r}"
        return
    assert isinstance(outcome.report, DeviceReport), f"{where}poll failed: {outcome.error!r}"
    report = outcome.report
    if expect.status is not None:
        assert report.status == expect.status, f"{where}status {report.status.value}, expected {expect.status.value}"
    if expect.faults is not None:
        found = sorted(component.location for component in report.faults())
        assert found == sorted(expect.faults), f"{where}faults at {found}, expected {sorted(expect.faults)}"
    if expect.serial is not None:
        assert report.identity.serial == expect.serial, f"{where}serial {report.identity.serial!r}"
