"""The baseline: some of the rules written the obvious way in pandas, as an analyst's notebook would.

Each function takes the payments as a pandas DataFrame (``amt`` in USD) and
returns the flagged subjects. They follow the same definitions as the packs'
SQL, without the engine's shared views, rolling-window operators or joins.
"""

from __future__ import annotations

import re

import pandas as pd

MEDICAL = re.compile(
    r"(^|\W)(kidney|liver|organ|transplant|donor|hla|crossmatch|dialysis|rein|riñón|niere|böbrek)(\W|$)"
)


def structuring(p: pd.DataFrame, threshold: float = 10_000, floor: float = 0.8, count: int = 3) -> set[str]:
    """ML-01: three or more cash deposits just under the threshold within 24 hours."""
    cash = p[p["channel"].isin(["cash", "msb"]) & (p["amt"] >= floor * threshold) & (p["amt"] < threshold)]
    cash = cash.assign(subject=cash["payee_account"].fillna(cash["payer_account"])).sort_values("ts")
    flagged = set()
    for subject, group in cash.groupby("subject"):
        rolled = group.set_index("ts")["amt"].rolling("24h")
        hits = (rolled.count() >= count) & (rolled.sum() >= threshold)
        if hits.any():
            flagged.add(str(subject))
    return flagged


def fan_in(p: pd.DataFrame, payers: int = 5, days: int = 30, max_cv: float = 0.3) -> set[str]:
    """ML-03: an account receiving from many distinct payers of similar amounts within 30 days."""
    flagged = set()
    window = pd.Timedelta(days=days)
    for subject, group in p.dropna(subset=["payee_account", "payer_account"]).groupby("payee_account"):
        if len(group) < payers:
            continue
        group = group.sort_values("ts")
        for end in group["ts"]:
            inside = group[(group["ts"] > end - window) & (group["ts"] <= end)]
            amounts = inside["amt"]
            if inside["payer_account"].nunique() >= payers and amounts.std() / amounts.mean() <= max_cv:
                flagged.add(str(subject))
                break
    return flagged


def medical_text(p: pd.DataFrame) -> set[str]:
    """OB-10: person-to-person or money-transfer payments whose text names a transplant word."""
    candidates = p[(p["channel"] == "msb") | (p["payee_type"] == "person")].dropna(subset=["purpose"])
    hits = candidates[candidates["purpose"].str.lower().str.contains(MEDICAL)]
    return set(hits["payee_account"].dropna().astype(str))


def pass_through(p: pd.DataFrame, share: float = 0.8, hours: int = 48, times: int = 3) -> set[str]:
    """ML-07: accounts that send on most of each credit within 48 hours, three times or more."""
    credits = p.dropna(subset=["payee_account"])[["payee_account", "ts", "amt"]]
    debits = p.dropna(subset=["payer_account"])[["payer_account", "ts", "amt"]]
    pairs = credits.merge(debits, left_on="payee_account", right_on="payer_account", suffixes=("_in", "_out"))
    window = pd.Timedelta(hours=hours)
    quick = pairs[(pairs["ts_out"] > pairs["ts_in"]) & (pairs["ts_out"] <= pairs["ts_in"] + window)]
    forwarded = quick.groupby(["payee_account", "ts_in", "amt_in"])["amt_out"].sum().reset_index()
    passed = forwarded[forwarded["amt_out"] >= share * forwarded["amt_in"]]
    counts = passed.groupby("payee_account").size()
    return set(counts[counts >= times].index.astype(str))


BASELINES = {"ML-01": structuring, "ML-03": fan_in, "OB-10": medical_text, "ML-07": pass_through}
