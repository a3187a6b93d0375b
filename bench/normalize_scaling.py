"""Normalisation must be linear in its input: time it on hostile inputs at two sizes.

For each input the script prints the seconds at size n and 4n, the growth (about 4 for a linear pass,
about 16 for a quadratic one) and the time per input character against a baseline run in the same process
on the same text (``str.split`` into lines and ``str.split`` into words, the least any pass must do).
No figure is asserted; a growth far above 4 is a regression.

usage: python bench/normalize_scaling.py [--size CHARS]
"""

from __future__ import annotations

import argparse
import textwrap
import time
from collections.abc import Callable

from bot.nlp.normalize import normalize

STORY = (
    "The Port of Calloway will cut 1,200 jobs by the end of next year, the port authority announced on "
    "Tuesday, after container traffic fell 18 percent in the first half of 2026."
)

#: Each hostile input, as a function of its approximate size in characters.
INPUTS: dict[str, Callable[[int], str]] = {
    "leading newlines": lambda n: "\n" * n + STORY,
    "zero-width-space lines": lambda n: "\u200b\n" * (n // 2) + STORY,
    "blank lines of spaces": lambda n: " \t \n" * (n // 4) + STORY,
    "short lines": lambda n: "x\n" * (n // 2) + STORY,
    "clutter lines": lambda n: "Share this article\n" * (n // 19) + STORY,
    "one long line": lambda n: "word " * (n // 5),
    "hard-wrapped paragraphs": lambda n: (textwrap.fill(STORY, 72) + "\n\n") * (n // (len(STORY) + 2)),
    "slack markup": lambda n: "<http:a|" * (n // 8) + STORY,
}


def _seconds(work: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - began)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500_000, help="characters of the smaller input")
    args = parser.parse_args(argv)
    print(f"{'input':<24} {'n':>9} {'ms(n)':>8} {'ms(4n)':>8} {'growth':>7} {'vs split':>9}")
    for name, make in INPUTS.items():
        small, large = make(args.size), make(4 * args.size)
        t_small = _seconds(lambda text=small: normalize(text))
        t_large = _seconds(lambda text=large: normalize(text))
        baseline = _seconds(lambda text=large: (text.split("\n"), text.split()))
        print(
            f"{name:<24} {len(small):>9,} {1000 * t_small:>8.1f} {1000 * t_large:>8.1f} {t_large / t_small:>7.1f}"
            f" {t_large / baseline:>8.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
