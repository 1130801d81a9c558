"""Organ-brokering networks (OB-01..OB-10) and the medical-staff patterns (OB-11, OB-12).

A network follows the prosecuted cases of typologies.md section B on one of
the corridors of section C: foreign recipients pay a broker 15k-200k USD
(sometimes in up to three instalments), the broker pays donors from donor-
source countries in two stages (often under-paying), pays a lab for HLA typing,
flights and hotels for donors and recipients, the venue hospital and surgeon,
sometimes a recruiter, and keeps 40-80%. Each network is recorded as an OB-01
pattern; the sub-rules it also exhibits (two-stage payouts, lab-travel-
hospital sequence, bulk hospital payments, ...) are recorded under their own
rule ids with the same number (``OB-03-0007`` belongs to ``OB-01-0007``), and
only when the generated payments actually meet the rule's definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from screening.synth import texts
from screening.synth.places import BY_CODE, CONFLICT_BORDER, DONOR_SOURCES, TRANSPLANT_VENUES
from screening.synth.plant import DAY, Plant

Rng = np.random.Generator


@dataclass(frozen=True)
class Corridor:
    """Recipient origins -> venue <- donor sources, with where brokers sit."""

    name: str
    origins: tuple[str, ...]
    venue: str
    donors: tuple[str, ...]
    brokers: tuple[str, ...]
    currency: str


CORRIDORS = (
    Corridor("netcare", ("IL",), "ZA", ("BR", "RO", "IL"), ("IL", "ZA"), "USD"),
    Corridor(
        "medicus",
        ("IL", "TR", "PL", "CA", "DE"),
        "XK",
        ("MD", "KZ", "RU", "TR", "UA", "BY"),
        ("TR", "IL"),
        "EUR",
    ),
    Corridor("rosenbaum", ("US",), "US", ("IL",), ("US",), "USD"),
    Corridor("gulf-pakistan", ("OM", "SA", "AE"), "PK", ("PK",), ("PK",), "USD"),
    Corridor(
        "india", ("US", "GB", "CA", "SA", "GR", "LB", "AE", "NP"), "IN", ("IN", "NP", "BD"), ("IN",), "USD"
    ),
    Corridor("egypt", ("SA", "AE", "KW", "BH", "OM", "QA"), "EG", ("EG", "SD", "ER", "ET"), ("EG",), "USD"),
)

DONOR_PRICE = {
    "IL": 15000, "BR": 5500, "RO": 5500, "MD": 8000, "KZ": 8000, "RU": 9000, "TR": 8000,
    "UA": 8000, "BY": 7000, "PK": 1200, "IN": 1000, "NP": 900, "BD": 900, "EG": 900,
    "SD": 1000, "ER": 1000, "ET": 1000,
}  # fmt: skip
"""Median promised donor payment in USD by donor country (section B)."""

RECIPIENT_JOBS = (
    "retired",
    "manager",
    "civil servant",
    "engineer",
    "teacher",
    "shop owner",
    "self-employed",
    "lawyer",
)
DONOR_JOBS = ("unemployed", "farmer", "construction worker", "driver", "cleaner", "student")
BROKER_NAMES = (
    "{last} Medical Travel",
    "Global Health Partners {city}",
    "MedAssist {city}",
    "{last} Health Consulting",
    "Renal Care Tourism {city}",
)

PRICE_MEDIAN = 80000.0
PRICE_BAND = (15000.0, 200000.0)


@dataclass
class _Case:
    """One transplant: a recipient, a donor and the payments around them."""

    recipient: int
    donor: int
    donor_country: str
    first_day: float
    paid_usd: float = 0.0
    pay_ts: list[int] = field(default_factory=list)
    via_msb: bool = False
    medical_text: bool = False
    advance_usd: float = 0.0
    balance_usd: float = 0.0
    advance_ts: int = 0
    balance_ts: int = 0
    donor_msb: bool = False
    donor_medical_text: bool = False
    lab_ts: int = 0
    travel_ts: list[int] = field(default_factory=list)
    hospital_ts: int = 0
    hospital_usd: float = 0.0


def _pick(rng: Rng, values: tuple[str, ...]) -> str:
    return str(values[int(rng.integers(0, len(values)))])


def _text(rng: Rng, telling: tuple[str, ...], bland: tuple[str, ...], p_telling: float) -> str | None:
    """A telling text with probability ``p_telling``, else mostly a bland one, else none."""
    style = rng.random()
    if style < p_telling:
        return _pick(rng, telling)
    return _pick(rng, bland) if style < 0.8 else None


class _Network:
    """One broker network; the steps run in the order money moves."""

    def __init__(self, p: Plant, rng: Rng) -> None:
        self.p, self.rng = p, rng
        self.n = n = p.number("OB-01")
        # The first networks cover the variants deterministically, later ones at random.
        self.corridor = CORRIDORS[(n - 1) % len(CORRIDORS)]
        self.person_broker = n % 3 == 1 or rng.random() < 0.25
        self.busy = n % 3 == 2
        self.recruiting = n % 3 == 0 or rng.random() < 0.35
        self.nexus = n % 5 == 3 or rng.random() < 0.1
        self.clock = p.window(rng, 215)
        self.country = _pick(rng, self.corridor.brokers)
        self.venue = self.corridor.venue
        self.broker = self._broker()
        self.hospital = p.existing("hospital", self.venue, rng)
        self.lab = p.existing("lab", _pick(rng, (self.venue, self.country)), rng)
        self.doctor = p.existing("doctor", self.venue, rng)
        self.hotel = p.existing("hotel", self.venue, rng)
        self.agency = p.existing("travel_agency", self.country, rng)
        self.cases: list[_Case] = []
        self.travel: set[int] = set()
        self.donor_travel: list[tuple[int, int, int]] = []
        """(ts, donor, travel payee) for each trip bought for a donor."""
        self.bounties = 0

    def _broker(self) -> int:
        p, rng = self.p, self.rng
        info = BY_CODE[self.country]
        opened = self.clock.at(0, rng) // DAY - int(rng.integers(30, 400))
        if self.person_broker:
            return p.person(self.country, rng, "self-employed", opened)
        last = _pick(rng, texts.LAST_NAMES[info.language])
        name = _pick(rng, BROKER_NAMES).format(last=last, city=_pick(rng, info.cities))
        suffix = texts.COMPANY_SUFFIX.get(self.country, "Ltd")
        return p.org(self.country, rng, f"{name} {suffix}", "medical tourism facilitator",
                     opened_day=opened)  # fmt: skip

    def plant(self) -> None:
        rng = self.rng
        k = int(min(9, 3 + rng.poisson(1.6)))
        if self.busy:
            k = max(k, 5)
            days = np.sort(rng.uniform(0, 80, k))
        elif self.recruiting:
            days = np.concatenate([[rng.uniform(0, 10)], np.sort(rng.uniform(45, 140, k - 1))])
        else:
            days = np.sort(rng.uniform(0, 100, k))
        for i, day in enumerate(days):
            self._recipient(float(day), telling=self.person_broker and i == 0)
        self._suppliers(med_share=rng.uniform(0.2, 0.4))
        if self.recruiting:
            self._bounties()
        self._record()
        if self.nexus:
            _nexus(self.p, rng, self.n, self.broker)

    def _recipient(self, day: float, telling: bool) -> None:
        """A recipient pays the broker; the broker pays the matching donor in two stages."""
        p, rng, clock = self.p, self.rng, self.clock
        origin = _pick(rng, self.corridor.origins)
        recipient = p.person(origin, rng, _pick(rng, RECIPIENT_JOBS))
        donor_country = _pick(rng, self.corridor.donors)
        advance_day = day + rng.uniform(5, 20)
        opened = clock.at(advance_day, rng) // DAY - int(rng.integers(0, 60))
        donor = p.person(donor_country, rng, _pick(rng, DONOR_JOBS), opened)
        case = _Case(recipient, donor, donor_country, day)
        self.cases.append(case)

        # Recipient -> broker: the price, in one to three instalments within 60 days.
        price = float(np.clip(rng.lognormal(np.log(PRICE_MEDIAN), 0.5), 15600, 194000))
        parts = int(rng.choice([1, 2, 3], p=[0.55, 0.25, 0.2]))
        shares = rng.dirichlet(np.full(parts, 4.0))
        offsets = np.concatenate([[0.0], np.sort(rng.uniform(5, 58, parts - 1))])
        own = BY_CODE[origin].currency
        currency = own if rng.random() < 0.5 else self.corridor.currency
        case.via_msb = rng.random() < 0.15
        text = _text(rng, texts.TREATMENT, texts.COVER, 1.0 if telling else 0.45)
        case.medical_text = text in texts.TREATMENT
        for share, offset in zip(shares, offsets, strict=True):
            ts = clock.at(day + offset, rng)
            case.pay_ts.append(ts)
            case.paid_usd += p.pay(
                ts, recipient, self.broker, usd=price * share, currency=currency,
                channel="msb" if case.via_msb else "wire", mcc="4829" if case.via_msb else None,
                purpose=text, nice=True,
            )  # fmt: skip

        # Broker -> donor: an advance, then (maybe) a balance 7-45 days later.
        median = DONOR_PRICE[donor_country]
        promised = float(np.clip(rng.lognormal(np.log(median), 0.45), 500, 25000))
        promised = min(promised, 0.2 * price)
        advance = min(max(0.2 * promised, 500.0), 3000.0, 0.6 * promised)
        balance = promised - advance
        first_of_recruiter = self.recruiting and not self.busy and len(self.cases) == 1
        fate = 1.0 if first_of_recruiter else rng.random()
        if fate < 0.15:
            balance = 0.0
        elif fate < 0.30:
            balance *= rng.uniform(0.2, 0.6)
        case.donor_msb = rng.random() < 0.55
        currency = BY_CODE[donor_country].currency
        if case.donor_msb and rng.random() < 0.4:
            currency = "USD"
        gap = rng.uniform(8, 20) if first_of_recruiter else rng.uniform(8, 44)
        for stage, usd in enumerate((advance, balance)):
            if usd <= 0:
                continue
            text = _text(rng, texts.DONOR_MEDICAL, texts.DONOR_TEXT, 0.12)
            case.donor_medical_text |= text in texts.DONOR_MEDICAL
            ts = clock.at(advance_day + stage * gap, rng)
            paid = p.pay(
                ts, self.broker, donor, usd=usd, currency=currency,
                channel="msb" if case.donor_msb else "wire",
                mcc="4829" if case.donor_msb else None, purpose=text,
            )  # fmt: skip
            if stage == 0:
                case.advance_usd, case.advance_ts = paid, ts
            else:
                case.balance_usd, case.balance_ts = paid, ts

    def _suppliers(self, med_share: float) -> None:
        """Lab, travel, hospital and surgeon, sized so the broker keeps 40-80%."""
        p, rng, clock = self.p, self.rng, self.clock
        inflow = sum(c.paid_usd for c in self.cases)
        donors = sum(c.advance_usd + c.balance_usd for c in self.cases)
        med_share = min(med_share, max(0.2, 0.53 - donors / inflow))
        travel_budget = 0.05 * inflow / len(self.cases)
        airport = BY_CODE[self.venue].airport
        for case in self.cases:
            med = med_share * case.paid_usd
            lab_usd = rng.uniform(400, 2500)
            doctor_usd = med * rng.uniform(0.08, 0.15)
            rname, dname = p.name(case.recipient), p.name(case.donor)
            case.lab_ts = clock.at(case.first_day + rng.uniform(3, 10), rng)
            text = _pick(rng, texts.LAB_TEXT)
            if rng.random() < 0.5:
                text = f"{text} {rname} / {dname}"
            p.pay(case.lab_ts, self.broker, self.lab, usd=lab_usd, purpose=text)

            travel_day = case.first_day + rng.uniform(12, 22)
            spent = 0.0
            if rng.random() < 0.3:
                ts = clock.at(travel_day, rng)
                city = BY_CODE[self.venue].cities[0]
                spent += p.pay(ts, self.broker, self.agency, usd=rng.uniform(2000, 5000),
                               purpose=f"Travel package {city} for {rname}, {dname}")  # fmt: skip
                self.travel.add(self.agency)
                self.donor_travel.append((ts, case.donor, self.agency))
                case.travel_ts.append(ts)
            else:
                for traveller in (case.donor, case.recipient):
                    home = p.world.country_of(traveller)
                    airline = p.existing("airline", home, rng)
                    ts = clock.at(travel_day + rng.uniform(0, 2), rng)
                    text = f"Ticket {BY_CODE[home].airport}-{airport} pax {p.name(traveller)}"
                    spent += p.pay(ts, self.broker, airline, usd=rng.uniform(350, 1400),
                                   purpose=text)  # fmt: skip
                    self.travel.add(airline)
                    case.travel_ts.append(ts)
                    if traveller == case.donor:
                        self.donor_travel.append((ts, case.donor, airline))
            if rng.random() < 0.6 and spent < travel_budget:
                nights = int(rng.integers(7, 22))
                ts = clock.at(travel_day + 1, rng)
                p.pay(ts, self.broker, self.hotel, usd=nights * rng.uniform(70, 160),
                      purpose=f"Hotel {nights} nights guest {dname}")  # fmt: skip
                self.travel.add(self.hotel)
                case.travel_ts.append(ts)

            case.hospital_ts = clock.at(case.first_day + rng.uniform(25, 40), rng)
            text = _pick(rng, texts.HOSPITAL_TEXT)
            if rng.random() < 0.5:
                text = f"{text} patient {rname}"
            case.hospital_usd = p.pay(case.hospital_ts, self.broker, self.hospital,
                                      usd=med - lab_usd - doctor_usd, purpose=text)  # fmt: skip
            ts = clock.at(case.first_day + rng.uniform(40, 50), rng)
            p.pay(ts, self.broker, self.doctor, usd=doctor_usd, purpose=_pick(rng, texts.DOCTOR_TEXT))

    def _bounties(self) -> None:
        """OB-08: the first donor earns near-constant bounties for the donors who follow."""
        p, rng = self.p, self.rng
        first = self.cases[0]
        base = rng.uniform(200, 600)
        for case in self.cases[1:]:
            if case.advance_ts > first.balance_ts > 0:
                ts = case.advance_ts + int(rng.uniform(1, 14) * DAY * self.clock.factor)
                p.pay(
                    ts, self.broker, first.donor, usd=base * rng.normal(1, 0.04),
                    currency=BY_CODE[first.donor_country].currency, channel="msb", mcc="4829",
                    purpose=_pick(rng, ("bonus", "for help", "commission")),
                )  # fmt: skip
                self.bounties += 1

    def _record(self) -> None:
        """Ground truth for the network and every sub-rule its payments meet."""
        p, cases, broker = self.p, self.cases, self.broker
        hospital, lab = self.hospital, self.lab
        travel = sorted(self.travel)
        recruiter = cases[0].donor if self.bounties else None
        pid = f"OB-01-{self.n:04d}"
        p.member(pid, "broker", broker)
        p.members(pid, "recipient", [c.recipient for c in cases])
        p.members(pid, "donor", [c.donor for c in cases])
        p.members(pid, "medical_facility", [hospital, lab, self.doctor])
        p.members(pid, "travel_provider", travel)
        if recruiter is not None:
            p.member(pid, "recruiter", recruiter)

        def sub(rule: str) -> str:
            return f"{rule}-{self.n:04d}"

        abroad = self.country != self.venue
        # OB-02: to a person or a foreign entity, in band, with medical text or a venue payee.
        ob02 = [
            c.recipient for c in cases
            if PRICE_BAND[0] <= c.paid_usd <= PRICE_BAND[1]
            and (self.person_broker or p.world.country_of(c.recipient) != self.country)
            and (c.medical_text or self.country in TRANSPLANT_VENUES)
        ]  # fmt: skip
        if ob02:
            p.member(sub("OB-02"), "broker", broker)
            p.members(sub("OB-02"), "recipient", ob02)
        # OB-03: advance 0.5k-3k, balance 7-45 days later, total <= 25k, donor source or MSB.
        ob03 = [
            c.donor for c in cases
            if 500 <= c.advance_usd <= 3000 and c.balance_usd > 0
            and 7 * DAY <= c.balance_ts - c.advance_ts <= 45 * DAY
            and c.advance_usd + c.balance_usd <= 25000
            and (c.donor_country in DONOR_SOURCES or c.donor_msb)
        ]  # fmt: skip
        if ob03:
            p.member(sub("OB-03"), "broker", broker)
            p.members(sub("OB-03"), "donor", ob03)
        # OB-04: lab, then travel, then the hospital abroad, within 45 days.
        if abroad and any(
            c.travel_ts and c.lab_ts < min(c.travel_ts) and max(c.travel_ts) < c.hospital_ts
            and c.hospital_ts - c.lab_ts <= 45 * DAY
            for c in cases
        ):  # fmt: skip
            p.member(sub("OB-04"), "broker", broker)
            p.members(sub("OB-04"), "medical_facility", [lab, hospital])
            p.members(sub("OB-04"), "travel_provider", travel)
        # OB-05: >= 5 individuals in and >= 2 MED institutions paid within 90 days.
        pays = sorted((ts, c.recipient) for c in cases for ts in c.pay_ts)
        med = [(c.hospital_ts, hospital) for c in cases] + [(c.lab_ts, lab) for c in cases]
        for t0, _ in pays:
            senders = {r for ts, r in pays if t0 <= ts <= t0 + 90 * DAY}
            paid = {m for ts, m in med if t0 <= ts <= t0 + 90 * DAY}
            if len(senders) >= 5 and len(paid) >= 2 and hospital != lab:
                p.member(sub("OB-05"), "broker", broker)
                p.members(sub("OB-05"), "recipient", sorted(senders))
                p.members(sub("OB-05"), "medical_facility", sorted(paid))
                break
        # OB-06: >= 3 payments of 10k-150k within 180 days from a foreign payer to a hospital.
        bulk = sorted(c.hospital_ts for c in cases if 10000 <= c.hospital_usd <= 150000)
        if abroad and any(bulk[i + 2] - bulk[i] <= 180 * DAY for i in range(len(bulk) - 2)):
            p.member(sub("OB-06"), "facilitator", broker)
            p.member(sub("OB-06"), "medical_facility", hospital)
        # OB-07: travel for >= 3 travellers from donor-source countries within 90 days.
        trips = sorted(t for t in self.donor_travel if p.world.country_of(t[1]) in DONOR_SOURCES)
        for t0, _, _ in trips:
            inside = [(d, payee) for ts, d, payee in trips if t0 <= ts <= t0 + 90 * DAY]
            if abroad and len({d for d, _ in inside}) >= 3:
                p.member(sub("OB-07"), "sponsor", broker)
                p.members(sub("OB-07"), "travel_provider", sorted({payee for _, payee in inside}))
                p.members(sub("OB-07"), "traveller", sorted({d for d, _ in inside}))
                break
        # OB-08: a former donor paid near-constant bounties, at least twice.
        if recruiter is not None and self.bounties >= 2:
            p.member(sub("OB-08"), "broker", broker)
            p.member(sub("OB-08"), "recruiter", recruiter)
        # OB-09: cross-border flows on the corridor.
        crossing = [c.recipient for c in cases if p.world.country_of(c.recipient) != self.country]
        donors_abroad = [c.donor for c in cases if c.donor_country != self.country]
        if crossing or donors_abroad or abroad:
            p.member(sub("OB-09"), "broker", broker)
            p.members(sub("OB-09"), "recipient", crossing)
            p.members(sub("OB-09"), "donor", donors_abroad)
        # OB-10: medical words on a person-to-person or MSB transfer.
        worded = [c.recipient for c in cases
                  if c.medical_text and (self.person_broker or c.via_msb)]  # fmt: skip
        worded_donors = [c.donor for c in cases
                         if c.donor_medical_text and (self.person_broker or c.donor_msb)]  # fmt: skip
        if worded or worded_donors:
            p.member(sub("OB-10"), "broker", broker)
            p.members(sub("OB-10"), "recipient", worded)
            p.members(sub("OB-10"), "donor", worded_donors)


def organ_network(p: Plant, rng: Rng) -> None:
    """One broker network on a corridor, with its recipients, donors and suppliers."""
    _Network(p, rng).plant()


def _nexus(p: Plant, rng: Rng, n: int, broker: int) -> None:
    """TF-05: the broker also cashes out through MSBs near a conflict zone (TF-02)."""
    country = _pick(rng, CONFLICT_BORDER)
    tf02 = p.next_id("TF-02")
    start = p.end - 1 - int(rng.uniform(20, 40) * DAY)
    agents = [p.person(country, rng, "shop owner") for _ in range(int(rng.integers(1, 3)))]
    for i in range(int(rng.integers(3, 5))):
        ts = max(p.start, start + int(i * rng.uniform(3, 8) * DAY))
        agent = agents[i % len(agents)]
        p.pay(
            ts,
            broker,
            agent,
            usd=rng.uniform(500, 4900),
            currency="USD",
            channel="msb",
            mcc="4829",
            purpose=_pick(rng, texts.REMITTANCE),
        )
    p.member(tf02, "subject", broker)
    p.members(tf02, "agent", agents)
    p.member(f"TF-05-{n:04d}", "broker", broker)
    p.members(f"TF-05-{n:04d}", "beneficiary", agents)


def medical_staff_cash(p: Plant, rng: Rng) -> None:
    """OB-11: a surgeon's account with modest monthly cash, then a 30-day cash surge."""
    pid = p.next_id("OB-11")
    country = _pick(rng, ("US", "DE", "GB", "IL", "TR", "IN", "AE"))
    clock = p.window(rng, 360)
    pro = p.person(country, rng, _pick(rng, texts.MEDICAL_OCCUPATIONS))
    employer = p.existing("hospital", country, rng)
    income = BY_CODE[country].income
    for month in range(12):
        p.pay(
            clock.at(month * 30 + 24, rng, 5.0),
            employer,
            pro,
            usd=income * 3.2,
            channel="ach",
            mcc=None,
            purpose="Salary",
        )
        for _ in range(int(rng.integers(0, 3))):
            if month < 11:
                p.pay(
                    clock.at(month * 30 + rng.uniform(0, 29), rng),
                    None,
                    pro,
                    usd=income * rng.uniform(0.03, 0.12),
                    channel="cash",
                    purpose="Cash deposit",
                )
    for _ in range(int(rng.integers(4, 9))):
        p.pay(
            clock.at(330 + rng.uniform(0, 28), rng),
            None,
            pro,
            usd=rng.uniform(3000, 15000) * max(income / 4800, 0.4),
            channel="cash",
            purpose=None,
        )
    p.member(pid, "medical_professional", pro)


