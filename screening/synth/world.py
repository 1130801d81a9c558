"""The synthetic world: account holders, their banks, and who usually pays whom.

Background accounts are built in bulk with numpy (up to about a million for a
ten-million-payment world) and grouped into pools (persons, employers, grocery
shops, hospitals, ...) sorted by country, so that "a hospital in the payer's
country" is one vectorised lookup. Planted typologies add their own accounts
one at a time through :meth:`World.add_account`; they never enter a pool, so
the background never touches them by accident.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from screening.synth import texts
from screening.synth.places import (
    BY_CODE,
    COUNTRIES,
    COUNTRY_INDEX,
    CURRENCY_INDEX,
    FAMILY_MIX,
    HOME_MIX,
    OFFSHORE_VASP,
    TRANSPLANT_VENUES,
    branch_code,
)
from screening.synth.strings import digits, fixed_width

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

PERSON, ORGANISATION = 0, 1
HOLDER_TYPES = ("person", "organisation")


@dataclass(frozen=True)
class OrgKind:
    """A kind of organisation account: what it is called, sells and how many exist."""

    key: str
    sector: str
    mccs: tuple[str, ...]
    per_person: float
    minimum: int
    abroad: tuple[str, ...] = ()
    """Countries outside the home markets where this kind must exist too."""


_MEDICAL_ABROAD = (*TRANSPLANT_VENUES, "DE", "GB", "IL", "AE")
_TRAVEL_ABROAD = tuple(c.code for c in COUNTRIES)

RETAIL: tuple[tuple[str, str, float, float], ...] = (
    # mcc, name noun, share of card payments, median USD at US income
    ("5411", "Supermarket", 0.22, 55.0),
    ("5812", "Restaurant", 0.18, 38.0),
    ("5814", "Burger Bar", 0.09, 12.0),
    ("5541", "Fuel", 0.10, 52.0),
    ("5311", "Department Store", 0.07, 85.0),
    ("5912", "Pharmacy", 0.08, 27.0),
    ("5999", "Online Shop", 0.12, 45.0),
    ("5732", "Electronics", 0.05, 260.0),
    ("5651", "Fashion", 0.09, 70.0),
)
"""Retail merchant kinds for card payments."""

ORG_KINDS: tuple[OrgKind, ...] = (
    OrgKind("employer", "", (), 1 / 150, 3),
    OrgKind("landlord", "real estate", ("6513",), 1 / 250, 2),
    *(OrgKind(f"retail:{mcc}", noun.lower(), (mcc,), share / 70, 2) for mcc, noun, share, _ in RETAIL),
    OrgKind("utility", "utility", ("4900",), 1 / 8000, 2),
    OrgKind("telecom", "telecommunications", ("4814",), 1 / 10000, 2),
    OrgKind("hospital", "hospital", ("8062",), 1 / 3000, 2, _MEDICAL_ABROAD),
    OrgKind("doctor", "medical practice", ("8011",), 1 / 1500, 2, _MEDICAL_ABROAD),
    OrgKind("lab", "medical laboratory", ("8071",), 1 / 6000, 2, _MEDICAL_ABROAD),
    OrgKind("medservice", "medical services", ("8099",), 1 / 6000, 1, _MEDICAL_ABROAD),
    OrgKind("insurer", "insurance", ("6300",), 1 / 8000, 2),
    OrgKind(
        "airline", "airline", ("4511", "3000", "3005", "3008", "3026", "3058"), 1 / 40000, 1, _TRAVEL_ABROAD
    ),
    OrgKind("hotel", "hotel", ("7011",), 1 / 2000, 2, _TRAVEL_ABROAD),
    OrgKind("travel_agency", "travel agency", ("4722",), 1 / 3000, 2, _TRAVEL_ABROAD),
    OrgKind("charity", "charity", ("8398",), 1 / 3000, 2),
    OrgKind("msb", "money service business", ("4829",), 1 / 8000, 2),
    OrgKind("vasp", "virtual asset service provider", ("6051",), 1 / 25000, 1, OFFSHORE_VASP),
)


def _org_name(kind: str, country: str, rng: np.random.Generator) -> str:
    """A fictional but plausible organisation name for a kind and country."""
    info = BY_CODE[country]
    city = str(rng.choice(info.cities))
    lang = info.language
    last = str(rng.choice(texts.LAST_NAMES[lang]))
    first = str(rng.choice(texts.FIRST_NAMES[lang]))
    suffix = texts.COMPANY_SUFFIX.get(country, "Ltd")
    pick = int(rng.integers(0, 3))
    if kind == "employer":
        word = str(rng.choice(texts.BUSINESS_WORDS))
        return f"{last} {word} {suffix}" if pick else f"{city} {word} {suffix}"
    if kind.startswith("retail:"):
        noun = next(n for m, n, _, _ in RETAIL if m == kind[7:])
        return (f"{last} {noun}", f"{noun} {city}", f"{city} {noun} {suffix}")[pick]
    local = {
        "hospital": {
            "de": ("Klinikum {city}", "{city} Universitätsklinikum", "Krankenhaus St. {first}"),
            "fr": ("Hôpital de {city}", "Clinique {last}", "Centre Hospitalier de {city}"),
            "tr": ("Özel {city} Hastanesi", "{last} Tıp Merkezi", "{city} Şehir Hastanesi"),  # noqa: RUF001
            "es": ("Hospital {city}", "Clínica {last}", "Hospital San {first}"),
        },
        "doctor": {
            "de": ("Praxis Dr. {last}", "Dr. med. {first} {last}", "Gemeinschaftspraxis {city}"),
            "fr": ("Cabinet Dr {last}", "Dr {first} {last}", "Cabinet médical {city}"),
        },
        "lab": {"de": ("Labor {last}", "MVZ Labor {city}", "Diagnostik {city}")},
    }
    generic = {
        "landlord": ("{last} Properties", "{city} Housing {suffix}", "{last} Estates"),
        "utility": ("{city} Energy", "{city} Water Board", "{last} Power {suffix}"),
        "telecom": ("{city} Telecom", "{last} Mobile", "Net{city} {suffix}"),
        "hospital": ("{city} General Hospital", "St. {first}'s Hospital", "{city} Medical Center"),
        "doctor": ("Dr. {first} {last}", "{last} Medical Practice", "{city} Family Clinic"),
        "lab": ("{city} Diagnostics", "{last} Laboratories", "{city} HLA and Tissue Typing Lab"),
        "medservice": ("{city} Dialysis Centre", "{last} Health Services", "{city} Kidney Care"),
        "insurer": ("{last} Insurance", "{city} Mutual Health", "{last} Assurance {suffix}"),
        "airline": ("{city} Airways", "{city} Air", "Fly{last}"),
        "hotel": ("Hotel {city} Central", "{last} Grand Hotel", "{city} Plaza Hotel"),
        "travel_agency": ("{city} Travel", "{last} Tours", "Sunway Travel {city}"),
        "charity": ("{city} Children's Fund", "{last} Foundation", "{city} Food Bank"),
        "msb": ("{city} Money Transfer", "QuickRemit {city}", "{last} Exchange"),
        "vasp": ("{last}Coin Exchange", "{city} Crypto {suffix}", "BitVault {city}"),
    }
    templates = local.get(kind, {}).get(lang) or generic[kind]
    return templates[pick].format(city=city, last=last, first=first, suffix=suffix)


def person_names(country: IntArray, rng: np.random.Generator) -> pa.StringArray:
    """``First Last`` in the language of each country, built without a Python loop."""
    langs = sorted(texts.FIRST_NAMES)
    lang_of_country = np.array([langs.index(c.language) for c in COUNTRIES], dtype=np.int64)
    lang = lang_of_country[country]
    parts = []
    for table in (texts.FIRST_NAMES, texts.LAST_NAMES):
        sizes = np.array([len(table[key]) for key in langs], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        vocab = pa.array([name for key in langs for name in table[key]], pa.string())
        pick = offsets[lang] + (rng.random(country.shape[0]) * sizes[lang]).astype(np.int64)
        parts.append(vocab.take(pa.array(pick)))
    names: pa.StringArray = pc.binary_join_element_wise(parts[0], parts[1], " ")
    return names


def _scramble(values: IntArray) -> IntArray:
    """A bijection on 0..10**14-1 (a four-round Feistel network on two 7-digit halves)."""
    half = np.int64(10**7)
    left, right = values // half, values % half
    for key in (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F):
        mixed = right.astype(np.uint64) * np.uint64(key) + np.uint64(key >> 3)
        mixed ^= mixed >> np.uint64(29)
        left, right = right, (left + (mixed % np.uint64(half)).astype(np.int64)) % half
    result: IntArray = left * half + right
    return result


def account_numbers(country: IntArray, bank: IntArray, serial: IntArray) -> pa.StringArray:
    """IBAN-shaped identifiers: country, valid mod-97 check digits, 18-digit BBAN.

    The 14-digit account number is a bijective scramble of the serial, so ids
    are unique yet look random; the check digits follow ISO 13616.
    """
    number = _scramble(serial.astype(np.int64) % 10**14)
    bank_code = 1000 + (bank * 389) % 9000
    code_bytes = np.array([list(c.code.encode("ascii")) for c in COUNTRIES], dtype=np.uint8)
    code_digits = (code_bytes.astype(np.int64) - 55) @ np.array([100, 1], dtype=np.int64)
    rem = (bank_code % 97 * (10**14 % 97) + number % 97) % 97
    rem = (rem * 10**6 + code_digits[country] * 100) % 97
    matrix = np.hstack([code_bytes[country], digits(98 - rem, 2), digits(bank_code, 4), digits(number, 14)])
    return fixed_width(matrix)


@dataclass
class Pool:
    """Accounts of one kind, sorted by country, with per-country slices."""

    members: IntArray
    start: IntArray
    count: IntArray

    @classmethod
    def of(cls, members: IntArray, country: IntArray) -> Pool:
        order = np.argsort(country[members], kind="stable")
        members = members[order]
        counts = np.bincount(country[members], minlength=len(COUNTRIES)).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        return cls(members=members, start=starts, count=counts)

    def pick(self, country: IntArray, u: FloatArray, skew: float = 1.0) -> IntArray:
        """A member in each requested country (any member where the country has none).

        ``skew`` above one favours the first members of each country, which gives
        big employers and popular shops.
        """
        cnt = self.count[country]
        weight = u**skew if skew != 1.0 else u
        local = self.start[country] + (weight * cnt).astype(np.int64)
        anywhere = (weight * self.members.shape[0]).astype(np.int64)
        picked: IntArray = np.where(
            cnt > 0, self.members[np.minimum(local, self.members.shape[0] - 1)], self.members[anywhere]
        )
        return picked

    def one(self, country: str, rng: np.random.Generator) -> int:
        """One member in ``country`` (or anywhere if the country has none)."""
        c = np.array([COUNTRY_INDEX[country]], dtype=np.int64)
        return int(self.pick(c, rng.random(1))[0])


def _weights(mix: dict[str, float]) -> tuple[IntArray, FloatArray]:
    codes = np.array([COUNTRY_INDEX[c] for c in mix], dtype=np.int64)
    weights = np.array(list(mix.values()), dtype=np.float64)
    return codes, weights / weights.sum()


class World:
    """All accounts of one synthetic data set and the pools the background draws from."""

    def __init__(self, n_payments: int, start: dt.date, rng: np.random.Generator) -> None:
        self.start_day = (start - dt.date(1970, 1, 1)).days
        self.bics: list[str] = [root + "XXX" for c in COUNTRIES for root in c.banks]
        self._bic_index = {code: i for i, code in enumerate(self.bics)}
        bank_counts = np.array([len(c.banks) for c in COUNTRIES], dtype=np.int64)
        self.bank_start = np.concatenate([[0], np.cumsum(bank_counts)[:-1]]).astype(np.int64)
        self.bank_count = bank_counts
        self.mccs: list[str] = []
        self._mcc_index: dict[str, int] = {}

        n_persons = max(2000, n_payments // 12)
        n_relatives = max(300, n_persons // 8)
        home_codes, home_w = _weights(HOME_MIX)
        fam_codes, fam_w = _weights(FAMILY_MIX)
        person_country = np.sort(home_codes[rng.choice(home_codes.shape[0], n_persons, p=home_w)])
        rel_country = np.sort(fam_codes[rng.choice(fam_codes.shape[0], n_relatives, p=fam_w)])
        occupations = [o for o, _ in texts.PERSON_OCCUPATIONS]
        occ_w = np.array([w for _, w in texts.PERSON_OCCUPATIONS])
        occ_vocab = pa.array(occupations, pa.string())

        self._country: list[IntArray] = []
        self._holder: list[IntArray] = []
        self._bank: list[IntArray] = []
        self._mcc: list[IntArray] = []
        self._opened: list[IntArray] = []
        self._name: list[pa.Array] = []
        self._occupation: list[pa.Array] = []
        self.size = 0

        for countries in (person_country, rel_country):
            n = countries.shape[0]
            occ = rng.choice(len(occupations), n, p=occ_w / occ_w.sum())
            self._segment(
                countries,
                np.full(n, PERSON, dtype=np.int64),
                np.full(n, -1, dtype=np.int64),
                person_names(countries, rng),
                occ_vocab.take(pa.array(occ)),
                rng,
            )
        self.n_persons = n_persons
        persons = np.arange(n_persons, dtype=np.int64)
        relatives = np.arange(n_persons, n_persons + n_relatives, dtype=np.int64)

        home_share = dict(zip(home_codes.tolist(), home_w.tolist(), strict=True))
        org_start = self.size
        kinds: list[tuple[str, int, int]] = []
        names: list[str] = []
        sectors: list[str] = []
        org_country: list[int] = []
        org_mcc: list[int] = []
        for kind in ORG_KINDS:
            total = n_persons * kind.per_person
            where = {c: max(kind.minimum, round(total * w)) for c, w in home_share.items()}
            for code in kind.abroad:
                where.setdefault(COUNTRY_INDEX[code], kind.minimum)
            first = len(names)
            for c, count in sorted(where.items()):
                code = COUNTRIES[c].code
                for _ in range(count):
                    names.append(_org_name(kind.key, code, rng))
                    if kind.key == "employer":
                        sectors.append(str(rng.choice(texts.BUSINESS_WORDS)).lower())
                    else:
                        sectors.append(kind.sector)
                    org_country.append(c)
                    mcc = str(rng.choice(kind.mccs)) if kind.mccs else ""
                    org_mcc.append(self.mcc_index(mcc) if mcc else -1)
            kinds.append((kind.key, org_start + first, org_start + len(names)))
        oc = np.array(org_country, dtype=np.int64)
        self._segment(
            oc,
            np.full(oc.shape[0], ORGANISATION, dtype=np.int64),
            np.array(org_mcc, dtype=np.int64),
            pa.array(names, pa.string()),
            pa.array(sectors, pa.string()),
            rng,
        )
        country = np.concatenate(self._country)
        self.country = country
        self.pools: dict[str, Pool] = {
            "person": Pool.of(persons, country),
            "relative": Pool.of(relatives, country),
        }
        for key, lo, hi in kinds:
            self.pools[key] = Pool.of(np.arange(lo, hi, dtype=np.int64), country)
        self.background_size = self.size
        self.account_mcc = np.concatenate(self._mcc)
        self.account_bank = np.concatenate(self._bank)
        self.account_holder = np.concatenate(self._holder)

        # What each person habitually does: income, rent, employer, landlord, family abroad.
        income = np.array([c.income for c in COUNTRIES])[person_country]
        self.salary_usd = income * rng.lognormal(0.0, 0.35, n_persons)
        self.rent_usd = income * 0.33 * rng.lognormal(0.0, 0.25, n_persons)
        self.employer = self.pools["employer"].pick(person_country, rng.random(n_persons), 2.5)
        landlord_org = self.pools["landlord"].pick(person_country, rng.random(n_persons))
        landlord_person = self.pools["person"].pick(person_country, rng.random(n_persons))
        own_home = (rng.random(n_persons) < 0.5) | (landlord_person == persons)
        self.landlord = np.where(own_home, landlord_org, landlord_person)
        self.relative = relatives[rng.integers(0, n_relatives, n_persons)]
        self.payroll_order = rng.permutation(n_persons).astype(np.int64)
        self.activity_order = rng.permutation(n_persons).astype(np.int64)

        self._extra_country: list[int] = []
        self._extra_holder: list[int] = []
        self._extra_bank: list[int] = []
        self._extra_mcc: list[int] = []
        self._extra_opened: list[int] = []
        self._extra_name: list[str] = []
        self._extra_occupation: list[str | None] = []
        self._names_cache: pa.StringArray | None = None

    def _segment(
        self,
        country: IntArray,
        holder: IntArray,
        mcc: IntArray,
        name: pa.Array,
        occupation: pa.Array,
        rng: np.random.Generator,
    ) -> None:
        n = int(country.shape[0])
        self._country.append(country)
        self._holder.append(holder)
        self._bank.append(
            self.bank_start[country] + (rng.random(n) * self.bank_count[country]).astype(np.int64)
        )
        self._mcc.append(mcc)
        opened: IntArray = self.start_day - rng.integers(60, 9000, n).astype(np.int64)
        self._opened.append(opened)
        self._name.append(name)
        self._occupation.append(occupation)
        self.size += n

    def mcc_index(self, code: str) -> int:
        """Index of a merchant category code in :attr:`mccs`, adding it if new."""
        if code not in self._mcc_index:
            self._mcc_index[code] = len(self.mccs)
            self.mccs.append(code)
        return self._mcc_index[code]

    def bic_index(self, code: str) -> int:
        """Index of a BIC in :attr:`bics`, adding it if new (for branch codes)."""
        if code not in self._bic_index:
            self._bic_index[code] = len(self.bics)
            self.bics.append(code)
        return self._bic_index[code]

    def branch(self, account: int, city: str) -> int:
        """The BIC of ``account``'s bank at the branch in ``city``."""
        return self.bic_index(self.bics[self.bank_of(account)][:8] + branch_code(city))

    def add_account(
        self,
        country: str,
        holder: int,
        name: str,
        occupation: str | None,
        opened_day: int,
        rng: np.random.Generator,
        mcc: str | None = None,
    ) -> int:
        """Add one planted account; returns its index."""
        c = COUNTRY_INDEX[country]
        bank = int(self.bank_start[c] + rng.integers(0, self.bank_count[c]))
        self._extra_country.append(c)
        self._extra_holder.append(holder)
        self._extra_bank.append(bank)
        self._extra_mcc.append(self.mcc_index(mcc) if mcc else -1)
        self._extra_opened.append(opened_day)
        self._extra_name.append(name)
        self._extra_occupation.append(occupation)
        self._names_cache = None
        self.size += 1
        return self.size - 1

    def rollback(self, size: int) -> None:
        """Forget planted accounts added after the world had ``size`` accounts."""
        keep = size - self.background_size
        for column in (
            self._extra_country, self._extra_holder, self._extra_bank, self._extra_mcc,
            self._extra_opened, self._extra_name, self._extra_occupation,
        ):  # fmt: skip
            del column[keep:]
        self.size = size

    def country_of(self, account: int) -> str:
        if account < self.background_size:
            return COUNTRIES[int(self.country[account])].code
        return COUNTRIES[self._extra_country[account - self.background_size]].code

    def bank_of(self, account: int) -> int:
        if account < self.background_size:
            return int(self.account_bank[account])
        return self._extra_bank[account - self.background_size]

    def mcc_of(self, account: int) -> int:
        if account < self.background_size:
            return int(self.account_mcc[account])
        return self._extra_mcc[account - self.background_size]

    def is_person(self, account: int) -> bool:
        if account < self.background_size:
            return int(self.account_holder[account]) == PERSON
        return self._extra_holder[account - self.background_size] == PERSON

    def name_of(self, account: int) -> str:
        if account >= self.background_size:
            return self._extra_name[account - self.background_size]
        if self._names_cache is None:
            self._names_cache = pa.concat_arrays(self._name)
        return str(self._names_cache[account].as_py())

    def currency_of(self, account: int) -> int:
        return CURRENCY_INDEX[BY_CODE[self.country_of(account)].currency]

    def columns(self) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
        """Per-account country, holder type, bank, MCC and opening day, planted ones included."""
        extra = (
            self._extra_country, self._extra_holder, self._extra_bank, self._extra_mcc,
            self._extra_opened,
        )  # fmt: skip
        parts = (self._country, self._holder, self._bank, self._mcc, self._opened)
        country, holder, bank, mcc, opened = (
            np.concatenate([*p, np.array(e, dtype=np.int64)]) for p, e in zip(parts, extra, strict=True)
        )
        return country, holder, bank, mcc, opened

    def accounts(self) -> pa.StringArray:
        country, _, bank, _, _ = self.columns()
        return account_numbers(country, bank, np.arange(self.size, dtype=np.int64))

    def names(self) -> pa.Array:
        return pa.concat_arrays([*self._name, pa.array(self._extra_name, pa.string())])

    def occupations(self) -> pa.Array:
        return pa.concat_arrays([*self._occupation, pa.array(self._extra_occupation, pa.string())])
