"""`health --record` records each chunk as its results arrive, while the rest of the run is still polling.

The results reach :class:`StreamRecorder` in the order the devices answered,
not the run's; what it leaves must be what the finished run recorded whole
leaves (docs/health.md, "Recording at fleet scale"). A chunk is in the store
before the run ends, the devices settled without a poll are recorded at the
end, and a chunk that fails stops the recording and reaches the caller.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

import pytest

from dcmaint.errors import UsageError
from dcmaint.services.context import Context
from dcmaint.services.health import HealthRun
from dcmaint.services.recording_stream import StreamRecorder
from dcmaint.store.reader import open_reader
from dcmaint.store.urls import parse
from tests.test_record_batches import (
    NAMES,
    OK_PSU,
    START,
    _by_device,
    _poll,
    _record,
    _rounds,
    _site_view,
    two_sites,  # noqa: F401 - the fixture, shared with the batch tests
)


def _streamed(context: Context, results: list, chunk: int, order: list[int]) -> tuple:
    """``results`` handed to a recorder one by one in ``order`` (as devices answer), then the run finished."""
    # whole chunks only: a device polled twice in one run opens a ticket for a fault its second poll closes when
    # the polls fall in two chunks, as in two runs, and none in one; the rounds keep those two polls together
    with StreamRecorder(context, open_tickets=True, chunk=chunk, least=chunk) as recorder:
        for index in order:
            recorder.add(results[index])
        return recorder.finish(HealthRun(tuple(results), START, START))


def test_results_recorded_as_they_arrive_leave_what_the_run_recorded_whole_leaves(two_sites, db_url):  # noqa: F811
    shuffle = random.Random(18)
    for streamed, whole in zip(_rounds("chunked"), _rounds("whole"), strict=True):
        # a device polled twice answers in the run's order (the workers keep each device's polls in order)
        order = list(range(len(streamed)))
        if len({r.device for r in streamed}) == len(streamed):
            shuffle.shuffle(order)
        summary, tickets = _streamed(two_sites, streamed, 2, order)
        summary_whole, tickets_whole = _record(two_sites, whole, chunk=1000)
        assert summary == summary_whole
        assert len(tickets or ()) == len(tickets_whole or ())
    streamed_view, whole_view = _site_view(db_url, "chunked"), _site_view(db_url, "whole")
    assert streamed_view[:2] == whole_view[:2]  # the same faults and installed base
    assert _by_device(streamed_view[2]) == _by_device(whole_view[2])  # each device's audit entries, in order


def _polls_stored(db_url: str, site: str) -> int:
    with open_reader(parse(db_url)) as reader:
        rows = reader.rows(
            "SELECT count(*) AS n FROM device_polls p JOIN devices d ON d.id = p.device_id "
            "JOIN sites s ON s.id = d.site_id WHERE s.name = :s",
            {"s": site},
        )
    return int(rows[0]["n"])


def _eventually(check, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_a_full_chunk_is_in_the_store_before_the_run_ends(two_sites, db_url):  # noqa: F811
    results = [_poll("chunked", name, START, OK_PSU) for name in NAMES]
    with StreamRecorder(two_sites, open_tickets=False, chunk=3, least=3) as recorder:
        for result in results[:4]:
            recorder.add(result)
        # the first three are a chunk: written while the other devices are still being polled
        assert _eventually(lambda: _polls_stored(db_url, "chunked") == 3)
        assert _polls_stored(db_url, "chunked") == 3  # the fourth waits for its chunk or the end of the run
        summary, _none = recorder.finish(HealthRun(tuple(results), START, START))
    # the three never added (settled without a poll, say) are recorded by finish()
    assert summary.devices == len(NAMES)
    assert _polls_stored(db_url, "chunked") == len(NAMES)


def test_a_thread_with_nothing_to_write_takes_part_of_a_chunk(two_sites, db_url):  # noqa: F811
    # what is pending when the poll ends is what arrived during the last write, not up to a whole chunk
    results = [_poll("chunked", name, START, OK_PSU) for name in NAMES]
    with StreamRecorder(two_sites, open_tickets=False, chunk=100, least=2) as recorder:
        recorder.add(results[0])
        recorder.add(results[1])  # two of a chunk of 100, and the thread idle: written now
        assert _eventually(lambda: _polls_stored(db_url, "chunked") == 2)
        for result in results[2:]:
            recorder.add(result)
        summary, _none = recorder.finish(HealthRun(tuple(results), START, START))
    assert summary.devices == len(NAMES)
    assert _polls_stored(db_url, "chunked") == len(NAMES)


def test_a_part_smaller_than_one_or_larger_than_the_chunk_is_refused(two_sites):  # noqa: F811
    for least in (0, 4):
        with pytest.raises(ValueError, match=f"least part {least} "):
            StreamRecorder(two_sites, open_tickets=False, chunk=3, least=least)


def test_a_failed_chunk_stops_the_recording_and_reaches_the_caller(two_sites, db_url):  # noqa: F811
    good = [_poll("chunked", name, START, OK_PSU) for name in NAMES[:2]]
    unknown = _poll("chunked", "nosuch", START, OK_PSU)
    later = [_poll("chunked", name, START, OK_PSU) for name in NAMES[2:6]]
    with StreamRecorder(two_sites, open_tickets=False, chunk=2, least=2) as recorder:
        for result in (*good, unknown, *later):
            recorder.add(result)
        with pytest.raises(UsageError, match="nosuch"):
            recorder.finish(HealthRun((*good, unknown, *later), START, START))
    # the chunk before the failure stays; the failing chunk and every chunk after it are not written
    assert _polls_stored(db_url, "chunked") == 2


def test_a_run_stopped_before_it_ends_writes_nothing_more_and_leaves_no_thread(two_sites, db_url):  # noqa: F811
    results = [_poll("chunked", name, START + timedelta(seconds=1), OK_PSU) for name in NAMES]
    before = {thread.name for thread in threading.enumerate()}
    with pytest.raises(KeyboardInterrupt), StreamRecorder(two_sites, open_tickets=False, chunk=3, least=3) as recorder:
        for result in results[:5]:
            recorder.add(result)
        assert _eventually(lambda: _polls_stored(db_url, "chunked") == 3)
        raise KeyboardInterrupt  # Ctrl-C while the run polls the rest
    assert "dcmaint-record" not in {thread.name for thread in threading.enumerate()} - before
    assert _polls_stored(db_url, "chunked") == 3  # the chunk committed stays; the two pending are not written
