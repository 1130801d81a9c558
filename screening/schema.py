"""The canonical record layouts every reader produces and the store keeps.

One declaration serves three purposes: the Arrow schemas handed to callers, the
validation the loader compiles to SQL, and the reference in ``docs/schema.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa

AMOUNT_TYPE = pa.decimal128(18, 3)
"""Payment amounts: exact decimals with three places, enough for KWD, BHD, OMR."""

BASE_AMOUNT_TYPE = pa.decimal128(18, 2)
RATE_TYPE = pa.decimal128(18, 8)
TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")

CHANNELS = ("wire", "ach", "card", "cash", "msb", "mobile", "crypto", "cheque", "internal")
PARTY_TYPES = ("person", "organisation")


class Kind(StrEnum):
    """What a field holds; each kind has one parser and one set of checks."""

    TEXT = "text"
    ACCOUNT = "account"
    TIMESTAMP = "timestamp"
    DATE = "date"
    AMOUNT = "amount"
    RATE = "rate"
    CURRENCY = "currency"
    COUNTRY = "country"
    PARTY_TYPE = "party_type"
    BIC = "bic"
    CHANNEL = "channel"
    MCC = "mcc"


ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.TEXT: pa.string(),
    Kind.ACCOUNT: pa.string(),
    Kind.TIMESTAMP: TIMESTAMP_TYPE,
    Kind.DATE: pa.date32(),
    Kind.AMOUNT: AMOUNT_TYPE,
    Kind.RATE: RATE_TYPE,
    Kind.CURRENCY: pa.string(),
    Kind.COUNTRY: pa.string(),
    Kind.PARTY_TYPE: pa.string(),
    Kind.BIC: pa.string(),
    Kind.CHANNEL: pa.string(),
    Kind.MCC: pa.string(),
}


@dataclass(frozen=True)
class FieldSpec:
    """One canonical column: its name, what it holds, and whether a record needs it."""

    name: str
    kind: Kind
    required: bool
    description: str


@dataclass(frozen=True)
class Dataset:
    """A kind of input record and the store table it lands in.

    ``key`` identifies a record within one source: a second record with the same
    key is either an exact duplicate or a conflict, never an overwrite.
    With ``per_source`` the key is unique within each source system only.
    ``one_of`` names fields of which at least one must be present.
    """

    name: str
    table: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]
    per_source: bool = True
    one_of: tuple[str, ...] = ()

    @property
    def store_key(self) -> tuple[str, ...]:
        """The columns that identify a stored record."""
        return (("source",) if self.per_source else ()) + self.key

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def arrow_schema(self) -> pa.Schema:
        """The canonical columns as an Arrow schema (without lineage columns)."""
        return pa.schema(
            [pa.field(f.name, ARROW_TYPES[f.kind], nullable=not f.required) for f in self.fields]
        )


def _party(side: str, role: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{side}_account", Kind.ACCOUNT, False, f"{role}'s account (IBAN or other)."),
        FieldSpec(f"{side}_name", Kind.TEXT, False, f"{role}'s name as written in the payment."),
        FieldSpec(f"{side}_country", Kind.COUNTRY, False, f"{role}'s country, ISO 3166 alpha-2."),
        FieldSpec(f"{side}_type", Kind.PARTY_TYPE, False, "person or organisation."),
        FieldSpec(f"{side}_bank", Kind.BIC, False, f"{role}'s bank, BIC (8 or 11 characters)."),
    )


PAYMENTS = Dataset(
    name="payments",
    table="payments",
    fields=(
        FieldSpec("txn_id", Kind.TEXT, True, "Transaction id, unique within its source."),
        FieldSpec("ts", Kind.TIMESTAMP, True, "When the payment was made, UTC."),
        FieldSpec("amount", Kind.AMOUNT, True, "Amount in `currency`, greater than zero."),
        FieldSpec("currency", Kind.CURRENCY, True, "ISO 4217 code."),
        *_party("payer", "Payer"),
        *_party("payee", "Payee"),
        FieldSpec("channel", Kind.CHANNEL, False, "One of: " + ", ".join(CHANNELS) + "."),
        FieldSpec("mcc", Kind.MCC, False, "Merchant category code, 4 digits."),
        FieldSpec("purpose", Kind.TEXT, False, "Free remittance text."),
    ),
    key=("txn_id",),
    one_of=("payer_account", "payee_account"),
)
"""Payments. A cash deposit has no payer account, a cash withdrawal no payee account."""

ACCOUNTS = Dataset(
    name="accounts",
    table="accounts",
    fields=(
        FieldSpec("account", Kind.ACCOUNT, True, "Account identifier as used in payments."),
        FieldSpec("holder_name", Kind.TEXT, False, "Account holder's name."),
        FieldSpec("holder_type", Kind.PARTY_TYPE, False, "person or organisation."),
        FieldSpec("country", Kind.COUNTRY, False, "Holder's country, ISO 3166 alpha-2."),
        FieldSpec("occupation", Kind.TEXT, False, "KYC occupation (free text)."),
        FieldSpec("opened", Kind.DATE, False, "Date the account was opened."),
        FieldSpec("bank", Kind.BIC, False, "Account-holding bank, BIC."),
    ),
    key=("account",),
)
"""Optional KYC facts about accounts."""

FX_RATES = Dataset(
    name="fx_rates",
    table="fx_rates",
    fields=(
        FieldSpec("day", Kind.DATE, True, "Day the rate applies from."),
        FieldSpec("currency", Kind.CURRENCY, True, "ISO 4217 code of the quoted currency."),
        FieldSpec("rate", Kind.RATE, True, "Units of the base currency for one unit of `currency`."),
    ),
    key=("day", "currency"),
    per_source=False,
)
"""Exchange rates into the store's base currency, used for ``amount_base``."""

DATASETS: dict[str, Dataset] = {d.name: d for d in (PAYMENTS, ACCOUNTS, FX_RATES)}

LINEAGE_FIELDS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("batch_id", pa.int64(), nullable=False),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_row", pa.int64(), nullable=False),
    ]
)
"""Where each stored record came from: the source system, load batch, file and row."""

STORED_PAYMENT_SCHEMA = pa.schema(
    [
        *PAYMENTS.arrow_schema,
        pa.field("amount_base", BASE_AMOUNT_TYPE),
        *LINEAGE_FIELDS,
    ]
)
"""A payment as the store returns it: canonical columns, base amount and lineage."""
