"""A customer's fault e-mail (an .eml file) read into the facts a ticket draft needs. Pure: bytes in, no I/O.

Most reports reach the hotline from Chinese mail clients (Foxmail, Outlook,
QQ Mail, NetEase 163), which label text loosely: GB18030 text is sent as
``gb2312``, headers carry raw 8-bit bytes, charsets are missing or unknown.
The standard library's own decoders replace what they cannot read, so this
module parses with the lenient ``compat32`` policy and does the decoding
itself: every label of the GB family is read as GB18030 (their superset),
and text that does not decode as labelled is tried as UTF-8, then GB18030,
then Latin-1, so a report is never lost to a charset and never crashes.

Only what the customer wrote is kept: quoted replies and the original
message of Outlook/Foxmail/QQ Mail replies are cut, because an engineer's
own signature in the quoted part would otherwise be taken for the
customer's phone number.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.errors import MessageError
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import NoReturn

from dcmaint.domain.text import escape
from dcmaint.errors import UsageError
from dcmaint.i18n import _

MAX_BODY_CHARS = 20_000
"""A ticket description is read by people; longer bodies are cut and end with "…"."""

_MAX_WORK_CHARS = 1_000_000  # text looked at before quote cutting: bounds the work on huge bodies
_MAX_PARTS = 500  # MIME parts visited; a real report has a handful
_MAX_DEPTH = 30  # multipart nesting followed

_MAIL_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "received",
        "return-path",
        "reply-to",
        "sender",
        "delivered-to",
        "x-mailer",
    }
)
"""A file is taken for an e-mail only if it starts with at least one of these."""

_GB_LABELS = frozenset(
    {
        "gb2312",
        "gb_2312",
        "gb_2312-80",
        "csgb2312",
        "euc-cn",
        "x-euc-cn",
        "euccn",
        "gbk",
        "x-gbk",
        "cp936",
        "ms936",
        "windows-936",
        "chinese",
        "iso-ir-58",
        "gb18030",
    }
)
_ANY_BYTE_LABELS = frozenset({"iso-8859-1", "latin1", "latin-1", "iso8859-1", "windows-1252", "cp1252"})


@dataclass(frozen=True)
class EmailReport:
    """What a fault e-mail says, decoded; the ticket commands turn it into a draft.

    Example: ``EmailReport(subject="3号机柜服务器宕机", sender_name="张三",
    sender_address="zhangsan@example.com", reply_to=None,
    sent_at=datetime(2024, 5, 20, 9, 30, tzinfo=timezone(timedelta(hours=8))),
    message_id="<1@example.com>", body="机房3号柜的服务器无法开机。\\n\\n张三 13800138000",
    attachments=("故障.jpg",), phones=("13800138000",))``
    """

    subject: str  # whitespace-normalised; "" if none
    sender_name: str | None  # the display name of From
    sender_address: str | None
    reply_to: str | None  # the first address of Reply-To
    sent_at: datetime | None  # from Date, always timezone-aware: a date without zone (or -0000) is UTC
    message_id: str | None  # as written, angle brackets included
    body: str  # what the sender wrote: quotes cut, at most MAX_BODY_CHARS
    attachments: tuple[str, ...]  # file names, decoded
    phones: tuple[str, ...]  # mobiles as 11 digits, landlines as 010-62345678[-ext], in order


def parse_email(data: bytes, source: str = "message") -> EmailReport:
    """Read one RFC 822/MIME message; ``source`` names it in errors (the file name).

    Raises UsageError, on one line, for an empty file, bytes that are not an
    e-mail, and a message with neither subject nor text. Nothing else is
    raised for malformed input.
    """
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")
    if not data.strip():
        _refuse(source, _("the file is empty"))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        _refuse(source, _("this is an Outlook .msg file, not an .eml (RFC 822) message"))
    try:
        message = message_from_bytes(data, policy=policy.compat32)
    except RecursionError:
        _refuse(source, _("the MIME parts are nested too deeply"))
    if not any(name.lower() in _MAIL_HEADERS for name, _value in message.raw_items()):
        _refuse(source, _("no e-mail headers (From, Subject, Date...) at the start of the file"))

    subject = " ".join(_printable(_decode_words(_header(message, "subject") or "")).split())
    name, address = _address(_header(message, "from"))
    reply_to = _address(_header(message, "reply-to"))[1]
    texts = _Texts()
    _walk(message, texts, 0)
    body = _clean_body(texts.body(), forward=bool(_FORWARD_SUBJECT.match(subject)))
    if not subject and not body:
        _refuse(source, _("the message has neither a subject nor any text"))
    message_id = "".join(_printable(_header(message, "message-id") or "").split()) or None
    return EmailReport(
        subject=subject,
        sender_name=name,
        sender_address=address,
        reply_to=reply_to,
        sent_at=_date(_header(message, "date")),
        message_id=message_id,
        body=body,
        attachments=tuple(texts.attachments),
        phones=find_phones(f"{subject}\n{body}"),
    )


def _refuse(source: str, reason: str) -> NoReturn:
    raise UsageError(_("invalid e-mail {file}: {reason}").format(file=source, reason=reason))


# --- text and charsets -------------------------------------------------------


def decode_bytes(raw: bytes, label: str | None) -> str:
    """Text from bytes in the labelled charset, or whatever they really are; never raises.

    GB labels read as GB18030 (clients label GB18030 text ``gb2312``). A
    label that fails, is unknown or is missing falls back to UTF-8, then
    GB18030, then the label with replacement characters (or Latin-1 if there
    is no usable label). Latin-1 labels accept any bytes, so text labelled
    Latin-1 that is valid UTF-8 is read as UTF-8 first.
    """
    codec = _codec(label)
    candidates = ["utf-8", codec] if codec in _ANY_BYTE_LABELS else [c for c in (codec, "utf-8", "gb18030") if c]
    for candidate in candidates:
        try:
            return raw.decode(candidate).removeprefix("\ufeff")
        except (LookupError, UnicodeError, ValueError):
            continue
    if codec:
        try:
            return raw.decode(codec, errors="replace")
        except (LookupError, UnicodeError, ValueError):
            pass
    return raw.decode("latin-1")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip("\"'").split("*", 1)[0].lower()  # RFC 2231 "utf-8*zh-cn"
    if not name or len(name) > 40 or name in {"unknown-8bit", "us-ascii", "ascii", "x-unknown"}:
        return None
    if name in _GB_LABELS:
        return "gb18030"
    try:  # the stdlib itself writes gb2312 as "eucgb2312_cn"; Python knows all such aliases
        canonical = codecs.lookup(name).name
    except (LookupError, ValueError, TypeError):
        return name
    return "gb18030" if canonical in _GB_LABELS else name


def _raw_text(value: str) -> str:
    """A stored header value unfolded, its raw 8-bit bytes (surrogate-escaped by the parser) decoded."""
    value = re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", "")
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = decode_bytes(value.encode("utf-8", "surrogateescape"), None)
    return value


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")  # no "?" inside: linear on junk


def _decode_words(text: str) -> str:
    """RFC 2047: decode encoded-words, with our charset fallbacks.

    Adjacent words of one charset are joined as bytes before decoding, since
    clients split a multi-byte character across two words; whitespace
    between words is dropped; a word that does not decode is kept as written.
    """
    pieces: list[str | tuple[bytes, str]] = []
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        position = match.end()
        label, kind, encoded = match.groups()
        raw = _word_bytes(kind, encoded)
        if raw is None:
            pieces.append(between + match.group(0))
            continue
        if between and not (between.isspace() and pieces and isinstance(pieces[-1], tuple)):
            pieces.append(between)
        if pieces and isinstance(pieces[-1], tuple) and pieces[-1][1] == label.lower():
            pieces[-1] = (pieces[-1][0] + raw, pieces[-1][1])
        else:
            pieces.append((raw, label.lower()))
    pieces.append(text[position:])
    return "".join(p if isinstance(p, str) else decode_bytes(*p) for p in pieces)


def _word_bytes(kind: str, encoded: str) -> bytes | None:
    try:
        if kind in "bB":
            if not re.fullmatch(r"[A-Za-z0-9+/=\s]*", encoded):
                return None
            compact = re.sub(r"[^A-Za-z0-9+/]", "", encoded)
            return base64.b64decode(compact + "=" * (-len(compact) % 4))
        return binascii.a2b_qp(encoded.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return None


def _printable(text: str) -> str:
    """Escape control characters (a terminal escape in a subject) and lone surrogates; keep tabs and newlines.

    E-mail text is free text: kept, shown as ``\\x1b`` (dcmaint.domain.text), never raw."""
    return escape(text)


# --- headers -----------------------------------------------------------------


def _header(part: Message, name: str) -> str | None:
    """The first ``name`` header as text (encoded-words still encoded), or None."""
    for key, value in part.raw_items():
        if key.lower() == name and isinstance(value, str):
            return _raw_text(value)
    return None


def _address(value: str | None) -> tuple[str | None, str | None]:
    """(display name, address) of the first mailbox; names are decoded after parsing, so commas in them are safe."""
    if not value:
        return None, None
    pairs = getaddresses([value]) or [parseaddr(value)]
    name, address = next(((n, a) for n, a in pairs if "@" in a), pairs[0])
    if "@" not in address or any(ch.isspace() for ch in address):
        found = re.search(r"[^\s<>\"',;:()]+@[^\s<>\"',;:()]+", value)
        address = found.group(0) if found else ""
    if not name and address and address in value:  # "张三 zs@x.cn": a name the parser could not see
        name = value.replace(address, " ").strip("<>\"' \t")
    decoded = " ".join(_printable(_decode_words(name)).split()).strip("\"' ")
    return decoded or None, _printable(address) or None


def _date(value: str | None) -> datetime | None:
    """The Date header; RFC 5322 takes -0000 (and we take a missing zone) as UTC."""
    if not value:
        return None
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return sent if sent.tzinfo else sent.replace(tzinfo=UTC)


def _param(part: Message, header: str, name: str) -> str | None:
    """A header parameter (RFC 2231 or RFC 2047 encoded, or raw 8-bit), decoded.

    The stdlib reads parameters only after replacing raw 8-bit bytes, so
    the header is decoded first and re-read from a scratch message.
    """
    value = _header(part, header)
    if value is None:
        return None
    scratch = Message()
    scratch[header] = value
    try:
        got = scratch.get_param(name, header=header)
    except (MessageError, ValueError, TypeError, IndexError, LookupError):
        return None
    if isinstance(got, tuple):
        label, _language, text = got
        try:
            got = decode_bytes(text.encode("latin-1"), label)
        except UnicodeEncodeError:
            got = text
    if not isinstance(got, str):
        return None
    return _decode_words(got)


def _filename(part: Message) -> str | None:
    for header, name in (("content-disposition", "filename"), ("content-type", "name")):
        value = _param(part, header, name)
        if value:
            base = re.split(r"[\\/]", value)[-1]  # old clients send the sender's full path
            cleaned = " ".join(_printable(base).split())
            if cleaned:
                return cleaned
    return None


# --- MIME structure ----------------------------------------------------------


class _Texts:
    """What a walk over the MIME tree collects; private and short-lived, so mutable."""

    def __init__(self) -> None:
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[str] = []
        self.forwarded: _Texts | None = None
        self.visited = 0

    def body(self) -> str:
        """Plain text if there is any, else the HTML as text, else the first forwarded message's text."""
        plain = "\n\n".join(text for text in self.plain if text.strip())
        if plain:
            return plain
        html = "\n\n".join(html_to_text(text) for text in self.html)
        if html.strip():
            return html
        return self.forwarded.body() if self.forwarded else ""


