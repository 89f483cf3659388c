"""Where batches of runs execute: in this process, a local Dask cluster, or an existing one.

* Neither ``workers`` nor ``scheduler``: in this process, on Dask's synchronous scheduler
  (batches one after another: a batch is one model call over its variants, which keeps
  the cores busy or holds the GIL, and threads would only contend for it).
* ``workers=K``: a :class:`distributed.LocalCluster` of ``K`` single-threaded worker
  processes listening on the loopback interface only, closed when the work is done.
* ``scheduler=ADDRESS``: the cluster whose scheduler listens there (``tcp://host:8786``);
  its workers must be able to import tawazun.

Results come back in batch order whatever the order batches finish in, so where work
runs never changes the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import dask
from dask.callbacks import Callback
from dask.local import get_sync

from tawazun.errors import InvalidArgument
from tawazun.i18n import _

Progress = Callable[[int], None]


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A distributed client for ``workers`` / ``scheduler``, or None to run in-process."""
    if workers is not None and scheduler is not None:
        raise InvalidArgument(
            "simulate", "workers", _("give either a number of workers or a scheduler address")
        )
    if scheduler is None and workers is None:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler, timeout="10s") as client:
            yield client
        return
    if workers < 1:
        raise InvalidArgument(
            "simulate",
            "workers",
            _("workers must be at least 1 (got {workers})").format(workers=workers),
        )
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def parallelism(client: Any) -> int:
    """How many batches can run at once (one in this process)."""
    if client is None:
        return 1
    return max(1, sum(client.nthreads().values()))


def batch_size(runs: int, seconds_per_run: float, lanes: int, target: float = 0.5) -> int:
    """Runs per batch: about ``target`` seconds of work, and at least 4 batches per lane.

    Half a second per batch keeps Dask's overhead (about a millisecond per task in-process,
    a few over the network) under 1%; four batches per lane keep lanes busy when batches
    take unequal times, and let the progress bar move.
    """
    by_time = math.ceil(target / max(seconds_per_run, 1e-9))
    by_balance = math.ceil(runs / (4 * lanes))
    return max(1, min(by_time, by_balance, runs))


def batches(runs: int, size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive batches covering runs ``0`` to ``runs - 1``."""
    return [(start, min(start + size, runs)) for start in range(0, runs, size)]


def map_batches(
    function: Callable[..., Any],
    shared: Sequence[Any],
    spans: Sequence[tuple[int, int]],
    client: Any = None,
    progress: Progress | None = None,
) -> list[Any]:
    """``function(*shared, start, stop)`` for every span, results in span order.

    ``progress(count)`` is called with the number of runs of each batch that finishes.
    """
    if client is None:
        tasks = [dask.delayed(function)(*shared, start, stop) for start, stop in spans]
        size = {task.key: stop - start for task, (start, stop) in zip(tasks, spans, strict=True)}

        def done(key: Any, *_: Any) -> None:
            if progress is not None and key in size:
                progress(size[key])

        with Callback(posttask=done):
            # the function itself, not "sync": dask resolves a scheduler's name by first
            # importing distributed to look for a client (over a second, for nothing)
            return list(dask.compute(*tasks, scheduler=get_sync))
    from distributed import as_completed

    scattered = client.scatter(list(shared), broadcast=True)
    futures = [client.submit(function, *scattered, start, stop) for start, stop in spans]
    index = {future.key: k for k, future in enumerate(futures)}
    results: list[Any] = [None] * len(futures)
    for future in as_completed(futures):
        k = index[future.key]
        results[k] = future.result()
        if progress is not None:
            progress(spans[k][1] - spans[k][0])
    return results
