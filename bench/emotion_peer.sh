#!/usr/bin/env bash
# bench/emotion_peer.sh: cxm's emotion model against the fastText peer, same data, same
# machine, same run.
#   quality: `cxm train --eval` trains cxm's one multilingual model and scores every dataset and
#            language; fastText supervised is trained per dataset on the very same training split
#            (exported by `cxm train --export-fasttext`), its settings tuned per dataset on the
#            tuning split (learning rate x epochs grid), per-label thresholds tuned there too
#            (0.01 steps, as cxm), scored on the same evaluation split over the same labels.
#   speed:   texts/s on one core over 100k real sentences (GoEmotions, XED, BRIGHTER texts):
#            cxm's whole per-text analysis vs `fasttext predict` with the GoEmotions peer model.
# Needs Debian's fasttext (installed here if missing; a benchmark peer, never a runtime need).
#   bench/emotion_peer.sh            (after cmake --build --preset release)
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${CXM_SHARED_DATA_DIR:-$repo_root/../shared/data}
build=${CXM_BUILD_DIR:-$repo_root/build/release}
if ! command -v fasttext >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq fasttext >/dev/null; else sudo apt-get install -y -qq fasttext >/dev/null; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "training cxm (cxm train --eval) ..." >&2
start=$(date +%s.%N)
"$build/cxm" train --data "$data" --eval --out "$work/cxm.model" --export-fasttext "$work/splits" \
  > "$work/cxm_eval.txt" 2> "$work/cxm_train.log"
cxm_train_s=$(echo "$(date +%s.%N) - $start" | bc)

# Scores a fastText model's probabilities: thresholds per label on tune, macro/micro-F1 on eval.
score_peer() {  # dir model -> "tune_macro eval_macro eval_micro"
  fasttext predict-prob "$2" "$1/tune.txt" -1 0.0 > "$1/tune.pred"
  fasttext predict-prob "$2" "$1/eval.txt" -1 0.0 > "$1/eval.pred"
  python3 - "$1" <<'PY'
import sys
d = sys.argv[1]
labels = [l.strip() for l in open(f"{d}/labels") if l.strip()]
def load(split):
    gold = [set(x for x in l.strip().split(',') if x) for l in open(f"{d}/{split}.gold")]
    probs = []
    for line in open(f"{d}/{split}.pred"):
        parts = line.split()
        probs.append({lab.replace('__label__', ''): float(p) for lab, p in zip(parts[0::2], parts[1::2])})
    return gold, probs
def f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
def counts(gold, probs, label, t):
    tp = sum(1 for g, p in zip(gold, probs) if p.get(label, 0) >= t and label in g)
    fp = sum(1 for g, p in zip(gold, probs) if p.get(label, 0) >= t and label not in g)
    fn = sum(1 for g, p in zip(gold, probs) if p.get(label, 0) < t and label in g)
    return tp, fp, fn
tune_gold, tune_p = load('tune')
eval_gold, eval_p = load('eval')
thresholds, tune_f1 = {}, []
for label in labels:
    best = max((f1(*counts(tune_gold, tune_p, label, s / 100)), -s) for s in range(1, 100))
    thresholds[label] = -best[1] / 100
    tune_f1.append(best[0])
per, TP, FP, FN = [], 0, 0, 0
for label in labels:
    tp, fp, fn = counts(eval_gold, eval_p, label, thresholds[label])
    per.append(f1(tp, fp, fn)); TP += tp; FP += fp; FN += fn
print(f"{sum(tune_f1) / len(labels):.4f} {sum(per) / len(labels):.3f} {f1(TP, FP, FN):.3f}")
PY
}