def _walk(part: Message, texts: _Texts, depth: int, root: _Texts | None = None) -> None:
    """Sort the parts into body text and attachments; forwarded messages go aside, read only as a fallback."""
    root = root or texts
    root.visited += 1
    if root.visited > _MAX_PARTS or depth > _MAX_DEPTH:
        return
    ctype = part.get_content_type()
    payload = part.get_payload()
    filename = _filename(part)
    disposition = (_header(part, "content-disposition") or "").split(";")[0].strip().lower()
    if ctype in {"message/rfc822", "message/global"}:
        if filename:
            texts.attachments.append(filename)
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            texts.forwarded = texts.forwarded or _Texts()
            _walk(payload[0], texts.forwarded, depth + 1, root)
        return
    if isinstance(payload, list):
        for child in payload:
            if isinstance(child, Message):
                _walk(child, texts, depth + 1, root)
        return
    if filename or disposition == "attachment":
        if filename:
            texts.attachments.append(filename)
        return
    if ctype == "text/html":
        texts.html.append(_payload_text(part))
    elif ctype == "text/plain" or part.get_content_maintype() == "multipart":  # a multipart without boundary
        texts.plain.append(_payload_text(part))


def _payload_text(part: Message) -> str:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return ""
    text = decode_bytes(raw, part.get_content_charset())[:_MAX_WORK_CHARS]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if str(part.get_param("format") or "").lower() == "flowed":
        text = _unflow(text, str(part.get_param("delsp") or "").lower() == "yes")
    return text


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    out: list[str] = []
    carry = ""
    for line in text.split("\n"):
        line = line[1:] if line.startswith(" ") else line  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            carry += line[:-1] if delsp else line
        else:
            out.append(carry + line)
            carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


