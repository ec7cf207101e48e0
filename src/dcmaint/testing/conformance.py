"""The driver conformance kit: the same contract tests for every driver, fed with its own recorded data.

A vendor subclasses :class:`BaseDriverConformance` in their test suite, names
the driver class, and lists :class:`ConformanceCase` objects, each a target
plus what the poll should produce. The recorded device answers are the
vendor's business: typically each case replays a file written by ``dcmaint
record`` (:meth:`ConformanceCase.replay`), or ``make_driver`` injects a fake
transport.

Every case runs every check as its own test, so a failure names the case and
the rule it broke. Cases are lazy: collection asks only ``case_ids()``
(override it when building the cases is costly, e.g. starts a simulator;
by default it builds them, once); the first check that needs a case builds
them all, and each case is polled and probed once per test process, every
check reading the cached outcome (:mod:`dcmaint.testing.cases`).

A batch driver (one that implements ``poll_batch``) is polled per case
through ``poll_batch([target])`` when it has no ``poll``, and is also polled
once for all cases that share a batch key, as the runner would: every case
must come back in that answer as it did alone.

``Driver.features`` is held honest both ways: a feature a report shows that
the class does not declare fails that case, and a declared feature no case
shows fails the class.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

import pytest

from dcmaint.drivers.base import Driver
from dcmaint.drivers.declaration import declaration_problem
from dcmaint.drivers.errors import CONTRACT_ERRORS, DriverError
from dcmaint.drivers.features import shown
from dcmaint.drivers.report import DeviceIdentity, DeviceReport
from dcmaint.drivers.tape import Recording, replaying
from dcmaint.testing.cases import CaseBook, ConformanceCase, Outcome, book_for
from dcmaint.testing.checks import report_problems
from dcmaint.testing.expect import RULE_FIELDS, RULES, Expectation, PartExpect

__all__ = ["BaseDriverConformance", "ConformanceCase", "Expectation", "Outcome", "PartExpect"]


class BaseDriverConformance:
    """Subclass as ``class TestMyDriver(BaseDriverConformance)`` and set ``driver_class`` and ``cases``."""

    #: The driver under test.
    driver_class: ClassVar[type[Driver]]
    #: Seconds one recorded poll may take before the kit calls it hung.
    poll_timeout: ClassVar[float] = 30.0

    def cases(self) -> Iterable[ConformanceCase]:
        """The recorded devices to poll. Override; return at least one case. Called once per test process."""
        raise NotImplementedError("list the recorded cases: override cases()")

    def case_ids(self) -> Iterable[str]:
        """The ids of :meth:`cases`, all that test collection needs.

        By default the cases are built to read their ids (once: the checks reuse them). Override it with a
        cheap list when building a case is costly (a simulator to start, a device to reach), so that
        collecting, listing (``--collect-only``) or deselecting the tests costs nothing;
        ``test_case_ids_match_cases`` then checks that both lists agree.
        """
        return list(self._book().cases())

    def make_driver(self, case: ConformanceCase) -> Driver:
        """The driver instance for ``case``; override to inject a replaying transport."""
        return self.driver_class()

    def pytest_generate_tests(self, metafunc: Any) -> None:
        if "conformance_case" in metafunc.fixturenames:
            ids = list(self.case_ids())
            metafunc.parametrize("conformance_case", ids, ids=ids, indirect=True)

    @pytest.fixture(name="conformance_case")
    def _conformance_case(self, request: Any) -> ConformanceCase:
        """The case a parametrized check runs on, built (with every other case) on first use."""
        return self._book().case(request.param)

    def _book(self) -> CaseBook:
        return book_for(type(self), self.cases)

    def outcome(self, case: ConformanceCase) -> Outcome:
        """The case's poll, run the first time any check asks for it and cached for the test process."""
        return self._book().poll(case.id, lambda: self.poll(case))

    def probed(self, case: ConformanceCase) -> Outcome:
        """The case's probe (identity or exception), run once like :meth:`outcome`."""
        driver = self.make_driver(case)

        def run() -> Outcome:
            with case.replayed():
                return self._captured(lambda: driver.probe(case.target), "probe")

        return self._book().probe(case.id, run)

    def poll(self, case: ConformanceCase) -> Outcome:
        """Run one poll the way the runner would, capturing stdout and any exception (uncached).

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
        for case in self._book().cases().values():
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

    def _report(self, case: ConformanceCase, rule: str) -> DeviceReport:
        """The case's report for an expectation rule; skips when the case states nothing the rule reads."""
        expect = case.expect
        if expect.error is not None:
            pytest.skip(f"the case expects the contract error {expect.error.value}, not a report")
        if not set(RULE_FIELDS[rule]) & set(expect.checked()):
            pytest.skip(f"the case states none of: {', '.join(RULE_FIELDS[rule])}")
        outcome = self.outcome(case)
        assert isinstance(outcome.report, DeviceReport), f"poll failed: {outcome.error!r}"
        return outcome.report

    def _rule(self, case: ConformanceCase, rule: str) -> None:
        problems = RULES[rule](case.expect, self._report(case, rule))
        assert not problems, "\n  ".join(problems)

    # -- the checks --------------------------------------------------------

    def test_declares_itself(self) -> None:
        """The class has a valid name, a version, device kinds, known features, and implements poll."""
        problem = declaration_problem(self.driver_class)
        assert problem is None, problem

    def test_has_cases(self) -> None:
        assert self._book().cases(), "cases() returned no recorded devices"

    def test_case_ids_match_cases(self) -> None:
        """``case_ids()`` (what collection saw) and ``cases()`` (what runs) name the same cases, once each."""
        ids = list(self.case_ids())
        assert len(set(ids)) == len(ids), f"case_ids() names a case twice: {ids}"
        built = list(self._book().cases())
        assert sorted(ids) == sorted(built), f"case_ids() gives {sorted(ids)}, cases() builds {sorted(built)}"

    def test_raises_only_contract_errors(self, conformance_case: ConformanceCase) -> None:
        outcome = self.outcome(conformance_case)
        if outcome.error is not None:
            assert isinstance(outcome.error, CONTRACT_ERRORS), (
                f"poll raised {type(outcome.error).__name__}: {outcome.error} - drivers may raise only "
                f"{', '.join(cls.__name__ for cls in CONTRACT_ERRORS)}"
            )

    def test_returns_a_conforming_report(self, conformance_case: ConformanceCase) -> None:
        outcome = self.outcome(conformance_case)
        if isinstance(outcome.error, DriverError) and conformance_case.expect.error is not None:
            return  # an expected failure: checked by test_meets_expectation
        assert outcome.error is None, f"poll raised {type(outcome.error).__name__}: {outcome.error}"
        problems = report_problems(outcome.report)
        assert not problems, "the report breaks the contract:\n  " + "\n  ".join(problems)

    def test_does_not_print(self, conformance_case: ConformanceCase) -> None:
        outcome = self.outcome(conformance_case)
        assert outcome.stdout == "", f"poll wrote to stdout: {outcome.stdout[:200]!r}"

    def test_probe_answers_within_the_contract(self, conformance_case: ConformanceCase) -> None:
        """A driver that implements probe returns a DeviceIdentity or None, or raises a contract error; one that
        does not raises NotImplementedError, which is what ``capabilities()`` and the support matrix read."""
        outcome = self.probed(conformance_case)
        if "probe" not in self.driver_class.capabilities():
            assert isinstance(outcome.error, NotImplementedError), (
                f"probe is not overridden, yet did not raise NotImplementedError: {outcome.error!r}"
            )
            return
        if isinstance(outcome.error, DriverError):
            return
        if outcome.error is not None:
            raise AssertionError(f"probe raised {type(outcome.error).__name__}: {outcome.error}")
        found = outcome.report
        assert found is None or isinstance(found, DeviceIdentity), f"probe returned {type(found).__name__}"

    def test_meets_expectation(self, conformance_case: ConformanceCase) -> None:
        """The expected error, or ``status``, ``faults`` and ``serial``."""
        _meets(conformance_case.expect, self.outcome(conformance_case), rules=("basics",))

    def test_fault_parts_are_identified(self, conformance_case: ConformanceCase) -> None:
        """``parts`` and ``fault_identity``: the part identity a spare is matched on."""
        self._rule(conformance_case, "parts")

    def test_sensors_are_reported(self, conformance_case: ConformanceCase) -> None:
        """``sensors`` and ``sensor_health``."""
        self._rule(conformance_case, "sensors")

    def test_events_are_reported(self, conformance_case: ConformanceCase) -> None:
        """``events_at_least`` and ``event_codes``."""
        self._rule(conformance_case, "events")

    def test_archive_is_reported(self, conformance_case: ConformanceCase) -> None:
        """``archive``: sections and keys."""
        self._rule(conformance_case, "archive")

    def test_alarms_are_reported(self, conformance_case: ConformanceCase) -> None:
        """``alarms``."""
        self._rule(conformance_case, "alarms")

    def test_declares_the_features_it_shows(self, conformance_case: ConformanceCase) -> None:
        """A feature the report carries is one ``driver_class.features`` declares: the declaration stays honest."""
        report = self.outcome(conformance_case).report
        if not isinstance(report, DeviceReport):
            return  # no report, nothing shown: judged by the checks above
        undeclared = sorted(set(shown(report)) - set(self.driver_class.features))
        assert not undeclared, (
            f"the report shows {', '.join(undeclared)}, which {self.driver_class.__name__}.features does not declare"
        )

    def test_every_declared_feature_is_shown(self) -> None:
        """Each feature ``driver_class.features`` declares is carried by the report of at least one case."""
        seen: set[str] = set()
        for case in self._book().cases().values():
            report = self.outcome(case).report
            if isinstance(report, DeviceReport):
                seen |= shown(report)
        missing = sorted(set(self.driver_class.features) - seen)
        assert not missing, f"{self.driver_class.__name__}.features declares {', '.join(missing)}, shown by no case"

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


#: The kit's own checks: what a ``--dcmaint-matrix`` run collects.
KIT_CHECKS = frozenset(name for name in vars(BaseDriverConformance) if name.startswith("test_"))


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


def _meets(expect: Expectation, outcome: Outcome, case: str = "", rules: Iterable[str] = tuple(RULES)) -> None:
    """Assert that ``outcome`` is what ``expect`` says under ``rules``; ``case`` prefixes messages from a batch."""
    where = f"{case}: " if case else ""
    if expect.error is not None:
        kind = outcome.error.kind if isinstance(outcome.error, DriverError) else None
        assert kind == expect.error, f"{where}expected a {expect.error.value} error, got {outcome.error!r}"
        return
    assert isinstance(outcome.report, DeviceReport), f"{where}poll failed: {outcome.error!r}"
    problems = [problem for rule in rules for problem in RULES[rule](expect, outcome.report)]
    assert not problems, where + f"\n  {where}".join(problems)
