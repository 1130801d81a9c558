"""Legitimate look-alikes: honest activity shaped like the typologies.

A rule that fires on payroll fan-out, a busy hospital, a remittance shop, a
charity appeal, a school trip or a medical tourist is a rule that will drown
an analyst. These instances are recorded in the truth file as ``LEGIT-...``
so tests can measure precision, not just recall.
"""

from __future__ import annotations

import numpy as np

from screening.synth import texts
from screening.synth.places import BY_CODE
from screening.synth.plant import Plant

Rng = np.random.Generator

_HOMES = ("US", "DE", "GB", "IL", "TR", "IN", "AE", "FR")


def _pick(rng: Rng, values: tuple[str, ...]) -> str:
    return str(values[int(rng.integers(0, len(values)))])


def payroll(p: Plant, rng: Rng) -> None:
    """An employer paying its staff every month (the background's payroll, labelled)."""
    staff = p.payroll
    if staff.shape[0] == 0:
        return
    employers, counts = np.unique(p.world.employer[staff], return_counts=True)
    taken = {a for _, t, _, a in p.truth if t == "LEGIT-payroll"}
    fit = [int(e) for e, c in zip(employers, counts, strict=True) if 5 <= c <= 200 and e not in taken]
    if not fit:
        return
    employer = fit[int(rng.integers(0, len(fit)))]
    pid = p.next_id("LEGIT-payroll")
    p.member(pid, "employer", employer)
    p.members(pid, "employee", sorted(int(s) for s in staff[p.world.employer[staff] == employer]))


def hospital(p: Plant, rng: Rng) -> None:
    """A hospital with many patients paying large bills and an insurer settling claims."""
    pid = p.next_id("LEGIT-hospital")
    country = _pick(rng, _HOMES)
    facility = p.existing("hospital", country, rng)
    clock = p.window(rng, 180)
    patients = p.persons(country, int(rng.integers(15, 40)), rng)
    for _ in range(int(rng.integers(0, 5))):
        patients.append(p.person(_pick(rng, ("SA", "AE", "KW", "GB", "RU", "NG")), rng))
    for patient in patients:
        usd = float(np.clip(rng.lognormal(np.log(20000), 0.7), 5000, 120000))
        p.pay(
            clock.at(rng.uniform(0, 175), rng),
            patient,
            facility,
            usd=usd,
            channel="wire",
            purpose=f"Patient invoice {int(rng.integers(100000, 999999))}",
        )
    insurer = p.existing("insurer", country, rng)
    for _ in range(int(rng.integers(3, 9))):
        p.pay(
            clock.at(rng.uniform(0, 175), rng),
            insurer,
            facility,
            channel="ach",
            mcc=None,
            usd=rng.uniform(10000, 150000),
            purpose=f"Claims batch {int(rng.integers(1000, 9999))}",
        )
    p.member(pid, "medical_facility", facility)
    p.members(pid, "patient", patients)
    p.member(pid, "insurer", insurer)


