#!/usr/bin/env bash
# bench/quadrant_ceiling.sh [CUSTOMERS] [SEED]: how well can anyone place a simulated customer in
# the truth's loyalty quadrant from what a company observes? Generates a company (default 20,000
# customers, seed 7), runs `cxm analyze`, then compares cxm's quadrants with the truth beside two
# ceilings: gradient boosting (python3-sklearn, the peer) fitted *on the truth's labels* over every
# customer-level observable, cross-validated; and the attitude side if the simulator's latent
# memory itself were known. Needs build/release (or CXM_BUILD_DIR) and python3-sklearn.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
customers=${1:-20000}
seed=${2:-7}
cxm=${CXM_BUILD_DIR:-$repo_root/build/release}/cxm
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$cxm" generate --customers "$customers" --seed "$seed" --out "$out/company" >/dev/null 2>&1
for table in customers interactions transactions churn messages feedback; do
  "$cxm" --db "$out/cxm.duckdb" ingest --table "$table" "$out/company/$table.csv" >/dev/null 2>&1
done
"$cxm" --db "$out/cxm.duckdb" analyze >/dev/null 2>&1
"$cxm" --db "$out/cxm.duckdb" query --format csv "
  WITH answers AS (SELECT customer_id, avg(nps) AS mean_nps, count(*) AS nps_answers FROM feedback
                   WHERE nps IS NOT NULL GROUP BY 1),
       ratings AS (SELECT customer_id, avg(csat) AS mean_csat, count(*) AS csat_answers FROM feedback
                   WHERE csat IS NOT NULL GROUP BY 1)
  SELECT s.customer_id, s.persona, s.loyalty_member::INT AS member, (s.churn_ts IS NOT NULL)::INT AS churned,
         s.memory, coalesce(s.mean_remembered, 0) AS mean_remembered, coalesce(s.mean_valence, 0) AS mean_valence,
         s.texts, s.orders, s.observed_years, s.recency_days, s.revenue_sek, coalesce(a.mean_nps, -1) AS mean_nps,
         coalesce(a.nps_answers, 0) AS nps_answers, coalesce(r.mean_csat, -1) AS mean_csat,
         coalesce(r.csat_answers, 0) AS csat_answers, s.interactions, s.interactions_with_evidence,
         epoch(s.signup_ts) AS signup, s.expected_nps, s.behavioural, s.quadrant, s.quadrant_confidence
  FROM customer_state s LEFT JOIN answers a USING (customer_id) LEFT JOIN ratings r USING (customer_id)
  ORDER BY 1" > "$out/observed.csv"

/usr/bin/python3 - "$out/observed.csv" "$out/company/truth_customers.csv" <<'PY'
import csv, sys
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import cross_val_predict

observed = list(csv.DictReader(open(sys.argv[1])))
truth = {row["customer_id"]: row for row in csv.DictReader(open(sys.argv[2]))}
column = lambda name: np.array([float(row[name]) for row in observed])
true = lambda name: np.array([float(truth[row["customer_id"]][name]) for row in observed])
attitude_high, behaviour_high = true("attitudinal") >= 0.25, true("behavioural") >= 1.0
true_quadrant = np.array([truth[row["customer_id"]]["quadrant"] for row in observed])

def line(name, attitude, behaviour, quadrant):
    print(f"| {name} | {attitude:.1%} | {behaviour:.1%} | {quadrant:.1%} |")

print(f"{len(observed)} customers; truth: {attitude_high.mean():.1%} attitude high, {behaviour_high.mean():.1%} behaviour high")
print("| placement | attitude side | behaviour side | quadrant |\n|---|---:|---:|---:|")
cxm_attitude = (column("expected_nps") >= 7.75) == attitude_high
cxm_behaviour = (column("behavioural") >= 1.0) == behaviour_high
cxm_quadrant = np.array([row["quadrant"] for row in observed]) == true_quadrant
line("cxm analyze", cxm_attitude.mean(), cxm_behaviour.mean(), cxm_quadrant.mean())
confident = np.array([row["quadrant_confidence"] == "confident" for row in observed])
line(f"cxm, the {confident.mean():.1%} marked confident", cxm_attitude[confident].mean(),
     cxm_behaviour[confident].mean(), cxm_quadrant[confident].mean())

features = ["member", "churned", "memory", "mean_remembered", "mean_valence", "texts", "orders", "observed_years",
            "recency_days", "revenue_sek", "mean_nps", "nps_answers", "mean_csat", "csat_answers", "interactions",
            "interactions_with_evidence", "signup", "expected_nps", "behavioural"]
personas = sorted({row["persona"] for row in observed})
X = np.column_stack([column(name) for name in features] +
                    [np.array([row["persona"] == persona for row in observed], float) for persona in personas])
model = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=0)
fit_attitude = cross_val_predict(model, X, attitude_high, cv=5) == attitude_high
fit_behaviour = cross_val_predict(model, X, behaviour_high, cv=5) == behaviour_high
fit_quadrant = cross_val_predict(model, X, true_quadrant, cv=5) == true_quadrant
line("ceiling: boosting fitted on the truth's labels (5-fold)", fit_attitude.mean(), fit_behaviour.mean(),
     fit_quadrant.mean())
memory = true("memory")
best = max(((memory >= cut) == attitude_high).mean() for cut in np.quantile(memory, np.linspace(0.01, 0.99, 197)))
print(f"| if the simulator's latent memory were known (best cut) | {best:.1%} | | |")
PY
