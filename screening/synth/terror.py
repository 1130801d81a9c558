"""Terrorist-financing patterns TF-02 to TF-04 of typologies.md.

TF-01 (sanctions hits) needs real list names and is left to the sanctions
tests; TF-05 (organ trafficking and TF nexus) is planted inside organ networks.
"""

from __future__ import annotations

import numpy as np

from screening.synth import texts
from screening.synth.places import BY_CODE, CONFLICT_BORDER, OFFSHORE_VASP
from screening.synth.plant import DAY, Plant

Rng = np.random.Generator

_HOMES = ("US", "DE", "GB", "FR", "NL", "AE", "TR", "IL")


def _pick(rng: Rng, values: tuple[str, ...]) -> str:
    return str(values[int(rng.integers(0, len(values)))])


def conflict_cash_out(p: Plant, rng: Rng) -> None:
    """TF-02: 3-6 MSB transfers or ATM withdrawals of 100-5,000 near a conflict zone in 30 days."""
    pid = p.next_id("TF-02")
    country = _pick(rng, _HOMES)
    subject = p.existing("person", country, rng)
    where = _pick(rng, CONFLICT_BORDER)
    clock = p.window(rng, 35)
    if rng.random() < 0.3:
        origin = p.existing("employer", country, rng)
        p.pay(clock.at(0, rng), origin, subject, usd=rng.uniform(5000, 20000), purpose="advance")
        p.member(pid, "origin", origin)
    agents = [p.person(where, rng, "shop owner") for _ in range(int(rng.integers(1, 3)))]
    atm = rng.random() < 0.4
    bank = p.world.bic_index(BY_CODE[where].banks[0] + "XXX")
    for i in range(int(rng.integers(3, 7))):
        ts = clock.at(3 + i * 4 + rng.uniform(0, 3), rng)
        usd = rng.uniform(100, 5000)
        if atm and i % 2:
            p.pay(
                ts,
                subject,
                None,
                usd=usd,
                currency="USD",
                channel="cash",
                cash_country=where,
                cash_bank=bank,
                purpose="ATM withdrawal",
            )
        else:
            p.pay(
                ts,
                subject,
                agents[i % len(agents)],
                usd=usd,
                channel="msb",
                mcc="4829",
                purpose=_pick(rng, texts.REMITTANCE) if rng.random() < 0.6 else None,
            )
    p.member(pid, "subject", subject)
    p.members(pid, "agent", agents)


def crowdfunding(p: Plant, rng: Rng) -> None:
    """TF-03: 50+ small donations within 30 days, then 70%+ forwarded within 72 hours."""
    pid = p.next_id("TF-03")
    country = _pick(rng, _HOMES)
    clock = p.window(rng, 34)
    if rng.random() < 0.5:
        collector = p.person(country, rng, opened_day=clock.at(0, rng) // DAY - 20)
    else:
        city = _pick(rng, BY_CODE[country].cities)
        collector = p.org(
            country,
            rng,
            f"{city} Families Relief Initiative",
            "association",
            opened_day=clock.at(0, rng) // DAY - 40,
        )
    donors = p.persons(country, int(rng.integers(55, 120)), rng)
    total = 0.0
    last = 0
    for donor in donors:
        ts = clock.at(rng.uniform(0, 29), rng)
        last = max(last, ts)
        total += p.pay(
            ts,
            donor,
            collector,
            usd=min(480.0, float(rng.lognormal(np.log(60), 0.8))),
            channel=_pick(rng, ("mobile", "card", "wire")),
            mcc=None,
            purpose=_pick(rng, texts.CHARITY) if rng.random() < 0.7 else None,
        )
    share = rng.uniform(0.72, 0.95)
    beneficiaries = []
    parts = int(rng.integers(1, 4))
    for _ in range(parts):
        ts = min(last + int(rng.uniform(6, 70) * 3600), p.end - 1)
        if rng.random() < 0.3:
            vasp = p.org(
                _pick(rng, OFFSHORE_VASP), rng, "Anon Swap Exchange", "virtual asset service provider", "6051"
            )
            p.pay(ts, collector, vasp, usd=total * share / parts, currency="USD", channel="crypto")
            beneficiaries.append(vasp)
        else:
            agent = p.person(_pick(rng, CONFLICT_BORDER), rng, "shop owner")
            p.pay(
                ts,
                collector,
                agent,
                usd=total * share / parts,
                currency="USD",
                channel="msb",
                mcc="4829",
                purpose=_pick(rng, ("for the families", "aid", "help")),
            )
            beneficiaries.append(agent)
    p.members(pid, "donor", donors)
    p.member(pid, "collector", collector)
    p.members(pid, "beneficiary", beneficiaries)


def vasp_exposure(p: Plant, rng: Rng) -> None:
    """TF-04: crypto-channel payments to a VASP in a listed or lightly regulated jurisdiction."""
    pid = p.next_id("TF-04")
    subject = p.existing("person", _pick(rng, _HOMES), rng)
    where = _pick(rng, OFFSHORE_VASP)
    vasp = p.org(
        where,
        rng,
        f"{_pick(rng, ('Bit', 'Coin', 'Chain', 'Hash'))}Bridge {where}",
        "virtual asset service provider",
        "6051",
    )
    clock = p.window(rng, 60)
    for _ in range(int(rng.integers(2, 6))):
        ts = clock.at(rng.uniform(0, 60), rng)
        if rng.random() < 0.8:
            p.pay(
                ts,
                subject,
                vasp,
                usd=rng.uniform(200, 10000),
                channel="crypto",
                purpose=_pick(rng, texts.CRYPTO),
            )
        else:
            p.pay(
                ts,
                vasp,
                subject,
                usd=rng.uniform(200, 5000),
                currency="USD",
                channel="crypto",
                mcc=None,
                purpose="withdrawal",
            )
    p.member(pid, "subject", subject)
    p.member(pid, "vasp", vasp)