def remittance_hub(p: Plant, rng: Rng) -> None:
    """A money transmitter with many senders, settling weekly with its foreign partner."""
    pid = p.next_id("LEGIT-remittance")
    country = _pick(rng, ("US", "GB", "DE", "AE", "SA", "IL"))
    hub = p.existing("msb", country, rng)
    clock = p.window(rng, 90)
    partner_country = _pick(rng, ("IN", "PH", "MX", "PK", "NG"))
    city = BY_CODE[partner_country].cities[0]
    partner = p.org(partner_country, rng, f"{city} Remittance Partner", "money service business", "4829")
    senders = p.persons(country, int(rng.integers(20, 60)), rng)
    weekly = np.zeros(13)
    for sender in senders:
        for _ in range(int(rng.integers(1, 4))):
            day = rng.uniform(0, 90)
            weekly[min(int(day // 7), 12)] += p.pay(
                clock.at(day, rng),
                sender,
                hub,
                usd=rng.uniform(100, 1500),
                channel="msb",
                purpose=_pick(rng, texts.REMITTANCE),
            )
    for week, usd in enumerate(weekly):
        if usd > 0:
            p.pay(
                clock.at(week * 7 + 7, rng),
                hub,
                partner,
                usd=usd * 0.98,
                currency="USD",
                mcc=None,
                purpose=f"Settlement week {week + 1}",
            )
    p.member(pid, "hub", hub)
    p.members(pid, "sender", senders)
    p.member(pid, "correspondent", partner)


def charity(p: Plant, rng: Rng) -> None:
    """A charity appeal: many small gifts in a month, spent slowly over the following months."""
    pid = p.next_id("LEGIT-charity")
    country = _pick(rng, _HOMES)
    npo = p.existing("charity", country, rng)
    clock = p.window(rng, 220)
    donors = p.persons(country, int(rng.integers(60, 150)), rng)
    total = 0.0
    for donor in donors:
        total += p.pay(
            clock.at(rng.uniform(0, 30), rng),
            donor,
            npo,
            usd=float(np.clip(rng.lognormal(np.log(50), 0.8), 10, 300)),
            channel=_pick(rng, ("card", "mobile", "wire")),
            purpose=_pick(rng, texts.CHARITY),
        )
    suppliers = [p.existing("employer", country, rng) for _ in range(int(rng.integers(3, 7)))]
    for supplier in suppliers:
        p.pay(
            clock.at(rng.uniform(45, 215), rng),
            npo,
            supplier,
            mcc=None,
            usd=total * rng.uniform(0.04, 0.1),
            purpose=_pick(rng, ("relief supplies", "programme costs", "food parcels")),
        )
    p.member(pid, "npo", npo)
    p.members(pid, "donor", donors)
    p.members(pid, "supplier", sorted(set(suppliers)))


def travel_group(p: Plant, rng: Rng) -> None:
    """A school or company books a group trip through a travel agency."""
    pid = p.next_id("LEGIT-travel-group")
    country = _pick(rng, _HOMES)
    lang = BY_CODE[country].language
    customer = p.existing("employer", country, rng)
    agency = p.existing("travel_agency", country, rng)
    destination = _pick(rng, ("TR", "EG", "IN", "ZA", "GR", "ES", "IT"))
    clock = p.window(rng, 60)
    size = int(rng.integers(8, 31))
    names = [f"{_pick(rng, texts.FIRST_NAMES[lang])} {_pick(rng, texts.LAST_NAMES[lang])}" for _ in range(4)]
    usd = size * rng.uniform(900, 1800)
    p.pay(
        clock.at(0, rng),
        customer,
        agency,
        usd=usd * 0.3,
        purpose=f"Group booking {size} pax deposit: {', '.join(names)} et al.",
    )
    p.pay(
        clock.at(rng.uniform(20, 30), rng),
        customer,
        agency,
        usd=usd * 0.7,
        purpose=f"Group booking {size} pax balance",
    )
    airline = p.existing("airline", country, rng)
    hotel = p.existing("hotel", destination, rng)
    origin, target = BY_CODE[country].airport, BY_CODE[destination].airport
    p.pay(
        clock.at(rng.uniform(25, 35), rng),
        agency,
        airline,
        usd=usd * 0.4,
        purpose=f"Group fare {origin}-{target} {size} pax",
    )
    p.pay(
        clock.at(rng.uniform(30, 40), rng), agency, hotel, usd=usd * 0.35, purpose=f"Group stay {size} guests"
    )
    p.member(pid, "customer", customer)
    p.member(pid, "travel_agency", agency)
    p.members(pid, "travel_provider", [airline, hotel])


def medical_tourism(p: Plant, rng: Rng) -> None:
    """A patient pays a foreign hospital directly for a well-known treatment."""
    pid = p.next_id("LEGIT-medical-tourism")
    origin = _pick(rng, ("GB", "US", "DE", "SA", "AE", "IL", "KW"))
    venue = _pick(rng, tuple(c for c in ("IN", "TR", "DE", "US", "IL") if c != origin))
    patient = p.person(origin, rng)
    facility = p.existing("hospital", venue, rng)
    clock = p.window(rng, 60)
    treatment = _pick(rng, texts.TOURISM)
    total = float(rng.uniform(16000, 80000))
    parts = 1 if rng.random() < 0.6 else 2
    for i in range(parts):
        p.pay(
            clock.at(i * rng.uniform(10, 40), rng),
            patient,
            facility,
            usd=total / parts,
            currency=_pick(rng, ("USD", "EUR", BY_CODE[origin].currency)),
            purpose=f"{treatment} {'deposit' if parts == 2 and i == 0 else 'invoice'}",
        )
    p.member(pid, "patient", patient)
    p.member(pid, "medical_facility", facility)
