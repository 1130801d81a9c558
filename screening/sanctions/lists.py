"""Sanctions lists in the store: dated snapshots, and what changed since the last one.

Each load of a list file becomes a snapshot. An entry's content is hashed, so
the next snapshot of the same list knows which entries are new, changed or
gone; screening can then re-check every known party against the new and
changed entries only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from screening.errors import InputError
from screening.sanctions.eu import read_eu_xml
from screening.sanctions.internal import read_internal
from screening.sanctions.model import ListEntry
from screening.sanctions.ofac import read_ofac_csv
from screening.sanctions.ofac_xml import read_ofac_xml
from screening.sanctions.uk import read_ofsi_csv
from screening.sanctions.uk_fcdo import read_uk_xml
from screening.sanctions.un import read_un
from screening.store import Store

Reader = Callable[[Path], Iterator[ListEntry]]
READERS: dict[str, Reader] = {
    "un": read_un,
    "ofac-csv": read_ofac_csv,
    "ofac-xml": read_ofac_xml,
    "eu-xml": read_eu_xml,
    "ofsi-csv": read_ofsi_csv,
    "uk-xml": read_uk_xml,
    "internal": read_internal,
}
_XML_ROOTS = {
    b"<CONSOLIDATED_LIST": "un",
    b"<sdnList": "ofac-xml",
    b"<export": "eu-xml",
    b"<Designations": "uk-xml",
}
"""List formats by name, as ``screening lists load --format`` takes them."""


@dataclass(frozen=True)
class Snapshot:
    """One stored load of a list."""

    snapshot_id: int
    list_name: str
    format: str
    source_file: str
    fingerprint: str
    entries: int
    names: int
    added: int
    changed: int
    removed: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def detect_format(path: Path) -> str:
    """The reader for a list file or folder, from its shape; ``--format`` overrides it."""
    if path.is_dir():
        if (path / "sdn.csv").is_file():
            return "ofac-csv"
        raise InputError(
            "a folder of list files must hold OFAC's sdn.csv, add.csv and alt.csv", path=str(path)
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
    suffix = path.suffix.lower()
    if suffix == ".xml":
        for root, fmt in _XML_ROOTS.items():
            if root in head:
                return fmt
    elif suffix == ".csv" and head.lstrip(b"\xef\xbb\xbf").lower().startswith(b"last updated"):
        return "ofsi-csv"
    elif suffix in {".csv", ".jsonl", ".ndjson"}:
        return "internal"
    raise InputError(f"cannot tell the list format; give --format ({', '.join(READERS)})", path=str(path))


def load_list(store: Store, path: Path, *, list_name: str | None = None, fmt: str | None = None) -> Snapshot:
    """Read a list file and store it as a new snapshot, in one transaction.

    The same list content loaded again returns the snapshot already stored.
    """
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    fmt = fmt or detect_format(path)
    if fmt not in READERS:
        raise InputError(f"unknown list format {fmt!r}; known: {', '.join(READERS)}", path=str(path))
    entries = list(READERS[fmt](path))
    if not entries:
        raise InputError("the list holds no entries", path=str(path))
    name = list_name or entries[0].list_name
    rows: list[dict[str, str]] = []
    names: list[dict[str, object]] = []
    for entry in entries:
        document = json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True)
        rows.append({"entry_id": entry.entry_id, "kind": entry.kind, "entry": document,
                     "content_hash": hashlib.sha256(document.encode()).hexdigest()[:20]})  # fmt: skip
        names.extend(
            {"entry_id": entry.entry_id, "name": n.full, "is_alias": n.is_alias, "quality": n.quality,
             "script": n.script}
            for n in entry.names
        )  # fmt: skip
    fingerprint = hashlib.sha256("".join(sorted(r["content_hash"] for r in rows)).encode()).hexdigest()[:20]
    con = store.connection
    for known in snapshots(store):
        if known.list_name == name:
            if known.fingerprint == fingerprint:
                return known  # the same list again: nothing new to store or screen
            break
    con.execute("BEGIN TRANSACTION")
    try:
        snapshot_id = int(con.execute("SELECT nextval('list_snapshot_ids')").fetchall()[0][0])
        con.register("__entries", pa.Table.from_pylist(rows))
        con.register("__names", pa.Table.from_pylist(names))
        params = {"id": snapshot_id, "list": name}
        con.execute(
            "INSERT INTO list_entries SELECT $id, $list, entry_id, kind, content_hash, entry FROM __entries",
            params,
        )
        con.execute(
            "INSERT INTO list_names SELECT $id, $list, entry_id, name, is_alias, quality, script "
            "FROM __names",
            params,
        )
        added, changed, removed = _changes(store, name, snapshot_id)
        con.execute(
            "INSERT INTO list_snapshots VALUES ($id, $list, $fmt, $file, $at, $fp, $entries, $names, $added, "
            "$changed, $removed)",
            {**params, "fmt": fmt, "file": str(path), "at": datetime.now(UTC), "fp": fingerprint,
             "entries": len(rows), "names": len(names), "added": added, "changed": changed,
             "removed": removed},
        )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("__entries")
        con.unregister("__names")
    return Snapshot(
        snapshot_id, name, fmt, str(path), fingerprint, len(rows), len(names), added, changed, removed
    )


def _changes(store: Store, list_name: str, snapshot_id: int) -> tuple[int, int, int]:
    """Entries added, changed and removed against the list's previous snapshot."""
    previous = store.connection.execute(
        "SELECT max(snapshot_id) FROM list_snapshots WHERE list_name = $list", {"list": list_name}
    ).fetchall()[0][0]
    if previous is None:
        count = store.connection.execute(
            "SELECT count(*) FROM list_entries WHERE snapshot_id = $id", {"id": snapshot_id}
        ).fetchall()[0][0]
        return int(count), 0, 0
    row = store.connection.execute(
        """SELECT count(*) FILTER (WHERE o.entry_id IS NULL),
                  count(*) FILTER (WHERE o.entry_id IS NOT NULL AND o.content_hash <> n.content_hash),
                  (SELECT count(*) FROM list_entries x WHERE x.snapshot_id = $old
                     AND x.entry_id NOT IN (SELECT entry_id FROM list_entries WHERE snapshot_id = $new))
           FROM (SELECT * FROM list_entries WHERE snapshot_id = $new) n
           LEFT JOIN (SELECT * FROM list_entries WHERE snapshot_id = $old) o USING (entry_id)""",
        {"new": snapshot_id, "old": previous},
    ).fetchall()[0]
    return int(row[0]), int(row[1]), int(row[2])


def snapshots(store: Store) -> list[Snapshot]:
    """Every stored snapshot, newest first."""
    rows = store.connection.execute(
        "SELECT snapshot_id, list_name, format, source_file, fingerprint, entries, names, added, changed, "
        "removed FROM list_snapshots ORDER BY snapshot_id DESC"
    ).fetchall()
    return [Snapshot(*row) for row in rows]
