"""Two writes racing on PostgreSQL, with the worst interleavings forced rather than hoped for.

Each job runs in its own thread and transaction, started together behind a barrier. After its
write a job keeps its transaction open until the other job has written too (or ``hold``
seconds pass): without a lock both write against the same old snapshot and both commit,
every time; with a lock the second job waits for the first one's commit, so the first one's
hold times out and the second one sees what the first one did.
"""

import contextlib
import threading

from django.db import connection, transaction


def race(*jobs, hold: float = 1.0) -> list:
    """Run ``jobs`` at once; each one's result, or the exception it raised, in order."""
    start, written = threading.Barrier(len(jobs)), threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index, job):
        try:
            start.wait()
            with transaction.atomic():
                outcomes[index] = job()
                # A broken barrier: the other job waits for our lock, so commit and let it go.
                with contextlib.suppress(threading.BrokenBarrierError):
                    written.wait(timeout=hold)
        except Exception as error:  # reported to the test; a thread cannot raise into it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def overlap(first, second, hold: float = 1.0) -> list:
    """``first`` writes and keeps its transaction open; ``second`` starts then, in its own
    transaction. ``first`` commits once ``second`` is done, or after ``hold`` seconds when
    ``second`` waits for a lock ``first`` holds. Each one's result, or what it raised."""
    written, done = threading.Barrier(2), threading.Event()
    outcomes: list = [None, None]

    def run_first():
        try:
            with transaction.atomic():
                outcomes[0] = first()
                written.wait()
                done.wait(timeout=hold)
        except Exception as error:
            written.abort()
            outcomes[0] = error
        finally:
            connection.close()

    def run_second():
        try:
            written.wait()
            with transaction.atomic():
                outcomes[1] = second()
        except Exception as error:
            outcomes[1] = error
        finally:
            done.set()
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
