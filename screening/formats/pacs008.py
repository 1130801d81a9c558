"""Credit transfers (pacs.008, and pain.001's) onto the canonical schema, a batch at a time, in Polars.

A bank's interbank traffic arrives as pacs.008 files of a million transfers, so
this message is mapped column-wise rather than transfer by transfer. A reader
first picks the raw values out of each ``CdtTrfTxInf`` into the columns named
by :data:`FIELDS` (text as written, paths by local name, so every schema
version reads the same) and the message header into :data:`GROUP`; then
:func:`canonical` turns a whole batch into canonical text columns at once.
Two readers feed it: the fast one in :mod:`screening.formats.fastxml` and the
exact lxml walk in :mod:`screening.formats.iso20022`, which handles any file
the fast one declines. The exact reader maps pain.001's transfers here too: it
fills the same raw columns, the debtor's from the payment block they belong to.
How each field is chosen is described in ``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl
import pyarrow as pa

from screening.formats.iban import ACCOUNT_PLACEHOLDERS, Checked, check_bic, check_iban
from screening.formats.records import FIELDS as CANONICAL
from screening.formats.records import TEXT_SCHEMA

PARTIES = {"payer": ("Dbtr", "DbtrAcct", "DbtrAgt"), "payee": ("Cdtr", "CdtrAcct", "CdtrAgt")}
"""Each side's party, account and agent elements."""

ORGANISATION_IDS = ("AnyBIC", "BICOrBEI", "LEI", "Othr/Id")
PERSON_IDS = ("DtAndPlcOfBirth/BirthDt", "Othr/Id")
"""The identifiers under ``Id/OrgId`` and ``Id/PrvtId`` that say what kind of party it is."""


def _party_fields() -> dict[str, str]:
    fields: dict[str, str] = {}
    for side, (party, account, agent) in PARTIES.items():
        fields |= {
            f"{side}_name": f"{party}/Nm",
            f"{side}_address_country": f"{party}/PstlAdr/Ctry",
            f"{side}_residence": f"{party}/CtryOfRes",
            f"{side}_iban": f"{account}/Id/IBAN",
            f"{side}_other_account": f"{account}/Id/Othr/Id",
            f"{side}_bicfi": f"{agent}/FinInstnId/BICFI",
            f"{side}_bic": f"{agent}/FinInstnId/BIC",
        }
        fields |= {f"{side}_org_{n}": f"{party}/Id/OrgId/{p}" for n, p in enumerate(ORGANISATION_IDS)}
        fields |= {f"{side}_person_{n}": f"{party}/Id/PrvtId/{p}" for n, p in enumerate(PERSON_IDS)}
    return fields


FIELDS: dict[str, str] = {
    "uetr": "PmtId/UETR",
    "tx_ref": "PmtId/TxId",
    "end_to_end_ref": "PmtId/EndToEndId",
    "instruction_ref": "PmtId/InstrId",
    "settled_amount": "IntrBkSttlmAmt",
    "settled_currency": "IntrBkSttlmAmt/@Ccy",
    "instructed_amount": "InstdAmt",
    "instructed_currency": "InstdAmt/@Ccy",
    "settlement_date": "IntrBkSttlmDt",
    "accepted": "AccptncDtTm",
    **_party_fields(),
    "category": "PmtTpInf/CtgyPurp/Cd",
    "charges": "ChrgBr",
    "purpose_code": "Purp/Cd",
    "purpose_proprietary": "Purp/Prtry",
    "ultimate_payer": "UltmtDbtr/Nm",
    "ultimate_payee": "UltmtCdtr/Nm",
    "intermediary_bicfi": "IntrmyAgt1/FinInstnId/BICFI",
    "intermediary_bic": "IntrmyAgt1/FinInstnId/BIC",
    "additional_info": "AddtlTxInf",
}
"""Raw column -> path below ``CdtTrfTxInf``; ``@`` marks an attribute. Each occurs at most once."""

REPEATED: dict[str, tuple[str, str]] = {
    "remittance": ("RmtInf", "Ustrd"),
    "creditor_ref": ("RmtInf/Strd/CdtrRefInf", "Ref"),
    "document_number": ("RmtInf/Strd/RfrdDocInf", "Nb"),
}
"""Raw column -> (container, leaf) for values a transfer may repeat; repeats are joined with a space."""

GROUP: dict[str, str] = {
    "msg_id": "MsgId",
    "created": "CreDtTm",
    "group_settlement_date": "IntrBkSttlmDt",
    "group_category": "PmtTpInf/CtgyPurp/Cd",
}
"""Raw column -> path below the message's ``GrpHdr``."""

POSITION = {
    "message": pl.Int64,
    "block": pl.Int64,
    "ordinal": pl.Int64,
    "message_path": pl.String,
    "payer_path": pl.String,
}
"""Where each transfer stands: the number of the group its references are unique in (a message; a
pain.001 payment block), that block's number in its message (1 for pacs.008), the transfer's number in
the group, the group's path, and where the payer's elements are when not in the transfer (pain.001's
payment block)."""