def npo_medical(p: Plant, rng: Rng) -> None:
    """OB-12: a patients' charity and a transplant doctor pay each other irregularly."""
    pid = p.next_id("OB-12")
    country = _pick(rng, ("US", "DE", "GB", "IL", "TR", "IN", "EG", "PK"))
    info = BY_CODE[country]
    clock = p.window(rng, 120)
    city = _pick(rng, info.cities)
    npo = p.org(country, rng, f"{city} Kidney Patients Support Foundation", "charity", "8398")
    pro = p.person(country, rng, _pick(rng, texts.MEDICAL_OCCUPATIONS))
    donors = p.persons(country, int(rng.integers(10, 25)), rng)
    for donor in donors:
        p.pay(
            clock.at(rng.uniform(0, 30), rng),
            donor,
            npo,
            usd=rng.uniform(20, 300),
            channel="card",
            purpose=_pick(rng, texts.CHARITY),
        )
    reverse = rng.random() < 0.3
    for _ in range(int(rng.integers(2, 5))):
        ts = clock.at(rng.uniform(35, 110), rng)
        usd = rng.uniform(2000, 15000)
        if reverse:
            p.pay(ts, pro, npo, usd=usd, purpose=_pick(rng, texts.CHARITY), mcc="8398")
        else:
            p.pay(
                ts,
                npo,
                pro,
                usd=usd,
                mcc=None,
                purpose=_pick(rng, ("honorarium", "consultancy", "patient support", "reimbursement")),
            )
    p.member(pid, "npo", npo)
    p.member(pid, "medical_professional", pro)
