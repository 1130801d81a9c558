"""Core money-laundering patterns, ML-01 to ML-09 of typologies.md.

Each function plants one instance that meets its rule's default thresholds
with some margin, so a correct rule finds it and a rule that is too lax or too
strict shows up in the precision and recall against the truth file. Subjects
are often ordinary background customers (structurers and high-risk payers
have normal lives too); mules and shells are new accounts.
"""

from __future__ import annotations

import itertools

import numpy as np

from screening.synth import texts
from screening.synth.places import BY_CODE, CURRENCY_INDEX, HIGH_RISK
from screening.synth.plant import Plant

Rng = np.random.Generator

_CASH_HOMES = ("US", "US", "US", "DE", "FR", "NL", "ES", "IT", "AT")
_SHELL_HOMES = ("AE", "GB", "CH", "NL", "TR", "IL", "US", "CN", "RU")
_COVER = ("services", "consulting fee", "loan", "invoice", "payment", "goods", "refund")


def _pick(rng: Rng, values: tuple[str, ...]) -> str:
    return str(values[int(rng.integers(0, len(values)))])


def _shell(p: Plant, rng: Rng, country: str | None = None) -> int:
    country = country or _pick(rng, _SHELL_HOMES)
    last = _pick(rng, texts.LAST_NAMES[BY_CODE[country].language])
    word = _pick(rng, texts.BUSINESS_WORDS)
    suffix = texts.COMPANY_SUFFIX.get(country, "Ltd")
    return p.org(
        country,
        rng,
        f"{last} {word} {suffix}",
        "trading company",
        opened_day=p.first_day - int(rng.integers(20, 400)),
    )


def _mule(p: Plant, rng: Rng, country: str) -> int:
    opened = p.first_day - int(rng.integers(0, 90))
    return p.person(country, rng, _pick(rng, ("student", "unemployed", "sales assistant")), opened)


def _band(p: Plant, ts: int, currency: str, rng: Rng) -> float:
    """A local amount in [8000, 10000) that is also 8000-10000 USD at the day's rate."""
    rate = float(p.fx.usd_per_unit(np.array([ts]), np.array([CURRENCY_INDEX[currency]]))[0])
    lo, hi = max(8000.0, 8000.0 / rate), min(9990.0, 9990.0 / rate)
    return round(rng.uniform(lo, max(lo, hi)), -1)