RAW_SCHEMA = {
    **dict.fromkeys([*FIELDS, *REPEATED, *GROUP], pl.String),
    **POSITION,
}

CHARGES = {"DEBT": "OUR", "SHAR": "SHA", "CRED": "BEN"}
"""Charge bearer codes in MT103's field 71A words, so a pacs.008 and its MT103 read the same."""
NOT_PROVIDED = ("", "NOTPROVIDED", "NONREF")
"""References that say there is none."""
_UNIT = "CdtTrfTxInf"


class Seen:
    """Ids already given within the current message, so a reference used twice gets its ordinal."""

    def __init__(self) -> None:
        self.message = -1
        self.ids: set[str] = set()

    def resolve(self, messages: list[int], bases: list[str | None], referenced: list[bool],
                ordinals: list[str]) -> list[str | None]:  # fmt: skip
        """Each base id, or base and ordinal where its reference was used before in the message."""
        out: list[str | None] = []
        for message, base, has_ref, ordinal in zip(messages, bases, referenced, ordinals, strict=True):
            if message != self.message:
                self.message, self.ids = message, set()
            if base is not None and has_ref and base in self.ids:
                base = f"{base}{ordinal}"
            if base is not None:
                self.ids.add(base)
            out.append(base)
        return out


def canonical(raw: pl.DataFrame, seen: Seen) -> pa.RecordBatch:
    """Canonical text columns, ``__at`` and reader problems for a (non-empty) batch of raw transfers.

    ``raw`` holds at least the columns of :data:`RAW_SCHEMA`; others are ignored.
    """
    text = [_present(pl.col(c).str.strip_chars()).alias(c) for c in (*FIELDS, *REPEATED, *GROUP)]
    frame = (
        raw.select(pl.col(c).cast(t) for c, t in RAW_SCHEMA.items())
        .with_columns(*text, at=pl.format("{}/{}[{}]", "message_path", pl.lit(_UNIT), "ordinal"))
        .with_columns(
            *(pl.coalesce(f"{side}_bicfi", f"{side}_bic").alias(f"{side}_agent") for side in PARTIES),
            pl.coalesce("intermediary_bicfi", "intermediary_bic").alias("intermediary"),
        )
    )
    plan = frame.lazy().with_columns(txn_id=_txn_id(frame, seen))
    for column, check in _CHECKS.items():
        lookup = _lookup(frame[column], check).lazy()
        plan = plan.join(lookup, on=column, how="left", maintain_order="left")
    columns = [(pl.col(c) if c in _MAPPED else pl.lit(None, pl.String)).alias(c) for c in CANONICAL]
    out = plan.with_columns(
        *_amount(),
        pl.coalesce("settlement_date", "group_settlement_date", "accepted", "created").alias("ts"),
        pl.lit("wire").alias("channel"),
        _purpose().alias("purpose"),
        _problems().alias("__parse_problems"),
        *(expr for side in PARTIES for expr in _party(side)),
    ).select(*columns, pl.lit(0, pl.Int64).alias("__row"), pl.col("at").alias("__at"), "__parse_problems")
    return out.collect().to_arrow().cast(TEXT_SCHEMA).combine_chunks().to_batches()[0]


_CHECKS: dict[str, Callable[[str], Checked]] = {
    **{f"{side}_iban": check_iban for side in PARTIES},
    **{f"{side}_agent": check_bic for side in PARTIES},
    "intermediary": check_bic,
}
"""Identifiers checked with schwifty, once per distinct value in a batch."""
_MAPPED = {"txn_id", "ts", "amount", "currency", "channel", "purpose"} | {
    f"{side}_{field}" for side in PARTIES for field in ("name", "type", "country", "account", "bank")
}


def _present(text: pl.Expr) -> pl.Expr:
    """Blank text counts as absent."""
    return pl.when(text != "").then(text)


def _lookup(values: pl.Series, check: Callable[[str], Checked]) -> pl.DataFrame:
    """``<column>_value``, ``_country`` and ``_problem`` per distinct value, which the problem quotes."""
    name = values.name
    distinct = values.drop_nulls().unique().to_list()
    checked = [check(v) for v in distinct]
    return pl.DataFrame(
        {
            name: distinct,
            f"{name}_value": [c.value for c in checked],
            f"{name}_country": [c.country for c in checked],
            f"{name}_problem": [
                f"{c.error}: {v!r}" if c.error else None for v, c in zip(distinct, checked, strict=True)
            ],
        },
        schema=dict.fromkeys([name, f"{name}_value", f"{name}_country", f"{name}_problem"], pl.String),
    )


