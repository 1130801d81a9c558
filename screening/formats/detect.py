"""Tell a file's format from its first bytes, whatever its name says.

Payment messages arrive as ``.xml``, ``.txt``, ``.fin``, ``.sta`` or with no
suffix at all, so the loader looks at the content: Parquet's magic number, the
root element of an XML document (an ISO 20022 ``Document``, its envelope or a bank's wrapper of Documents, a
goAML ``report`` or a root holding reports), a SWIFT block header ``{1:`` or
an MT field tag such as ``:20:``. Anything else is left to the file's suffix
(CSV, JSON Lines).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from screening.errors import InputError
from screening.formats.xmlsafe import refuse_declarations

MESSAGE_FORMATS = ("iso20022", "mt", "goaml")
_HEAD = 1 << 14
_ISO_NAMESPACE = "urn:iso:std:iso:20022"
_ISO_ROOTS = {"Document", "BizMsgEnvlp", "Envelope", "AppHdr", "DataPDU", "Messages"}
_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>?")
_GOAML_CHILD = re.compile(r"<report[\s>]")
_MT_TAG = re.compile(r":[0-9]{2}[A-Z]?:")
_SKIPPED = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.DOTALL)


def sniff(path: Path) -> str | None:
    """The format the content shows (parquet, iso20022, goaml, mt), or None to go by the suffix.

    An XML file that declares a DTD is refused here already, naming the file.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=str(path)) from error
    if head.startswith(b"PAR1"):
        return "parquet"
    text = _decode(head).lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return _xml_format(path, text)
    if text.startswith("{1:") or text.startswith("{2:") or _MT_TAG.match(text):
        return "mt"
    return None


def _decode(head: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return head.decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace")


def _xml_format(path: Path, text: str) -> str:
    refuse_declarations(path)
    body = _SKIPPED.sub("", text).lstrip()
    root = _ROOT.match(body)
    if root is None:
        raise InputError("an XML file without a root element in its first 16 KB", path=str(path))
    name, attributes = root.group(1), root.group(2)
    if name == "report" or _GOAML_CHILD.search(body, root.end()):
        return "goaml"
    if name in _ISO_ROOTS or _ISO_NAMESPACE in attributes or _ISO_NAMESPACE in body:
        return "iso20022"  # a bank's own wrapper root declares nothing; its Documents do
    raise InputError(
        f"an XML document with root <{name}> is neither ISO 20022 (<Document>) nor a goAML <report>; "
        "name the format with --format if it is one of them",
        path=str(path),
    )
