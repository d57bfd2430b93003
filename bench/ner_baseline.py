"""A CRF baseline for the ``ner`` config, scored under the card's evaluation protocol.

Trains a linear-chain CRF (python-crfsuite) on syllable features of each training split of
the protocol (``dnnd_dataset.publishing.ner_protocol``: leave-one-article-out on a small
corpus), tags the test split, pools the predictions of every fold and scores them with
seqeval (exact span match, IOB2), per label. A measurement of what a simple model does on
this data, not a claim about any model: the corpus is a handful of articles.

    pip install ".[bench]"
    python build.py && python -m bench.ner_baseline [--dataset ./dataset] [--update-card]

``--update-card`` writes the table into DATASET_CARD.md between its baseline markers; the
tests compare the card's table with a fresh run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import datasets

from dnnd_dataset.publishing.ner_protocol import folds

ROOT = Path(__file__).resolve().parent.parent
CARD = ROOT / "DATASET_CARD.md"
START = "<!-- ner-baseline: written by python -m bench.ner_baseline --update-card -->"
END = "<!-- /ner-baseline -->"
# L-BFGS with elastic-net regularisation, the settings of the sklearn-crfsuite tutorial;
# deterministic, so the same data gives the same table.
PARAMS = {"c1": 0.1, "c2": 0.01, "max_iterations": 100, "feature.possible_transitions": True}


def token_features(tokens: list[str], index: int) -> list[str]:
    """Features of one syllable: its form, shape and affixes, and those of its neighbours."""
    features = ["bias"]
    for offset in (-2, -1, 0, 1, 2):
        position = index + offset
        if position < 0:
            features.append(f"{offset}:BOS")
            continue
        if position >= len(tokens):
            features.append(f"{offset}:EOS")
            continue
        token = tokens[position]
        features += [
            f"{offset}:lower={token.lower()}",
            f"{offset}:title={token.istitle()}",
            f"{offset}:upper={token.isupper()}",
            f"{offset}:digit={token.isdigit()}",
            f"{offset}:alpha={token.isalpha()}",
        ]
        if offset == 0:
            features += [f"0:suffix3={token[-3:].lower()}", f"0:prefix2={token[:2].lower()}"]
    return features


def sentence_features(tokens: list[str]) -> list[list[str]]:
    return [token_features(tokens, index) for index in range(len(tokens))]


def measure(dataset: str) -> dict[str, Any]:
    """Pooled predictions of every fold, scored per label; and the size of the data."""
    import pycrfsuite
    from seqeval.metrics import classification_report

    whole = datasets.load_dataset(dataset, "ner", split="train")
    names = whole.features["ner_tags"].feature.names
    per_article = Counter(whole["article_id"])
    gold: list[list[str]] = []
    predicted: list[list[str]] = []
    found = folds(sorted(per_article.items()))
    with tempfile.TemporaryDirectory() as work:
        for fold in found:
            trainer = pycrfsuite.Trainer(verbose=False)
            for row in datasets.load_dataset(dataset, "ner", split=fold.train):
                tags = [names[tag] for tag in row["ner_tags"]]
                trainer.append(sentence_features(row["tokens"]), tags)
            trainer.set_params(PARAMS)
            model = str(Path(work) / f"{fold.name}.crfsuite")
            trainer.train(model)
            tagger = pycrfsuite.Tagger()
            tagger.open(model)
            for row in datasets.load_dataset(dataset, "ner", split=fold.test):
                gold.append([names[tag] for tag in row["ner_tags"]])
                predicted.append(list(tagger.tag(sentence_features(row["tokens"]))))
            tagger.close()
    report = classification_report(gold, predicted, output_dict=True, zero_division=0)
    return {
        "articles": len(per_article),
        "sentences": whole.num_rows,
        "tokens": sum(len(tags) for tags in gold),
        "folds": len(found),
        "report": report,
    }


def table(result: dict[str, Any]) -> str:
    """The per-label table with the size of the data it was measured on."""
    report = result["report"]
    labels = sorted(key for key in report if not key.endswith(" avg"))
    lines = [
        f"Measured on {result['articles']} articles, {result['sentences']} sentences, "
        f"{result['tokens']} tokens: {result['folds']} folds, predictions of all folds "
        "pooled; seqeval span scores (exact match, IOB2).",
        "",
        "| label | precision | recall | F1 | gold spans |",
        "|---|---:|---:|---:|---:|",
    ]
    for label in [*labels, "micro avg"]:
        scores = report[label]
        lines.append(
            f"| {label} | {scores['precision']:.3f} | {scores['recall']:.3f} | "
            f"{scores['f1-score']:.3f} | {int(scores['support'])} |"
        )
    return "\n".join(lines)


def with_table(card: str, shown: str) -> str:
    """The card with ``shown`` between its baseline markers."""
    before, rest = card.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{shown}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="./dataset", help="the built folder (./dataset)")
    parser.add_argument(
        "--update-card", action="store_true", help="write the table into DATASET_CARD.md"
    )
    args = parser.parse_args(argv)
    shown = table(measure(args.dataset))
    print(shown)
    if args.update_card:
        card = CARD.read_text(encoding="utf-8")
        CARD.write_text(with_table(card, shown), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
