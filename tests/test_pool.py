"""The worker pool: results in order, on workers that may run at a lower priority."""

from __future__ import annotations

import os

import pytest

from talkgen.build.pool import MIN_ITEMS, ordered_stream, workers

pytestmark = pytest.mark.skipif(workers() < 2 or not hasattr(os, "fork"),
                                reason="needs forked workers on two cores")


def _priority(item: int) -> tuple[int, int, int]:
    return item, os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


def test_workers_run_the_given_steps_below_this_process_which_keeps_its_own() -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    results = list(ordered_stream(_priority, range(MIN_ITEMS * 2), niceness=3))
    assert [item for item, _, _ in results] == list(range(MIN_ITEMS * 2))
    assert os.getpid() not in {pid for _, pid, _ in results}
    assert {priority for _, _, priority in results} == {min(own + 3, 19)}
    assert os.getpriority(os.PRIO_PROCESS, 0) == own


@pytest.mark.timeout(30)
def test_a_system_that_refuses_a_lower_priority_still_gets_every_result(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing initializer would kill each worker the pool starts in its place, for ever."""
    def refused(steps: int) -> int:
        raise PermissionError("setpriority is not allowed here")

    own = os.getpriority(os.PRIO_PROCESS, 0)
    monkeypatch.setattr(os, "nice", refused)  # the workers are forked with it
    results = list(ordered_stream(_priority, range(MIN_ITEMS * 2), niceness=3))
    assert [item for item, _, _ in results] == list(range(MIN_ITEMS * 2))
    assert {priority for _, _, priority in results} == {own}
