"""Countries the synthetic world uses: currency, language, income level and banks.

Everything here is reference data for the generator, kept in one place so the
other modules stay about behaviour. Bank identifiers are real-looking BIC roots
(4-letter bank code + country code + location); they only need to be valid in
format, and a few are the well-known codes of real banks so the demo reads true.
Income is a typical monthly net salary in USD; it scales every person's
spending so an Indian household does not pay Swiss rents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """One country as the generator sees it."""

    code: str
    currency: str
    language: str
    income: float
    banks: tuple[str, ...]
    airport: str
    cities: tuple[str, ...]


def _c(
    code: str,
    currency: str,
    language: str,
    income: float,
    banks: str,
    airport: str,
    cities: str,
) -> Country:
    return Country(code, currency, language, income, tuple(banks.split()), airport, tuple(cities.split(",")))


COUNTRIES: tuple[Country, ...] = (
    # Home markets: most accounts live here.
    _c(
        "US",
        "USD",
        "en",
        4800,
        "CHASUS33 BOFAUS3N CITIUS33 WFBIUS6S",
        "JFK",
        "New York,Houston,Dallas,Phoenix,Miami,Chicago,Atlanta,Los Angeles",
    ),
    _c(
        "DE",
        "EUR",
        "de",
        3300,
        "DEUTDEFF COBADEFF INGDDEFF HYVEDEMM",
        "FRA",
        "Berlin,Hamburg,Munich,Cologne,Frankfurt,Essen",
    ),
    _c(
        "GB",
        "GBP",
        "en",
        3400,
        "BARCGB22 HBUKGB4B LOYDGB2L NWBKGB2L",
        "LHR",
        "London,Manchester,Birmingham,Leeds,Glasgow",
    ),
    _c(
        "FR",
        "EUR",
        "fr",
        2900,
        "BNPAFRPP SOGEFRPP CRLYFRPP AGRIFRPP",
        "CDG",
        "Paris,Lyon,Marseille,Lille,Toulouse",
    ),
    _c("NL", "EUR", "nl", 3300, "INGBNL2A ABNANL2A RABONL2U", "AMS", "Amsterdam,Rotterdam,Utrecht,Eindhoven"),
    _c("ES", "EUR", "es", 2100, "BBVAESMM CAIXESBB BSCHESMM", "MAD", "Madrid,Barcelona,Valencia,Seville"),
    _c("IT", "EUR", "it", 2200, "UNCRITMM BCITITMM", "FCO", "Rome,Milan,Naples,Turin"),
    _c("AT", "EUR", "de", 3000, "BKAUATWW GIBAATWW", "VIE", "Vienna,Graz,Linz"),
    _c("CH", "CHF", "de", 6500, "UBSWCHZH CRESCHZZ", "ZRH", "Zurich,Geneva,Basel,Bern"),
    _c(
        "IL",
        "ILS",
        "he",
        3400,
        "LUMIILIT POALILIT IDBLILIT MIZBILIT",
        "TLV",
        "Tel Aviv,Jerusalem,Haifa,Beersheba",
    ),
    _c(
        "TR",
        "TRY",
        "tr",
        900,
        "TGBATRIS ISBKTRIS AKBKTRIS TCZBTR2A",
        "IST",
        "Istanbul,Ankara,Izmir,Gaziantep,Antalya",
    ),
    _c(
        "IN",
        "INR",
        "hi",
        450,
        "SBININBB HDFCINBB ICICINBB",
        "DEL",
        "Delhi,Mumbai,Gurgaon,Chennai,Kolkata,Bengaluru",
    ),
    _c("AE", "AED", "ar", 4200, "EBILAEAD NBADAEAA ADCBAEAA", "DXB", "Dubai,Abu Dhabi,Sharjah"),
    _c("SA", "SAR", "ar", 2600, "NCBKSAJE RJHISARI", "RUH", "Riyadh,Jeddah,Dammam"),
    _c("PL", "PLN", "pl", 1700, "BPKOPLPW PKOPPLPW", "WAW", "Warsaw,Krakow,Gdansk"),
    _c("CA", "CAD", "en", 3800, "ROYCCAT2 TDOMCATT", "YYZ", "Toronto,Montreal,Vancouver"),
    _c("AU", "AUD", "en", 4300, "CTBAAU2S NATAAU33 WPACAU2S", "SYD", "Sydney,Melbourne,Perth"),
    # Remittance and donor-source countries.
    _c("PK", "PKR", "ur", 250, "HABBPKKA MUCBPKKA NBPAPKKA", "ISB", "Islamabad,Lahore,Karachi"),
    _c("PH", "PHP", "tl", 350, "BNORPHMM BOPIPHMM", "MNL", "Manila,Cebu,Davao"),
    _c("NP", "NPR", "ne", 200, "NARBNPKA NEBLNPKA", "KTM", "Kathmandu,Pokhara"),
    _c("BD", "BDT", "bn", 200, "IBBLBDDH BSONBDDH", "DAC", "Dhaka,Chittagong"),
    _c("EG", "EGP", "ar", 200, "NBEGEGCX BMISEGCX CIBEEGCX", "CAI", "Cairo,Alexandria,Giza"),
    _c("MD", "MDL", "ro", 550, "AGRNMD2X MOLDMD2X", "KIV", "Chisinau,Balti"),
    _c("UA", "UAH", "uk", 450, "PBANUA2X AVALUAUK", "KBP", "Kyiv,Lviv,Odesa"),
    _c("RO", "RON", "ro", 1100, "BTRLRO22 RNCBROBU BRDEROBU", "OTP", "Bucharest,Cluj,Iasi"),
    _c("MX", "MXN", "es", 600, "BNMXMXMM BCMRMXMM", "MEX", "Mexico City,Guadalajara"),
    _c("NG", "NGN", "en", 150, "ZEIBNGLA FBNINGLA", "LOS", "Lagos,Abuja"),
    _c("KE", "KES", "sw", 250, "KCBLKENX EQBLKENA", "NBO", "Nairobi,Mombasa,Garissa"),
    _c("CN", "CNY", "zh", 1100, "ICBKCNBJ BKCHCNBJ", "PEK", "Beijing,Shanghai,Guangzhou"),
    _c("BR", "BRL", "pt", 550, "BRASBRRJ ITAUBRSP", "GRU", "Sao Paulo,Rio de Janeiro,Recife"),
    _c("KZ", "KZT", "ru", 600, "HSBKKZKX CASPKZKA", "ALA", "Almaty,Astana"),
    _c("RU", "RUB", "ru", 800, "SABRRUMM VTBRRUMM", "SVO", "Moscow,Saint Petersburg"),
    _c("BY", "USD", "ru", 550, "BPSBBY2X AKBBBY2X", "MSQ", "Minsk,Gomel"),
    _c("SD", "USD", "ar", 80, "FAIBSDKH BKSDSDKH", "KRT", "Khartoum,Port Sudan"),
    _c("ER", "USD", "ti", 60, "CBERERAS", "ASM", "Asmara"),
    _c("ET", "USD", "am", 90, "CBETETAA", "ADD", "Addis Ababa"),
    # Transplant venues and recipient origins of the organ corridors.
    _c("ZA", "ZAR", "en", 1000, "SBZAZAJJ FIRNZAJJ ABSAZAJJ", "JNB", "Johannesburg,Durban,Cape Town"),
    _c("XK", "EUR", "sq", 600, "RBKOXKPR TEBKXKPR", "PRN", "Pristina,Prizren"),
    _c("OM", "OMR", "ar", 2000, "BMUSOMRX NBOMOMRX", "MCT", "Muscat,Salalah"),
    _c("KW", "KWD", "ar", 3000, "NBOKKWKW KFHOKWKW", "KWI", "Kuwait City"),
    _c("BH", "BHD", "ar", 2200, "NBOBBHBM AUBBBHBM", "BAH", "Manama"),
    _c("QA", "QAR", "ar", 3800, "QNBAQAQA", "DOH", "Doha"),
    _c("GR", "EUR", "el", 1300, "ETHNGRAA PIRBGRAA", "ATH", "Athens,Thessaloniki"),
    _c("LB", "USD", "ar", 500, "BLOMLBBX AUDBLBBX", "BEY", "Beirut,Tripoli"),
    _c("JO", "USD", "ar", 700, "ARABJOAX JONBJOAX", "AMM", "Amman,Irbid,Mafraq"),
    _c("IQ", "USD", "ar", 600, "RAFBIQBA RSHDIQBA", "BGW", "Baghdad,Erbil,Mosul"),
    _c("JP", "JPY", "ja", 2900, "MHCBJPJT BOTKJPJT", "HND", "Tokyo,Osaka"),
    # High-risk jurisdictions (FATF call for action) and offshore VASP homes.
    _c("IR", "USD", "fa", 300, "BMJIIRTH SEPBIRTH", "IKA", "Tehran,Mashhad"),
    _c("KP", "USD", "ko", 100, "FTBDKPPY KKBCKPPY", "FNJ", "Pyongyang"),
    _c("MM", "USD", "my", 150, "KBZBMMMY AYABMMMY", "RGN", "Yangon,Mandalay"),
    _c("SC", "USD", "en", 900, "MCBLSCSC", "SEZ", "Victoria"),
    _c("VG", "USD", "en", 2500, "VPBVVGVG", "EIS", "Road Town"),
    _c("MT", "EUR", "en", 1900, "BKVLMTMT", "MLA", "Valletta"),
    _c("EE", "EUR", "en", 1800, "LHVBEE22 HABAEE2X", "TLL", "Tallinn"),
)

BY_CODE: dict[str, Country] = {c.code: c for c in COUNTRIES}
COUNTRY_CODES: tuple[str, ...] = tuple(c.code for c in COUNTRIES)
COUNTRY_INDEX: dict[str, int] = {code: i for i, code in enumerate(COUNTRY_CODES)}

HOME_MIX: dict[str, float] = {
    "US": 24,
    "DE": 13,
    "GB": 12,
    "FR": 5,
    "NL": 3,
    "ES": 3,
    "IT": 3,
    "AT": 1.5,
    "CH": 2,
    "IL": 7,
    "TR": 7,
    "IN": 6,
    "AE": 5,
    "SA": 2.5,
    "PL": 2,
    "CA": 2.5,
    "AU": 1.5,
}
"""Where the bulk of the account holders live (relative weights)."""

FAMILY_MIX: dict[str, float] = {
    "IN": 14,
    "PK": 10,
    "PH": 10,
    "MX": 10,
    "NP": 5,
    "BD": 6,
    "EG": 6,
    "TR": 6,
    "MD": 3,
    "UA": 5,
    "RO": 5,
    "NG": 6,
    "KE": 4,
    "CN": 5,
    "BR": 5,
}
"""Countries of the relatives that home residents send remittances to."""

DONOR_SOURCES = (
    "NP",
    "IN",
    "BD",
    "PK",
    "EG",
    "SD",
    "ER",
    "MD",
    "RO",
    "UA",
    "KZ",
    "RU",
    "TR",
    "BR",
    "PH",
    "MM",
    "IL",
)
TRANSPLANT_VENUES = ("ZA", "XK", "TR", "IN", "PK", "EG", "CN", "US")
HIGH_RISK = ("KP", "IR", "MM")
CONFLICT_BORDER = ("TR", "LB", "JO", "IQ", "KE", "PK")
"""Jurisdictions bordering conflict zones, the cash-out end of TF-02 and TF-03."""
OFFSHORE_VASP = ("SC", "VG", "IR", "MM")
"""Homes of lightly regulated or listed virtual-asset service providers (TF-04)."""

CURRENCIES: tuple[str, ...] = (
    "USD",
    "EUR",
    "GBP",
    "CHF",
    "ILS",
    "TRY",
    "INR",
    "PKR",
    "NPR",
    "BDT",
    "EGP",
    "ZAR",
    "RON",
    "MDL",
    "UAH",
    "KZT",
    "RUB",
    "BRL",
    "PHP",
    "AED",
    "SAR",
    "OMR",
    "KWD",
    "BHD",
    "QAR",
    "JPY",
    "CNY",
    "CAD",
    "AUD",
    "PLN",
    "MXN",
    "NGN",
    "KES",
)
CURRENCY_INDEX: dict[str, int] = {c: i for i, c in enumerate(CURRENCIES)}
MINOR_UNITS: dict[str, int] = {"JPY": 0, "KWD": 3, "BHD": 3, "OMR": 3}
"""Decimal places of a currency where it is not the usual two (ISO 4217)."""


def minor_units(currency: str) -> int:
    """Decimal places used when amounts in ``currency`` are rounded."""
    return MINOR_UNITS.get(currency, 2)


def bic(root: str, branch: str = "XXX") -> str:
    """An 11-character BIC from an 8-character root and a branch code."""
    return root + branch


def branch_code(city: str) -> str:
    """A 3-letter branch code derived from a city name (``Houston`` -> ``HOU``)."""
    letters = "".join(ch for ch in city.upper() if ch.isalpha())
    return (letters + "XXX")[:3]


UTC_OFFSET: dict[str, float] = {
    "US": -5,
    "CA": -5,
    "MX": -6,
    "BR": -3,
    "GB": 0,
    "IE": 0,
    "DE": 1,
    "FR": 1,
    "NL": 1,
    "ES": 1,
    "IT": 1,
    "AT": 1,
    "CH": 1,
    "PL": 1,
    "MT": 1,
    "XK": 1,
    "IL": 2,
    "EG": 2,
    "ZA": 2,
    "RO": 2,
    "MD": 2,
    "UA": 2,
    "GR": 2,
    "EE": 2,
    "LB": 2,
    "JO": 3,
    "TR": 3,
    "SA": 3,
    "IQ": 3,
    "KW": 3,
    "BH": 3,
    "QA": 3,
    "RU": 3,
    "BY": 3,
    "KE": 3,
    "ET": 3,
    "ER": 3,
    "SD": 2,
    "IR": 3.5,
    "AE": 4,
    "OM": 4,
    "SC": 4,
    "PK": 5,
    "KZ": 5,
    "IN": 5.5,
    "NP": 5.75,
    "BD": 6,
    "MM": 6.5,
    "CN": 8,
    "PH": 8,
    "JP": 9,
    "KP": 9,
    "AU": 10,
    "NG": 1,
    "VG": -4,
}
"""Rough UTC offsets, so that a shop in Sydney is busy at Sydney's lunchtime."""
