"""What each source of the drafter adds: leave-one-out over raw/ and the development set,
drafted with the rules only, with one source more each, and with all of them.

    python bench/ablation.py [--raw raw] [--split dev|test]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script, the checkout's root (which holds the bench package) is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import devset, preannotate
from dnnd_dataset.drafting.candidates import Sources

CONFIGS = {
    "rules only": Sources(gazetteers=False, pos=False, model=False),
    "+ gazetteers": Sources(gazetteers=True, pos=False, model=False),
    "+ POS": Sources(gazetteers=False, pos=True, model=False),
    "+ CRF": Sources(gazetteers=False, pos=False, model=True),
    "all but CRF": Sources(model=False),
    "all": Sources(),
}
FACTS = ("meeting_dates", "meeting_places", "roles")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path("raw"))
    parser.add_argument("--split", choices=devset.SPLITS, default="dev")
    args = parser.parse_args(argv)
    split_rows, loo_rows = [], []
    for name, sources in CONFIGS.items():
        split = preannotate.evaluate_split(args.split, args.raw, sources)["strict"]
        labels, facts = split["labels"], split["facts"]
        cells = [
            f"{_pct(labels['all']['precision'])} / {_pct(labels['all']['recall'])}",
            _pct(labels["ORGANIZATION"]["recall"]),
            _pct(labels["LOCATION"]["recall"]),
            *(_pct(facts[fact]["recall"]) for fact in FACTS),
        ]
        split_rows.append(f"| {name} | " + " | ".join(cells) + " |")
        loo = preannotate.evaluate(args.raw, sources)["labels"]
        loo_rows.append(
            f"| {name} | "
            + " | ".join(
                f"{_pct(loo[label]['precision'])} / {_pct(loo[label]['recall'])}"
                for label in preannotate.LABELS
            )
            + " |"
        )
    print(f"{args.split} set, strict:\n")
    print(
        "| sources | all P / R | ORGANIZATION R | LOCATION R | meeting dates R "
        "| meeting places R | roles R |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(split_rows))
    print("\nLeave-one-out over raw/ (P / R):\n")
    print("| sources | " + " | ".join(preannotate.LABELS) + " |")
    print("|---|" + "---:|" * len(preannotate.LABELS))
    print("\n".join(loo_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
