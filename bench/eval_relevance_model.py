"""Measure a logistic regression as a second opinion to the topic rules (not shipped).

Needs scikit-learn, which newswatch does not depend on; use a separate venv:
    python3 -m venv /tmp/lr && /tmp/lr/bin/pip install scikit-learn pyyaml
    .venv/bin/python bench/eval_relevance_model.py --site-packages '/tmp/lr/lib/python3.*/site-packages'
    ... --train news          # the second pass's run: news dev only
    ... --train news+written  # news dev and written tune
    ... --features groups     # the topic's matched terms and groups only, no words

Features: the topic's matched terms and their groups (not its verdict), plus binary word 1-2
grams of title and lead unless `--features groups`. Training items are the tune and dev
splits (`--train all`, the default: every set bench/eval_relevance.py reads, with its
splits). The threshold and the combination (model alone, or rules OR model) are chosen by
5-fold cross-validation on the training items only (highest recall at CV precision >= 0.95);
every holdout is then scored once with that choice.
"""

import argparse
import glob
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
parser = argparse.ArgumentParser()
parser.add_argument("--site-packages", help="a site-packages directory holding scikit-learn (glob)")
parser.add_argument("--train", choices=["news", "news+written", "all"], default="all")
parser.add_argument("--features", choices=["groups+words", "groups"], default="groups+words")
args = parser.parse_args()
if args.site_packages:
    sys.path.extend(glob.glob(args.site_packages))
import numpy as np  # noqa: E402  (needs the paths above)
import yaml  # noqa: E402  (needs the paths above)
from scipy.sparse import hstack  # noqa: E402  (needs the paths above)
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402  (needs the paths above)
from sklearn.linear_model import LogisticRegression  # noqa: E402  (needs the paths above)
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402  (needs the paths above)

from bench.eval_relevance import (  # noqa: E402  (needs the paths above)
    DEFAULT_HEADLINES,
    DEFAULT_LABELS,
    DEFAULT_MN_HEADLINES,
    DEFAULT_NEWS,
    DEFAULT_NEWS_EXTRA,
    DEFAULT_TOPIC,
    DEV_SPLITS,
    load_sets,
)
from crawler.topic.relevance import Topic  # noqa: E402  (needs the paths above)

topic = Topic.from_file(DEFAULT_TOPIC)
raw = yaml.safe_load(DEFAULT_TOPIC.read_text(encoding="utf-8"))
group_of = {t["term"]: t.get("group", "negative") for t in raw["terms"]}
group_of.update({"-" + t["term"]: "negative" for t in raw["negatives"]})
sets = load_sets(DEFAULT_LABELS, DEFAULT_NEWS, DEFAULT_NEWS_EXTRA, DEFAULT_HEADLINES, DEFAULT_MN_HEADLINES)
trained_on = {"news": ["news"], "news+written": ["news", "written"], "all": list(sets)}[args.train]
train = [item for name in trained_on for item in sets[name] if item["split"] in DEV_SPLITS]
holdouts = {name: [item for item in items if item["split"] == "holdout"] for name, items in sets.items()}
results = {}


def scored(item):
    key = str(item["id"])
    if key not in results:
        results[key] = topic.score(str(item["title"]), str(item.get("lead", "")))
    return results[key]


def feats(item):
    matched = scored(item).matched_terms
    toks = [f"g:{group_of.get(m, m)}" for m in matched] + [f"t:{m}" for m in matched]
    return " ".join(t.replace(" ", "_") for t in toks)


def text(item):
    return f"{item['title']} . {item.get('lead', '')}"


ng = CountVectorizer(ngram_range=(1, 2), min_df=2, binary=True, lowercase=True)
gv = CountVectorizer(token_pattern=r"\S+", binary=True, lowercase=False)
ng.fit([text(i) for i in train])
gv.fit([feats(i) for i in train])


def X(items):
    parts = [gv.transform([feats(i) for i in items]) * 3.0]
    if args.features == "groups+words":
        parts.append(ng.transform([text(i) for i in items]))
    return hstack(parts).tocsr()


def pr(pred, items):
    y = np.array([i["label"] for i in items])
    pred = np.array(pred)
    tp = int(((pred == 1) & (y == 1)).sum())
    fp = int(((pred == 1) & (y == 0)).sum())
    fn = int(((pred == 0) & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 1
    recall = tp / (tp + fn) if tp + fn else 1
    return f"P {precision:.3f} R {recall:.3f} (tp {tp} fp {fp} fn {fn})"


y = np.array([i["label"] for i in train])
rules_train = np.array([int(scored(i).relevant) for i in train])
print(f"training on {len(train)} items ({args.train}), features {args.features}")
for C in (0.3, 1.0, 3.0):
    clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    cvp = cross_val_predict(
        clf, X(train), y, cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba"
    )[:, 1]
    best = None
    for t in np.arange(0.2, 0.96, 0.05):
        for mode in ("model", "or"):
            flagged = (cvp >= t).astype(int)
            pred = flagged if mode == "model" else np.maximum(rules_train, flagged)
            tp = ((pred == 1) & (y == 1)).sum()
            fp = ((pred == 1) & (y == 0)).sum()
            fn = ((pred == 0) & (y == 1)).sum()
            p = tp / (tp + fp) if tp + fp else 1
            r = tp / (tp + fn)
            if p >= 0.95 and (best is None or r > best[0]):
                best = (r, p, t, mode)
    if best is None:
        print(f"C={C}: no threshold reaches CV precision 0.95")
        continue
    clf.fit(X(train), y)
    r, p, t, mode = best
    print(f"C={C}: CV on train {mode} t={t:.2f} P {p:.3f} R {r:.3f}; rules on train {pr(rules_train, train)}")
    for name, items in holdouts.items():
        if not items:
            continue
        prob = clf.predict_proba(X(items))[:, 1]
        rules = np.array([int(scored(i).relevant) for i in items])
        pred = (prob >= t).astype(int) if mode == "model" else np.maximum(rules, (prob >= t).astype(int))
        print(f"    {name:<12} holdout: rules {pr(rules, items)}   {mode:5} {pr(pred, items)}")
