"""Timing beside a baseline, interleaved: A, B, A, B … in the same run, so a busy machine
slows both and shows in both. Every bench script reports through here: min and median of
each side and their ratio (median over median, and min over min)."""

import os
import statistics
import time
from collections.abc import Callable


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def timed(fn: Callable) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def interleaved(measured: Callable, baseline: Callable, runs: int = 5) -> dict:
    """Warm both once, then ``runs`` rounds of (measured, baseline)."""
    measured()
    baseline()
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(timed(measured))
        theirs.append(timed(baseline))
    return summary(ours, theirs)


def summary(ours: list[float], theirs: list[float]) -> dict:
    return {
        "min": min(ours),
        "median": statistics.median(ours),
        "base_min": min(theirs),
        "base_median": statistics.median(theirs),
        "ratio": statistics.median(ours) / statistics.median(theirs),
        "ratio_min": min(ours) / min(theirs),
        "runs": len(ours),
    }


def seconds(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"


HEADER = (
    "| measurement | min | median | baseline | baseline min | baseline median "
    "| ratio (medians) | ratio (mins) |\n|---|--:|--:|---|--:|--:|--:|--:|"
)


def row(label: str, result: dict, baseline_label: str) -> str:
    return (
        f"| {label} | {seconds(result['min'])} | {seconds(result['median'])} | {baseline_label} "
        f"| {seconds(result['base_min'])} | {seconds(result['base_median'])} "
        f"| {result['ratio']:.2f} | {result['ratio_min']:.2f} |"
    )