echo "training the fastText peer per dataset (grid: lr 0.1/0.3/0.5 x epoch 10/25) ..." >&2
start=$(date +%s.%N)
declare -A peer_macro peer_micro peer_setting
for dir in "$work"/splits/*/; do
  corpus=$(basename "$dir")
  best_tune=-1
  for lr in 0.1 0.3 0.5; do
    for epoch in 10 25; do
      fasttext supervised -input "$dir/train.ft" -output "$dir/model" -loss ova -epoch $epoch -lr $lr \
        -wordNgrams 2 -minn 3 -maxn 5 -dim 100 -thread 2 -seed 1 -verbose 0
      read -r tune_macro eval_macro eval_micro < <(score_peer "$dir" "$dir/model.bin")
      if (( $(echo "$tune_macro > $best_tune" | bc) )); then
        best_tune=$tune_macro
        peer_macro[$corpus]=$eval_macro; peer_micro[$corpus]=$eval_micro; peer_setting[$corpus]="lr $lr, $epoch ep"
        [ "$corpus" = goemotions ] && cp "$dir/model.bin" "$work/goemotions_peer.bin"
      fi
    done
  done
done
peer_train_s=$(echo "$(date +%s.%N) - $start" | bc)

# cxm macro: each text's writer language known (the corpus's), as `cxm analyze` reads customers'
# texts with customers.language; "identified": from the text alone.
printf '\n%-13s %-4s %-5s %6s | %9s %9s %6s | %9s %9s | %10s | %-16s | %s\n' dataset lang split texts \
  "cxm macro" "peer macro" ratio "cxm micro" "peer micro" "identified" "peer setting" "published baseline"
while IFS='|' read -r corpus language split texts labels macro micro identified baseline; do
  corpus=$(echo $corpus); macro=$(echo $macro); micro=$(echo $micro); identified=$(echo $identified)
  [ -n "${peer_macro[$corpus]:-}" ] || continue
  ratio=$(echo "scale=3; $macro / ${peer_macro[$corpus]}" | bc)
  printf '%-13s %-4s %-5s %6s | %9s %9s %6s | %9s %9s | %10s | %-16s | %s\n' "$corpus" $(echo $language) \
    $(echo $split) $(echo $texts) "$macro" "${peer_macro[$corpus]}" "$ratio" "$micro" "${peer_micro[$corpus]}" \
    "$identified" "${peer_setting[$corpus]}" "$(echo $baseline)"
done < <(grep -E '^[a-z]' "$work/cxm_eval.txt" | grep -v '^dataset' | grep '|')
grep -E '^(emobank|lcc)' "$work/cxm_eval.txt"
printf 'train time: cxm %.0f s (one model, all datasets, incl. evaluation); fastText %.0f s (6 settings x %d datasets)\n' \
  "$cxm_train_s" "$peer_train_s" "${#peer_macro[@]}"

# 100k real sentences for the speed run.
{ cut -f1 "$data/goemotions/train.tsv"; cut -f1 "$data/goemotions/dev.tsv"; cut -f1 "$data/goemotions/test.tsv"
  for f in "$data"/xed/train/*.tsv "$data"/xed/dev/*.tsv "$data"/xed/test/*.tsv; do cut -f1 "$f"; done
} > "$work/all_sentences.txt"
head -n 100000 "$work/all_sentences.txt" > "$work/speed.txt"  # not in a pipe: pipefail + SIGPIPE
speed_lines=$(wc -l < "$work/speed.txt")
tr 'A-Z' 'a-z' < "$work/speed.txt" > "$work/speed.lower"
start=$(date +%s.%N)
taskset -c 0 fasttext predict-prob "$work/goemotions_peer.bin" "$work/speed.lower" -1 0.0 > /dev/null
peer_speed_s=$(echo "$(date +%s.%N) - $start" | bc)
# fastText's time includes loading its model; time a one-line run and take that off, so the
# peer is credited with its prediction speed alone.
head -n 1 "$work/speed.lower" > "$work/one.lower"
start=$(date +%s.%N)
taskset -c 0 fasttext predict-prob "$work/goemotions_peer.bin" "$work/one.lower" -1 0.0 > /dev/null
peer_load_s=$(echo "$(date +%s.%N) - $start" | bc)
peer_speed=$(echo "$speed_lines / ($peer_speed_s - $peer_load_s)" | bc)
ours=$(taskset -c 0 "$build/bench/emotion_speed" "$work/speed.txt" "$work/cxm.model")
ours_speed=$(echo "$ours" | sed -n 's/.* = \([0-9]*\) texts\/s.*/\1/p')
printf '\n%-58s %14s\n' "speed over $speed_lines real sentences, one core" "texts/s"
printf '%-58s %14s\n' "fastText predict-prob, 28 GoEmotions labels (peer)" "$peer_speed"
printf '%-58s %14s\n' "cxm: language, 108 outputs, 4 views, valence, arousal" "$ours_speed"
printf 'ratio cxm/peer %.2f; peer model load %.2f s taken off its time; %s\n' \
  "$(echo "scale=3; $ours_speed / $peer_speed" | bc)" "$peer_load_s" "$ours"
