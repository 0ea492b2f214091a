#!/usr/bin/python3
"""The peer of `cxm drivers --outcome churned` on the Iranian churn snapshot, for bench/drivers_bench.sh:
the same work in scikit-learn — read the CSV, every column's single-driver AUC against Churn, the
correlations, and the importance of a joint linear probability model (Johnson's relative weights
from the correlation matrix). Prints the AUCs so the two can be compared, not only timed."""
import csv
import sys

import numpy as np
from sklearn.metrics import roc_auc_score

path = sys.argv[1]
with open(path, newline="", encoding="utf-8") as handle:
    rows = list(csv.reader(handle))
header, values = rows[0], np.array(rows[1:], dtype=float)
outcome = values[:, header.index("Churn")]
# The drivers the example mapping declares: every numeric column, Status as 0/1 "inactive".
drivers = [i for i, name in enumerate(header) if name not in ("Churn", "Tariff Plan", "Status")]
names = [header[i] for i in drivers] + ["inactive"]
x = np.column_stack([values[:, drivers], values[:, header.index("Status")] - 1])
aucs = [max(a, 1 - a) for a in (roc_auc_score(outcome, x[:, j]) for j in range(x.shape[1]))]
r = np.corrcoef(np.column_stack([x, outcome]), rowvar=False)
rxx, rxy = r[:-1, :-1], r[:-1, -1]
eigenvalues, vectors = np.linalg.eigh(rxx)
root = vectors @ np.diag(np.sqrt(eigenvalues)) @ vectors.T
beta = np.linalg.solve(root, rxy)
weights = (root ** 2) @ (beta ** 2)
for j, name in enumerate(names):
    print(f"{name}\t{aucs[j]:.3f}\t{weights[j] / weights.sum():.3f}")
