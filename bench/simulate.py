"""Time 100,000 simulated draws of each seed template (the studio runs this while a marketer
waits; target under 2 s on this machine).

    .venv/bin/python bench/simulate.py [--draws 100000] [--repeat 3] [--mix]

Prints the best of `--repeat` runs per template, draws per second, and the ratio to the 2 s
target (below 1.0 meets it). Without `--mix` everyone makes 10 draws; with it, people follow
the default behaviour mix (rules.people.DEFAULT_MIX: the chances the campaign gives them for
coming back, sharing and inviting), as the studio and `studio campaign simulate` run it.
Machines are shared: compare figures from one run only; CPU seconds are printed too.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS = 2.0


def main() -> None:
    from rules import simulate
    from rules.templates import list_templates, load_template

    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mix", action="store_true", help="the default behaviour mix")
    args = parser.parse_args()
    print(f"{'template':<22} {'best s':>8} {'cpu s':>7} {'draws/s':>10} {'vs 2 s':>7}")
    for name in list_templates():
        bundle = load_template(name)
        if not bundle.get("prizes"):
            print(f"{name:<22} (no prizes to draw: a points mall or task centre)")
            continue
        per_person = 10
        times, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            if args.mix:
                report = simulate(bundle, draws=args.draws, seed=1)
            else:
                report = simulate(
                    bundle,
                    participants=args.draws // per_person,
                    draws_per_participant=per_person,
                    seed=1,
                )
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        best = min(times)
        assert report.draws == args.draws
        print(
            f"{name:<22} {best:>8.2f} {min(cpu):>7.2f} {args.draws / best:>10.0f}"
            f" {best / TARGET_SECONDS:>7.2f}"
        )


if __name__ == "__main__":
    main()
