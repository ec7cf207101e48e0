"""Replaying recordings in a driver's tests: the same driver code, the device's recorded answers.

A file written by ``dcmaint record`` (docs/recording.md) is a regression
fixture: :func:`replay_poll` polls the recorded target with the driver while
the recording answers for the device, and :func:`assert_replays_as_recorded`
checks that the driver still turns those answers into the report (or the
error) it gave when the recording was made. The driver's transport must offer
the record/replay hook (:func:`dcmaint.drivers.tape.deck_for`).

These are synchronous helpers for plain test functions; each runs its own
event loop.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dcmaint.drivers.base import Driver
from dcmaint.drivers.errors import DriverError
from dcmaint.drivers.report import DeviceReport
from dcmaint.drivers.tape import Recording, replaying

__all__ = ["Recording", "assert_replays_as_recorded", "refresh_recordings", "replay_poll", "replaying"]

#: Keys of a report that say when and how fast it was polled, not what the device said.
TIMING_KEYS = ("polled_at", "duration")


def _recording(source: Recording | str | Path) -> Recording:
    return source if isinstance(source, Recording) else Recording.load(source)


def _instance(driver: Driver | type[Driver]) -> Driver:
    return driver() if isinstance(driver, type) else driver


async def _poll(driver: Driver, recording: Recording, timeout: float) -> DeviceReport:
    target = recording.target(timeout=timeout)
    if "poll" in type(driver).capabilities():
        return await asyncio.wait_for(driver.poll(target), timeout)
    answer = await asyncio.wait_for(driver.poll_batch([target]), timeout)
    if target.name not in answer:
        raise AssertionError(f"poll_batch answered for {sorted(answer)}, not for {target.name!r}")
    value = answer[target.name]
    if isinstance(value, BaseException):
        raise value
    return value


def replay_poll(
    driver: Driver | type[Driver], recording: Recording | str | Path, *, timeout: float = 30.0
) -> DeviceReport:
    """Poll the recording's target with ``driver`` (an instance or a class) while the recording answers.

    Polls through the driver's capabilities as ``dcmaint record`` did (``poll``, else
    ``poll_batch([target])``). Raises what the driver raises: the recorded contract error when the
    recording holds one, :class:`~dcmaint.drivers.errors.ProtocolError` when the driver asks a question
    that was not recorded (it changed what it asks).
    """
    chosen = _recording(recording)
    with replaying(chosen):
        return asyncio.run(_poll(_instance(driver), chosen, timeout))


def _plain(report: Any) -> Any:
    data = json.loads(json.dumps(report, ensure_ascii=False, default=str))
    if isinstance(data, dict):
        for key in TIMING_KEYS:
            data.pop(key, None)
    return data


def _first_difference(recorded: Any, replayed: Any, where: str = "report") -> str:
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        for key in sorted({*recorded, *replayed}):
            if recorded.get(key) != replayed.get(key):
                return _first_difference(recorded.get(key), replayed.get(key), f"{where}.{key}")
    if isinstance(recorded, list) and isinstance(replayed, list) and len(recorded) == len(replayed):
        for index, (left, right) in enumerate(zip(recorded, replayed, strict=True)):
            if left != right:
                return _first_difference(left, right, f"{where}[{index}]")
    shown = [json.dumps(value, ensure_ascii=False)[:200] for value in (recorded, replayed)]
    return f"{where}: recorded {shown[0]}, replayed {shown[1]}"


def assert_replays_as_recorded(
    driver: Driver | type[Driver], recording: Recording | str | Path, *, timeout: float = 30.0
) -> None:
    """The regression check: replaying gives the recorded report (``polled_at`` and ``duration`` aside), or the
    recorded error's kind; AssertionError naming the first difference otherwise."""
    chosen = _recording(recording)
    try:
        report = replay_poll(driver, chosen, timeout=timeout)
    except DriverError as error:
        if chosen.error is None:
            raise AssertionError(
                f"{chosen.name}: the recording holds a report, the replay raised {error.kind.value}: {error}"
            ) from error
        if error.kind.value != chosen.error["kind"]:
            raise AssertionError(
                f"{chosen.name}: recorded {chosen.error['kind']} ({chosen.error.get('message')}), "
                f"replayed {error.kind.value} ({error})"
            ) from error
        return
    if chosen.error is not None:
        raise AssertionError(f"{chosen.name}: recorded {chosen.error['kind']}, the replay returned a report")
    recorded, replayed = _plain(chosen.report), _plain(report.as_json())
    if recorded != replayed:
        raise AssertionError(f"{chosen.name}: {_first_difference(recorded, replayed)}")


def refresh_recordings(folder: str | Path, recordings: Iterable[Recording], *, check: bool = False) -> list[str]:
    """Write each recording as ``folder/NAME.json`` where its text changed; the names of the files that did.

    What a script that makes fixtures from simulators needs to rerun safely: an unchanged recording is not
    rewritten (its file stays byte for byte), and ``check`` writes nothing, so that ``--check`` can fail
    when a fixture is stale.
    """
    folder = Path(folder)
    changed = []
    for recording in recordings:
        path = folder / f"{recording.name}.json"
        text = recording.text()
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(path.name)
        if not check:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return changed
