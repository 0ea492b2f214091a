#!/usr/bin/env bash
# bench/emotion_peer.sh: cxm's emotion classifier against the fastText peer, same data, same
# machine, same run (shared/notes/emotion-peer.md has the peer's settings).
#   quality: GoEmotions 28-label macro/micro-F1 on test, per-label thresholds tuned on dev;
#   speed:   texts/s on one core over 100k real sentences (GoEmotions + XED + BRIGHTER texts).
# Needs Debian's fasttext (installed here if missing; a benchmark peer, never a runtime need).
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${CXM_SHARED_DATA_DIR:-$repo_root/../shared/data}
build=${CXM_BUILD_DIR:-$repo_root/build/release}
if ! command -v fasttext >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq fasttext >/dev/null; else sudo apt-get install -y -qq fasttext >/dev/null; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fastText format: lower-cased text, one __label__<id> per gold label.
for split in train dev test; do
  awk -F'\t' '{ n = split($2, labels, ","); line = "";
                for (i = 1; i <= n; i++) line = line "__label__" labels[i] " ";
                print line tolower($1) }' "$data/goemotions/$split.tsv" > "$work/$split.ft"
  cut -f2 "$data/goemotions/$split.tsv" > "$work/$split.gold"
  awk -F'\t' '{ print tolower($1) }' "$data/goemotions/$split.tsv" > "$work/$split.txt"
done

start=$(date +%s.%N)
fasttext supervised -input "$work/train.ft" -output "$work/model" -loss ova -epoch 10 -lr 0.3 \
  -wordNgrams 2 -minn 3 -maxn 5 -dim 100 -thread 2 -seed 1 -verbose 0
peer_train_s=$(echo "$(date +%s.%N) - $start" | bc)
fasttext predict-prob "$work/model.bin" "$work/dev.txt" -1 0.0 > "$work/dev.pred"
fasttext predict-prob "$work/model.bin" "$work/test.txt" -1 0.0 > "$work/test.pred"

# Thresholds per label tuned on dev (0.02 steps, best F1), then test macro/micro-F1: the same
# procedure as cxm's LinearClassifier::TuneThresholds and ComputeF1.
peer_f1=$(python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
L = 28
def load(split):
    gold = [set(int(x) for x in l.strip().split(',')) for l in open(f"{work}/{split}.gold")]
    probs = []
    for line in open(f"{work}/{split}.pred"):
        p = [0.0] * L
        parts = line.split()
        for label, prob in zip(parts[0::2], parts[1::2]):
            p[int(label.replace('__label__', ''))] = float(prob)
        probs.append(p)
    return gold, probs
def f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
dev_gold, dev_p = load('dev')
thresholds = []
for l in range(L):
    best = (-1, 0.5)
    for step in range(1, 50):
        t = 0.02 * step
        tp = sum(1 for g, p in zip(dev_gold, dev_p) if p[l] >= t and l in g)
        fp = sum(1 for g, p in zip(dev_gold, dev_p) if p[l] >= t and l not in g)
        fn = sum(1 for g, p in zip(dev_gold, dev_p) if p[l] < t and l in g)
        best = max(best, (f1(tp, fp, fn), -t))
    thresholds.append(-best[1])
test_gold, test_p = load('test')
per, TP, FP, FN = [], 0, 0, 0
for l in range(L):
    tp = sum(1 for g, p in zip(test_gold, test_p) if p[l] >= thresholds[l] and l in g)
    fp = sum(1 for g, p in zip(test_gold, test_p) if p[l] >= thresholds[l] and l not in g)
    fn = sum(1 for g, p in zip(test_gold, test_p) if p[l] < thresholds[l] and l in g)
    per.append(f1(tp, fp, fn)); TP += tp; FP += fp; FN += fn
print(f"{sum(per) / L:.3f} {f1(TP, FP, FN):.3f}")
PY
)

# 100k real sentences for the speed run.
{ cut -f1 "$data/goemotions/train.tsv"; cut -f1 "$data/goemotions/dev.tsv"; cut -f1 "$data/goemotions/test.tsv"
  for f in "$data"/xed/train/*.tsv "$data"/xed/dev/*.tsv "$data"/xed/test/*.tsv; do cut -f1 "$f"; done
} > "$work/all_sentences.txt"
head -n 100000 "$work/all_sentences.txt" > "$work/speed.txt"  # not in a pipe: pipefail + SIGPIPE
speed_lines=$(wc -l < "$work/speed.txt")
tr 'A-Z' 'a-z' < "$work/speed.txt" > "$work/speed.lower"
start=$(date +%s.%N)
taskset -c 0 fasttext predict "$work/model.bin" "$work/speed.lower" > /dev/null
peer_speed_s=$(echo "$(date +%s.%N) - $start" | bc)
# fastText's time includes loading its model; time a one-line run and take that off, so the
# peer is credited with its prediction speed alone.
head -n 1 "$work/speed.lower" > "$work/one.lower"
start=$(date +%s.%N)
taskset -c 0 fasttext predict "$work/model.bin" "$work/one.lower" > /dev/null
peer_load_s=$(echo "$(date +%s.%N) - $start" | bc)
peer_speed_s=$(echo "$peer_speed_s - $peer_load_s" | bc)

ours=$(taskset -c 0 "$build/bench/emotion_eval" --speed "$work/speed.txt")
echo "$ours"
ours_f1=$(echo "$ours" | sed -n 's/.*macro-F1 \([0-9.]*\), micro-F1 \([0-9.]*\).*/\1 \2/p')
ours_speed=$(echo "$ours" | sed -n 's/.*speed: \([0-9]*\) texts\/s.*/\1/p')
peer_speed=$(echo "$speed_lines / $peer_speed_s" | bc)
printf '\n%-34s %10s %10s %14s\n' "model (GoEmotions test, 28 labels)" "macro-F1" "micro-F1" "texts/s 1 core"
printf '%-34s %10s %10s %14s\n' "fastText supervised (peer)" ${peer_f1} "$peer_speed"
printf '%-34s %10s %10s %14s\n' "cxm linear (hashed n-grams)" ${ours_f1} "$ours_speed"
printf 'peer train time %.1f s; model load %.2f s taken off its speed; speed over %s sentences\n' \
  "$peer_train_s" "$peer_load_s" "$speed_lines"