def _txn_id(frame: pl.DataFrame, seen: Seen) -> pl.Series:
    """The UETR, else message id and first reference given; a reference used twice gets its ordinal.

    The UETR is unique worldwide and names the same payment in every message
    about it (an MT103 and its pacs.008), so it is taken as it is.
    """
    given = [pl.when(~pl.col(c).str.to_uppercase().is_in(NOT_PROVIDED)).then(pl.col(c))
             for c in ("tx_ref", "end_to_end_ref", "instruction_ref")]  # fmt: skip
    ids = frame.select(
        pl.col("uetr").str.to_lowercase().alias("uetr"),
        pl.coalesce("msg_id", pl.lit("pacs.008")).alias("msg"),
        pl.coalesce(given).alias("ref"),
        pl.format("#{}.{}", "block", "ordinal").alias("ordinal"),
        "message",
    ).with_columns(
        base=pl.when(pl.col("uetr").is_not_null())
        .then(None)
        .when(pl.col("ref").is_not_null())
        .then(pl.format("{}:{}", "msg", "ref"))
        .otherwise(pl.format("{}:{}", "msg", "ordinal"))
    )
    resolved = seen.resolve(
        ids["message"].to_list(),
        ids["base"].to_list(),
        ids["ref"].is_not_null().to_list(),
        ids["ordinal"].to_list(),
    )
    return ids["uetr"].zip_with(ids["uetr"].is_not_null(), pl.Series(resolved, dtype=pl.String))


def _amount() -> list[pl.Expr]:
    settled = pl.col("settled_amount").is_not_null()
    return [
        pl.when(settled).then("settled_amount").otherwise("instructed_amount").alias("amount"),
        pl.when(settled)
        .then("settled_currency")
        .otherwise(pl.when(pl.col("instructed_amount").is_not_null()).then("instructed_currency"))
        .alias("currency"),
    ]


def _party(side: str) -> list[pl.Expr]:
    """Name, type, country, account and bank of one side; the country falls back to IBAN, then BIC."""
    other = pl.col(f"{side}_other_account")
    organisation = pl.any_horizontal(pl.col(f"^{side}_org_[0-9]+$").is_not_null())
    person = pl.any_horizontal(pl.col(f"^{side}_person_[0-9]+$").is_not_null())
    return [
        pl.col(f"{side}_name"),
        pl.when(organisation).then(pl.lit("organisation")).when(person).then(pl.lit("person")).alias(f"{side}_type"),
        pl.coalesce(f"{side}_address_country", f"{side}_residence", f"{side}_iban_country",
                    f"{side}_agent_country").alias(f"{side}_country"),
        pl.when(pl.col(f"{side}_iban").is_not_null()).then(f"{side}_iban_value")
        .when(~other.str.to_uppercase().is_in(ACCOUNT_PLACEHOLDERS)).then(other).alias(f"{side}_account"),
        pl.col(f"{side}_agent_value").alias(f"{side}_bank"),
    ]  # fmt: skip


def _problems() -> pl.Expr:
    """IBANs and BICs that fail their checks, each naming the element it came from."""
    found: list[pl.Expr] = []
    for side, (_, account, agent) in PARTIES.items():
        place = pl.coalesce("payer_path", "at") if side == "payer" else pl.col("at")
        for checked, where, field in (
            (f"{side}_iban", f"{account}/Id/IBAN", f"{side}_account"),
            (f"{side}_agent", f"{agent}/FinInstnId", f"{side}_bank"),
        ):
            problem = pl.col(f"{checked}_problem")
            reason = pl.format("{} (at {}/{})", problem, place, pl.lit(where))
            found.append(pl.when(problem.is_not_null()).then(pl.struct(pl.lit(field).alias("field"),
                                                                     reason.alias("reason"))))  # fmt: skip
    listed = pl.concat_list(found).list.drop_nulls()
    return pl.when(listed.list.len() > 0).then(listed)


def _purpose() -> pl.Expr:
    """Remittance text, then references and codes as ``[label value]`` tags (see ``records.purpose``)."""
    tags = [
        ("ref", pl.col("creditor_ref")),
        ("doc", pl.col("document_number")),
        ("purpose", pl.coalesce("purpose_code", "purpose_proprietary")),
        ("category", pl.coalesce("category", "group_category")),
        ("ultimate payer", pl.col("ultimate_payer")),
        ("ultimate payee", pl.col("ultimate_payee")),
        ("via", pl.col("intermediary_value")),
        ("charges", pl.col("charges").replace(CHARGES)),
    ]
    words = [_collapsed(pl.col("remittance")), _collapsed(pl.col("additional_info"))]
    tagged = [pl.format(f"[{label} {{}}]", _collapsed(value)) for label, value in tags]
    joined = pl.concat_str([*words, *tagged], separator=" ", ignore_nulls=True)
    return pl.when(joined != "").then(joined)


def _collapsed(text: pl.Expr) -> pl.Expr:
    return _present(text.str.replace_all(r"\s+", " ").str.strip_chars())


def raw_frame(rows: Iterable[dict[str, object]]) -> pl.DataFrame:
    """Raw transfers (as the exact reader gathers them) as a frame of :data:`RAW_SCHEMA`."""
    return pl.DataFrame(list(rows), schema=RAW_SCHEMA)
