"""The ground truth: every family planted, members present, and the rules' figures respected."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from screening.synth.fx import FxTable
from screening.synth.plant import Plant
from screening.synth.typologies import plant_all
from screening.synth.world import World as SynthWorld
from tests.synth.conftest import World, usd_amounts

FAMILIES = {
    "OB-01", "OB-02", "OB-03", "OB-04", "OB-05", "OB-06", "OB-07", "OB-08", "OB-09", "OB-10",
    "OB-11", "OB-12", "ML-01", "ML-02", "ML-03", "ML-04", "ML-05", "ML-06", "ML-07", "ML-08",
    "ML-09", "TF-02", "TF-03", "TF-04", "TF-05",
}  # fmt: skip
LOOKALIKES = {
    "LEGIT-payroll", "LEGIT-hospital", "LEGIT-remittance", "LEGIT-charity",
    "LEGIT-travel-group", "LEGIT-medical-tourism",
}  # fmt: skip
DAY = dt.timedelta(days=1)


def members(world: World, typology: str, role: str) -> pl.DataFrame:
    t = world.truth
    return t.filter((pl.col("typology") == typology) & (pl.col("role") == role))


def flows(world: World, payer_role: tuple[str, str], payee_role: tuple[str, str]) -> pl.DataFrame:
    """Payments from accounts in one role to accounts in another role of the same pattern."""
    typology = payer_role[0]
    payers = members(world, typology, payer_role[1]).select("pattern_id", payer_account="account")
    payees = members(world, payee_role[0], payee_role[1]).select(
        pl.col("pattern_id").str.replace(payee_role[0], typology), payee_account="account"
    )
    pairs = payers.join(payees, on="pattern_id")
    return usd_amounts(world.frame).join(pairs, on=["payer_account", "payee_account"])


def test_truth_layout_and_vocabulary(world: World) -> None:
    t = world.truth
    assert t.columns == ["pattern_id", "typology", "role", "account"]
    assert t["pattern_id"].str.contains(r"^(OB|ML|TF)-\d\d-\d{4}$|^LEGIT-[a-z-]+-\d{4}$").all()
    assert (t["pattern_id"].str.replace(r"-\d{4}$", "") == t["typology"]).all()
    assert t.is_duplicated().sum() == 0


def test_every_family_and_lookalike_is_planted(world: World) -> None:
    planted = set(world.truth["typology"].unique())
    assert planted >= FAMILIES
    assert planted >= LOOKALIKES


def test_truth_accounts_appear_in_payments(world: World) -> None:
    f = world.frame
    used = set(f["payer_account"].drop_nulls()) | set(f["payee_account"].drop_nulls())
    missing = world.truth.filter(~pl.col("account").is_in(list(used)))
    assert missing.height == 0, missing


def test_three_organ_networks_in_a_small_world(world: World) -> None:
    networks = world.truth.filter(pl.col("typology") == "OB-01")["pattern_id"].n_unique()
    assert networks >= 3
    roles = set(world.truth.filter(pl.col("typology") == "OB-01")["role"])
    assert {"broker", "recipient", "donor", "medical_facility", "travel_provider"} <= roles


def test_recipient_payments_stay_in_the_price_band(world: World) -> None:
    paid = flows(world, ("OB-01", "recipient"), ("OB-01", "broker"))
    assert paid.height >= 9
    assert paid["usd"].null_count() == 0
    assert (paid["usd"] <= 200_000).all()
    per_recipient = paid.group_by("payer_account").agg(
        pl.col("usd").sum(), (pl.col("ts").max() - pl.col("ts").min()).alias("span")
    )
    assert per_recipient["usd"].min() >= 15_000  # type: ignore[operator]
    assert per_recipient["usd"].max() <= 200_000  # type: ignore[operator]
    assert (per_recipient["span"] <= 60 * DAY).all()
    assert 40_000 < per_recipient["usd"].median() < 160_000  # type: ignore[operator]


def test_donor_payouts_come_in_two_stages_within_bounds(world: World) -> None:
    paid = flows(world, ("OB-03", "broker"), ("OB-03", "donor")).sort("ts")
    assert paid.height >= 2
    for _, rows in paid.group_by("payee_account"):
        advance, balance = rows.row(0, named=True), rows.row(1, named=True)
        assert 500 <= advance["usd"] <= 3000
        assert 7 * DAY <= balance["ts"] - advance["ts"] <= 45 * DAY
        assert rows["usd"].sum() <= 25_000


def test_recruiters_get_small_near_constant_bounties(world: World) -> None:
    paid = flows(world, ("OB-08", "broker"), ("OB-08", "recruiter"))
    bounties = paid.filter(pl.col("usd") <= 1000)
    assert bounties.height >= 2
    for _, rows in bounties.group_by("payee_account"):
        assert rows.height >= 2
        assert rows["usd"].std() / rows["usd"].mean() < 0.2  # type: ignore[operator]


def test_brokers_keep_a_margin(world: World) -> None:
    f = usd_amounts(world.frame)
    for broker in members(world, "OB-01", "broker")["account"]:
        inflow = float(f.filter(pl.col("payee_account") == broker)["usd"].sum())
        outflow = float(f.filter(pl.col("payer_account") == broker)["usd"].sum())
        assert 0.35 <= 1 - outflow / inflow <= 0.85


def test_structuring_deposits_sit_just_under_the_threshold(world: World) -> None:
    f = usd_amounts(world.frame).filter(pl.col("channel") == "cash")
    for account in members(world, "ML-01", "structurer")["account"]:
        deposits = f.filter(pl.col("payee_account") == account).filter(
            pl.col("usd").is_between(8000, 10000, closed="left")
        )
        assert deposits.height >= 3
        assert deposits["ts"].max() - deposits["ts"].min() <= DAY  # type: ignore[operator]


def test_crowdfunding_burst_is_forwarded_fast(world: World) -> None:
    f = usd_amounts(world.frame)
    for collector in members(world, "TF-03", "collector")["account"]:
        gifts = f.filter(pl.col("payee_account") == collector)
        assert gifts["payer_account"].n_unique() >= 50
        assert (gifts["usd"] <= 500).all()
        assert gifts["ts"].max() - gifts["ts"].min() <= 30 * DAY  # type: ignore[operator]
        out = f.filter(pl.col("payer_account") == collector)
        assert float(out["usd"].sum()) >= 0.7 * float(gifts["usd"].sum())
        assert out["ts"].max() - gifts["ts"].max() <= 3 * DAY  # type: ignore[operator]


def test_cycles_return_to_their_origin(world: World) -> None:
    f = usd_amounts(world.frame)
    for pid, rows in world.truth.filter(pl.col("typology") == "ML-05").group_by("pattern_id"):
        accounts = set(rows["account"])
        hops = f.filter(
            pl.col("payer_account").is_in(list(accounts)) & pl.col("payee_account").is_in(list(accounts))
        ).sort("ts")
        assert hops.height == len(accounts), pid
        origin = rows.filter(pl.col("role") == "origin")["account"][0]
        assert hops["payer_account"][0] == origin == hops["payee_account"][-1]
        assert hops["ts"][-1] - hops["ts"][0] <= 30 * DAY
        ratios = hops["usd"][1:] / hops["usd"][:-1]
        assert (ratios >= 0.8).all()


def test_medical_staff_have_medical_occupations(world: World) -> None:
    kyc = pl.from_arrow(world.accounts)
    assert isinstance(kyc, pl.DataFrame)
    staff = members(world, "OB-11", "medical_professional").join(kyc, on="account")
    assert staff.height >= 1
    assert staff["occupation"].is_in(["surgeon", "nephrologist", "transplant surgeon", "urologist",
                                      "anaesthetist", "transplant coordinator"]).all()  # fmt: skip


def test_planted_share_is_small_at_scale() -> None:
    payments = 1_000_000
    world = SynthWorld(payments, dt.date(2026, 1, 1), np.random.default_rng([7, 0]))
    plant = Plant(world, FxTable.bundled(), (dt.date(2026, 1, 1) - dt.date(1970, 1, 1)).days, 365)
    plant_all(plant, payments, seed=7)
    assert 0.001 <= len(plant.rows) / payments <= 0.005