# --- HTML ---------------------------------------------------------------------

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "tr",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "address",
        "center",
        "form",
        "caption",
    }
)
_SKIPPED = frozenset({"script", "style", "title", "head"})


class _HtmlText(HTMLParser):
    """HTML mail as the text a reader sees: one line per paragraph or <br>; a <blockquote> becomes one ">" line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.quote = 0
        self.pre = 0

    def _newline(self) -> None:
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "blockquote":
            if not self.quote and not self.skip:
                self._newline()
                self.out.append(">\n")  # the cutting rules drop it with the line that introduces it
            self.quote += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag in _BLOCKS:
            self.pre += tag == "pre"
            self._newline()
        elif tag in {"td", "th"} and self.out and not self.out[-1].endswith("\n"):
            self.out.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("\n")
        elif tag in _BLOCKS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag in _BLOCKS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip or self.quote:
            return
        if self.pre:
            self.out.append(data)
            return
        data = re.sub(r"[ \t\r\n\f]+", " ", data)
        if not self.out or self.out[-1].endswith("\n"):
            data = data.lstrip(" ")  # indentation of the HTML source, not of the text
        if data:
            self.out.append(data)


def html_to_text(html: str) -> str:
    """Tags stripped, entities unescaped, line breaks kept where <br> and blocks put them."""
    parser = _HtmlText()
    parser.feed(html[:_MAX_WORK_CHARS])
    parser.close()
    lines = "".join(parser.out).replace("\xa0", " ").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


# --- what the sender wrote -----------------------------------------------------

_SEPARATOR = re.compile(  # QQ Mail writes a literal "&nbsp;" in its plain text
    r"^\s*[-_=]{2,}(?:\s|&nbsp;)*(原始邮件|邮件原件|原邮件|Original Message|Original)(?:\s|&nbsp;)*[-_=]{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_START = re.compile(r"^\s*\**\s*(发件人|From)\s*\**\s*[:：]", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\**\s*(发送时间|发送日期|时间|日期|收件人|抄送|主题|Sent|Date|To|Cc|Subject)\s*\**\s*[:：]", re.IGNORECASE
)
_RULE = re.compile(r"^\s*[-_=*]{5,}\s*$")
_QUOTED = re.compile(r"^>(?: |>|$)")
_ATTRIBUTION = re.compile(r"(wrote|写道)\s*[:：]\s*$", re.IGNORECASE)
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|转发)\s*[:：]", re.IGNORECASE)


def _clean_body(text: str, forward: bool = False) -> str:
    """The sender's own words, trimmed and bounded.

    The replied-to original is cut, except in a forward, where it is the report.
    """
    lines = [_printable(line).replace("\xa0", " ").rstrip() for line in text[:_MAX_WORK_CHARS].split("\n")]
    if not forward:  # a reply that is all quote keeps nothing: the quote is our own mail, our phone numbers
        lines = _drop_quotes(_cut_original(lines))
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n").rstrip()
    if len(cleaned) > MAX_BODY_CHARS:
        cleaned = cleaned[: MAX_BODY_CHARS - 1].rstrip() + "…"
    return cleaned


def _cut_original(lines: list[str]) -> list[str]:
    """Everything from an "-----原始邮件-----" line or a 发件人:/发送时间: header block on is the replied-to mail."""
    for index, line in enumerate(lines):
        following = [later for later in lines[index + 1 : index + 6] if later.strip()][:3]
        if _SEPARATOR.match(line) or (
            _HEADER_START.match(line) and any(_HEADER_NEXT.match(later) for later in following)
        ):
            kept = lines[:index]
            while kept and (not kept[-1].strip() or _RULE.match(kept[-1])):
                kept.pop()
            return kept
    return lines


def _drop_quotes(lines: list[str]) -> list[str]:
    """Drop quoted lines, and the "... wrote:" / "…写道：" line that introduces them.

    A run of lines starting with ">" is a quote if it has two lines or one
    written "> x" / ">>" (163 Mail quotes without the space); a lone
    ">50% 负载" is the sender's own text.
    """
    kept: list[str] = []
    last_text: int | None = None  # index in kept of the last line with text: where an attribution would be
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and lines[end].startswith(">"):
            end += 1
        run = lines[index:end]
        if not run:
            if lines[index].strip():
                last_text = len(kept)
            kept.append(lines[index])
            index += 1
            continue
        if len(run) > 1 or _QUOTED.match(run[0]):
            if last_text is not None and _ATTRIBUTION.search(kept[last_text]):
                del kept[last_text]
                last_text = None
        else:
            last_text = len(kept)
            kept.extend(run)
        index = end
    return kept


# --- phone numbers -------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?:(?:\+|00)?86[ -]?)?(?P<mobile>1[3-9][0-9](?:[ -]?[0-9]{4}){2})"
    r"|(?:(?:(?:\+|00)?86[ -]?)\(?(?P<area1>10|2[0-9]|[3-9][0-9]{2})\)?|\(?(?P<area2>0(?:10|2[0-9]|[3-9][0-9]{2}))\)?)"
    r"[ -]?(?P<local>[2-9][0-9]{2,3}[ -]?[0-9]{4})"
    r"(?:[ ]*(?:转|分机|ext\.?|x|-)[ ]*(?P<ext>[0-9]{1,6}))?"
    r"|(?P<service>[48]00[ -]?[0-9]{3}[ -]?[0-9]{4})"
    r")(?![0-9])",
    re.IGNORECASE,
)


def find_phones(text: str) -> tuple[str, ...]:
    """Chinese phone numbers in ``text``, normalised and de-duplicated in order of appearance.

    Mobiles become 11 digits (``+86 138-0013-8000`` -> ``13800138000``),
    landlines area-local[-extension] (``(010)6234 5678转801`` ->
    ``010-62345678-801``), 400/800 numbers ``400-810-8888``. Full-width
    digits and brackets count. Digits inside longer numbers or serial
    numbers (``SN2102313800138000``) do not.
    """
    found: dict[str, None] = {}
    for match in _PHONE.finditer(unicodedata.normalize("NFKC", text)):
        if match.group("mobile"):
            number = re.sub(r"\D", "", match.group("mobile"))
        elif match.group("service"):
            digits = re.sub(r"\D", "", match.group("service"))
            number = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        else:
            area = match.group("area2") or "0" + match.group("area1")
            number = f"{area}-{re.sub(r'[^0-9]', '', match.group('local'))}"
            if match.group("ext"):
                number += "-" + match.group("ext")
        found[number] = None
    return tuple(found)