def structuring(p: Plant, rng: Rng) -> None:
    """ML-01: three to five cash deposits just under 10,000 within a day, then a wire."""
    pid = p.next_id("ML-01")
    country = _pick(rng, _CASH_HOMES)
    subject = p.existing("person", country, rng)
    clock = p.window(rng, 5)
    currency = BY_CODE[country].currency
    total = 0.0
    hours = np.sort(rng.uniform(8.0, 8.0 + 22.0, int(rng.integers(3, 6))))
    city = BY_CODE[country].cities
    for h in hours:
        ts = clock.at(h // 24, rng, h % 24)
        branch = p.world.branch(subject, _pick(rng, city))
        amount = _band(p, ts, currency, rng)
        total += amount
        p.pay(
            ts,
            None,
            subject,
            local=amount,
            currency=currency,
            channel="cash",
            cash_bank=branch,
            purpose=_pick(rng, texts.CASH_IN) if rng.random() < 0.5 else None,
        )
    beneficiary = _shell(p, rng)
    p.pay(
        clock.at(rng.uniform(2, 4), rng),
        subject,
        beneficiary,
        local=total * rng.uniform(0.9, 0.98),
        currency=currency,
        purpose=_pick(rng, _COVER),
    )
    p.member(pid, "structurer", subject)
    p.member(pid, "beneficiary", beneficiary)


def funnel(p: Plant, rng: Rng) -> None:
    """ML-02: cash paid in at several branches in a week, sent on within 48 hours."""
    pid = p.next_id("ML-02")
    country = "US" if rng.random() < 0.7 else _pick(rng, ("DE", "GB", "ES"))
    info = BY_CODE[country]
    account = _mule(p, rng, country)
    clock = p.window(rng, 10)
    cities = list(info.cities)
    rng.shuffle(cities)
    total = 0.0
    deposits = int(rng.integers(5, 9))
    last = 0
    for i in range(deposits):
        city = cities[i % 3]
        ts = clock.at(i * 6 / deposits, rng)
        last = max(last, ts)
        total += p.pay(
            ts,
            None,
            account,
            usd=rng.uniform(1500, 7000),
            channel="cash",
            cash_bank=p.world.branch(account, city),
            purpose=f"Cash deposit {city}",
        )
    send = total * rng.uniform(0.75, 0.95)
    when = last + int(rng.uniform(4, 40) * 3600)
    if rng.random() < 0.5:
        beneficiary = _shell(p, rng, _pick(rng, ("MX", "CN", "AE", "TR")))
        p.pay(min(when, p.end - 1), account, beneficiary, usd=send, purpose=_pick(rng, _COVER))
        p.member(pid, "beneficiary", beneficiary)
    else:
        far = cities[-1]
        for part in (0.5, 0.5):
            p.pay(
                min(when, p.end - 1),
                account,
                None,
                usd=send * part,
                channel="cash",
                cash_bank=p.world.branch(account, far),
                purpose=f"Cash withdrawal {far}",
            )
            when += 3600
    p.member(pid, "funnel", account)


def fan(p: Plant, rng: Rng) -> None:
    """ML-03: five to sixteen counterparties pay in (or are paid) similar amounts in 30 days."""
    pid = p.next_id("ML-03")
    country = _pick(rng, ("US", "GB", "DE", "TR", "AE", "IL", "IN"))
    hub = _mule(p, rng, country) if rng.random() < 0.6 else _shell(p, rng, country)
    clock = p.window(rng, 30)
    base = rng.uniform(500, 5000)
    members = p.persons(country, int(rng.integers(5, 17)), rng)
    fan_in = rng.random() < 0.5
    channel = _pick(rng, ("wire", "mobile"))
    for member in members:
        ts = clock.at(rng.uniform(0, 28), rng)
        usd = base * rng.normal(1.0, 0.08)
        if fan_in:
            p.pay(ts, member, hub, usd=usd, channel=channel, purpose=_pick(rng, _COVER))
        else:
            p.pay(ts, hub, member, usd=usd, channel=channel, purpose=_pick(rng, _COVER))
    p.member(pid, "hub", hub)
    p.members(pid, "member", members)


def scatter_gather(p: Plant, rng: Rng) -> None:
    """ML-04: one origin pays several intermediaries who each forward 80-100% to one payee."""
    pid = p.next_id("ML-04")
    country = _pick(rng, ("US", "GB", "DE", "NL", "AE"))
    origin = _shell(p, rng, country)
    beneficiary = _shell(p, rng)
    clock = p.window(rng, 30)
    middles = [_mule(p, rng, country) for _ in range(int(rng.integers(3, 8)))]
    for middle in middles:
        day = rng.uniform(0, 5)
        usd = rng.uniform(2000, 9000)
        p.pay(clock.at(day, rng), origin, middle, usd=usd, purpose=_pick(rng, _COVER))
        p.pay(
            clock.at(day + rng.uniform(1, 12), rng),
            middle,
            beneficiary,
            usd=usd * rng.uniform(0.8, 0.98),
            purpose=_pick(rng, _COVER),
        )
    p.member(pid, "origin", origin)
    p.members(pid, "intermediary", middles)
    p.member(pid, "beneficiary", beneficiary)


def cycle(p: Plant, rng: Rng) -> None:
    """ML-05: money goes round 2-6 accounts and back within 30 days, each keeping little."""
    pid = p.next_id("ML-05")
    hops = int(rng.integers(2, 7))
    accounts = [_shell(p, rng) for _ in range(hops)]
    clock = p.window(rng, 30)
    usd = float(rng.lognormal(np.log(60000), 0.8))
    day = 0.0
    for i in range(hops):
        payer, payee = accounts[i], accounts[(i + 1) % hops]
        usd = p.pay(
            clock.at(day, rng),
            payer,
            payee,
            usd=usd,
            currency="USD",
            purpose=_pick(rng, ("invoice", "goods", "services", "loan repayment")),
        )
        usd *= rng.uniform(0.85, 0.98)
        day += rng.uniform(1, 25 / hops)
    p.member(pid, "origin", accounts[0])
    p.members(pid, "member", accounts[1:])


def bipartite(p: Plant, rng: Rng) -> None:
    """ML-06: a dense sender-to-receiver block, sometimes stacked into a second layer."""
    pid = p.next_id("ML-06")
    country = _pick(rng, ("US", "GB", "DE", "AE", "TR"))
    clock = p.window(rng, 30)
    layers = [
        [_mule(p, rng, country) for _ in range(int(rng.integers(3, 6)))]
        for _ in range(3 if rng.random() < 0.4 else 2)
    ]
    for depth, (senders, receivers) in enumerate(itertools.pairwise(layers)):
        edges = [(s, r) for s in senders for r in receivers if rng.random() < 0.8]
        while len(edges) < 0.6 * len(senders) * len(receivers):
            edges.append(
                (senders[int(rng.integers(0, len(senders)))], receivers[int(rng.integers(0, len(receivers)))])
            )
        for s, r in sorted(set(edges)):
            p.pay(
                clock.at(depth * 12 + rng.uniform(0, 10), rng),
                s,
                r,
                usd=rng.uniform(1000, 9000),
                channel=_pick(rng, ("wire", "mobile")),
                purpose=_pick(rng, _COVER),
            )
    p.members(pid, "sender", layers[0])
    for middle in layers[1:-1]:
        p.members(pid, "intermediary", middle)
    p.members(pid, "receiver", layers[-1])


def pass_through(p: Plant, rng: Rng) -> None:
    """ML-07: a new account passes on 80-100% of each credit within 48 hours, 3+ times."""
    pid = p.next_id("ML-07")
    country = _pick(rng, ("US", "GB", "DE", "FR", "ES", "NL"))
    mule = _mule(p, rng, country)
    clock = p.window(rng, 30)
    origins = [_shell(p, rng, country) for _ in range(int(rng.integers(1, 3)))]
    beneficiary = _shell(p, rng)
    for i in range(int(rng.integers(3, 6))):
        ts = clock.at(i * 6 + rng.uniform(0, 4), rng)
        usd = p.pay(
            ts, origins[i % len(origins)], mule, usd=rng.uniform(2000, 15000), purpose=_pick(rng, _COVER)
        )
        out = min(ts + int(rng.uniform(3, 40) * 3600), p.end - 1)
        p.pay(out, mule, beneficiary, usd=usd * rng.uniform(0.82, 0.98), purpose=_pick(rng, _COVER))
    p.member(pid, "mule", mule)
    p.members(pid, "origin", origins)
    p.member(pid, "beneficiary", beneficiary)


def behaviour_change(p: Plant, rng: Rng) -> None:
    """ML-08: three months of small card spending, then one large wire to a new country."""
    pid = p.next_id("ML-08")
    country = _pick(rng, ("US", "GB", "DE", "FR", "IL", "AE"))
    subject = p.person(country, rng)
    clock = p.window(rng, 100)
    shops = [p.existing("retail:5411", country, rng), p.existing("retail:5812", country, rng)]
    amounts = []
    for _ in range(int(rng.integers(15, 30))):
        usd = float(rng.lognormal(np.log(50), 0.5))
        amounts.append(usd)
        p.pay(
            clock.at(rng.uniform(0, 90), rng),
            subject,
            shops[int(rng.integers(0, 2))],
            usd=usd,
            channel="card",
        )
    counterparty = _shell(p, rng, _pick(rng, ("CN", "AE", "TR", "RU", "LB")))
    big = max(20 * float(np.median(amounts)), 8000) * rng.uniform(1.0, 4.0)
    p.pay(clock.at(rng.uniform(92, 99), rng), subject, counterparty, usd=big, purpose=_pick(rng, _COVER))
    p.member(pid, "subject", subject)
    p.member(pid, "counterparty", counterparty)


def high_risk(p: Plant, rng: Rng) -> None:
    """ML-09: payments to or from a counterparty in a FATF call-for-action country."""
    pid = p.next_id("ML-09")
    country = _pick(rng, ("US", "DE", "GB", "AE", "TR", "CN"))
    subject = p.existing("employer", country, rng)
    where = _pick(rng, HIGH_RISK)
    counterparty = _shell(p, rng, where)
    clock = p.window(rng, 60)
    incoming = rng.random() < 0.3
    for _ in range(int(rng.integers(1, 4))):
        ts = clock.at(rng.uniform(0, 60), rng)
        usd = rng.uniform(1000, 50000)
        currency = _pick(rng, ("USD", "EUR"))
        if incoming:
            p.pay(ts, counterparty, subject, usd=usd, currency=currency, purpose="goods")
        else:
            p.pay(
                ts,
                subject,
                counterparty,
                usd=usd,
                currency=currency,
                purpose=_pick(rng, ("machinery parts", "services", "goods")),
            )
    p.member(pid, "subject", subject)
    p.member(pid, "counterparty", counterparty)
