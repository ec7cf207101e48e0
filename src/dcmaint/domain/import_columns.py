"""How a customer's device list maps onto the device register.

Customers hand over spreadsheets written by people, mostly with Chinese
headers that differ from one customer to the next ("设备名称", "主机名",
"序列号(SN)", a full-width "管理ＩＰ"). This module holds the documented
synonyms (docs/import.md renders them) and the tolerant matching, so the
import service only reads files and writes the store. Pure logic, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from dcmaint.domain.devices import normalise, parse_option
from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.errors import UsageError
from dcmaint.i18n import _

IGNORE = "ignore"  # a mapping target meaning "this column is not imported"

# Device fields in the order docs and error messages list them.
FIELDS: tuple[str, ...] = (
    "site",
    "name",
    "kind",
    "vendor",
    "model",
    "serial",
    "room",
    "rack",
    "rack_unit",
    "covered",
    "endpoint",
    "driver",
    "username",
    "credential",
    "tls_verify",
    "ca_file",
    "fingerprint",
    "notes",
    "options",
)
REQUIRED: tuple[str, ...] = ("name", "kind")

# Header synonyms per field. The field's own name is always accepted too, so a
# CSV written by `dcmaint device list --format csv` imports as it is.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "site": ("站点", "机房站点", "局点"),
    "name": ("设备名称", "名称", "主机名", "设备名", "hostname", "device", "device name"),
    "kind": ("设备类型", "类型", "类别", "设备类别", "type", "category"),
    "vendor": ("品牌", "厂商", "厂家", "制造商", "生产厂家", "manufacturer", "brand", "make"),
    "model": ("型号", "设备型号", "规格型号"),
    "serial": ("序列号", "SN", "S/N", "序列号SN", "serial number", "serial no"),
    "room": ("机房", "机房名称", "所在机房"),
    "rack": ("机柜", "机架", "机柜号", "cabinet"),
    "rack_unit": ("U位", "位置", "机柜位置", "rack unit", "U"),
    "covered": ("是否在保", "维保", "保修", "在保", "维保状态", "保修状态", "under contract"),
    "endpoint": ("管理地址", "管理IP", "带外地址", "带外IP", "BMC", "BMC地址", "management address"),
    "driver": ("驱动",),
    "username": ("用户名", "管理用户", "账号", "user"),
    "credential": ("凭据", "密码引用", "credential reference"),
    "tls_verify": ("校验证书", "TLS校验", "tls verify"),
    "ca_file": ("CA证书", "CA文件", "ca file"),
    "fingerprint": ("证书指纹", "指纹"),
    "notes": ("备注", "说明", "remarks", "comment", "comments"),
    "options": ("驱动选项", "driver options"),
}

# Columns customer lists carry that the register has no place for: a running
# number. They are dropped without complaint (and rows holding only them are empty).
IGNORED_HEADERS: tuple[str, ...] = ("序号", "No", "No.", "#", "index")

KIND_SYNONYMS: dict[str, DeviceKind] = {
    "服务器": DeviceKind.SERVER,
    "主机": DeviceKind.SERVER,
    "小型机": DeviceKind.SERVER,
    "存储": DeviceKind.STORAGE,
    "磁盘阵列": DeviceKind.STORAGE,
    "存储阵列": DeviceKind.STORAGE,
    "虚拟化": DeviceKind.HYPERVISOR,
    "宿主机": DeviceKind.HYPERVISOR,
    "ESXi": DeviceKind.HYPERVISOR,
    "UPS": DeviceKind.UPS,
    "不间断电源": DeviceKind.UPS,
    "空调": DeviceKind.COOLING,
    "精密空调": DeviceKind.COOLING,
    "机房空调": DeviceKind.COOLING,
    "交换机": DeviceKind.NETWORK,
    "路由器": DeviceKind.NETWORK,
    "网络": DeviceKind.NETWORK,
    "网络设备": DeviceKind.NETWORK,
    "switch": DeviceKind.NETWORK,
    "router": DeviceKind.NETWORK,
    "防火墙": DeviceKind.SECURITY,
    "安全": DeviceKind.SECURITY,
    "安全设备": DeviceKind.SECURITY,
    "firewall": DeviceKind.SECURITY,
    "备份": DeviceKind.BACKUP,
    "磁带库": DeviceKind.BACKUP,
    "备份设备": DeviceKind.BACKUP,
    "其他": DeviceKind.OTHER,
    "其它": DeviceKind.OTHER,
}

TRUE_WORDS: tuple[str, ...] = ("是", "在保", "保内", "有", "yes", "y", "true", "1", "√", "✓")
FALSE_WORDS: tuple[str, ...] = ("否", "过保", "脱保", "保外", "无", "no", "n", "false", "0", "×", "✗")

_BRACKETS = re.compile(r"[(\[【〔<《「](.*?)[)\]】〕>》」]")
_NOISE = re.compile(r"[\s*_\-:/.\\'\"]+")


def key(text: str) -> str:
    """The form headers and values are compared in.

    NFKC folds full-width letters, digits, brackets and the ideographic space
    to their ASCII forms; case, spaces, a BOM and punctuation such as the "*"
    templates put on required columns do not matter.
    """
    folded = unicodedata.normalize("NFKC", text.replace("\ufeff", "")).casefold()
    return _NOISE.sub("", folded)


def header_keys(header: str) -> list[str]:
    """Lookup keys for a header, most specific first.

    "序列号(SN)" tries "序列号(sn)" as written, then "序列号" without the
    bracket, then "sn" inside it, so either half can name the field.
    """
    folded = unicodedata.normalize("NFKC", header.replace("\ufeff", ""))
    candidates = [key(folded), key(_BRACKETS.sub("", folded))]
    candidates += [key(inner) for inner in _BRACKETS.findall(folded)]
    return [c for i, c in enumerate(candidates) if c and c not in candidates[:i]]


@dataclass(frozen=True)
class ColumnMapping:
    """Header key -> field (or IGNORE), and kind-value key -> kind; user entries win."""

    columns: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def builtin(cls) -> ColumnMapping:
        columns: dict[str, str] = {key(h): IGNORE for h in IGNORED_HEADERS}
        for target, synonyms in COLUMN_SYNONYMS.items():
            for header in (target, *synonyms):
                columns[key(header)] = target
        kinds = {key(kind.value): kind.value for kind in DeviceKind}
        kinds.update({key(word): kind.value for word, kind in KIND_SYNONYMS.items()})
        return cls(columns, kinds)

    def extended(self, columns: Mapping[str, str], kinds: Mapping[str, str]) -> ColumnMapping:
        """This mapping with a user's entries added on top; bad targets raise UsageError."""
        merged_columns = dict(self.columns)
        for header, target in columns.items():
            wanted = target.strip().lower()
            if wanted not in FIELDS and wanted != IGNORE:
                raise UsageError(
                    _("mapping: column {header!r} maps to unknown field {target!r}: choose one of {choices}").format(
                        header=header, target=target, choices=", ".join((*FIELDS, IGNORE))
                    )
                )
            merged_columns[key(header)] = wanted
        merged_kinds = dict(self.kinds)
        for word, kind in kinds.items():
            try:
                merged_kinds[key(word)] = DeviceKind(kind.strip().lower()).value
            except ValueError:
                raise UsageError(
                    _("mapping: kind {word!r} maps to unknown kind {kind!r}: choose one of {choices}").format(
                        word=word, kind=kind, choices=", ".join(k.value for k in DeviceKind)
                    )
                ) from None
        return replace(self, columns=merged_columns, kinds=merged_kinds)

    def field_for(self, header: str) -> str | None:
        for candidate in header_keys(header):
            if candidate in self.columns:
                return self.columns[candidate]
        return None

    def kind_for(self, value: str) -> str:
        """The register's kind for a cell ("存储（SAN）" is storage); an unknown word is passed on
        unchanged for normalise to reject by name."""
        for candidate in header_keys(value):
            if candidate in self.kinds:
                return self.kinds[candidate]
        return value


@dataclass(frozen=True)
class Columns:
    """Which column index holds which field, as decided from the header row."""

    index: dict[str, int]
    unknown: tuple[str, ...]


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def resolve_columns(headers: Sequence[str | None], mapping: ColumnMapping, site_given: bool) -> Columns:
    """Match the header row; raise UsageError for a clash or a missing required column.

    Unknown headers are returned, not raised: the caller decides whether
    ``--ignore-unknown-columns`` lets them pass.
    """
    index: dict[str, int] = {}
    unknown: list[str] = []
    for position, header in enumerate(headers):
        if header is None or not header.strip():
            continue
        target = mapping.field_for(header)
        if target is None:
            unknown.append(header.strip())
        elif target != IGNORE:
            if target in index:
                raise UsageError(
                    _("columns {first!r} and {second!r} both map to {field}: keep one or map one to 'ignore'").format(
                        first=str(headers[index[target]]).strip(), second=header.strip(), field=target
                    )
                )
            index[target] = position
    required = REQUIRED if site_given else ("site", *REQUIRED)
    missing = [name for name in required if name not in index]
    if missing:
        examples = "; ".join("/".join(COLUMN_SYNONYMS[name][:3]) for name in missing)
        message = _("missing required columns: {fields} (headers such as {examples})").format(
            fields=", ".join(missing), examples=examples
        )
        if "site" in missing:
            message += " " + _("or give --site for a list without a site column")
        raise UsageError(message)
    return Columns(index, tuple(unknown))


_TRUE_KEYS = frozenset(key(word) for word in TRUE_WORDS)
_FALSE_KEYS = frozenset(key(word) for word in FALSE_WORDS)


def parse_bool(text: str, what: str) -> bool:
    folded = key(text)
    if folded in _TRUE_KEYS:
        return True
    if folded in _FALSE_KEYS:
        return False
    raise UsageError(_("invalid {what} {value!r}: use 是/否, yes/no or true/false").format(what=what, value=text))


def to_device(cells: Mapping[str, str | None], mapping: ColumnMapping, default_site: str | None) -> Device:
    """One row's cells (field -> text) as a normalised Device; UsageError names the bad value.

    A site cell wins over ``default_site`` (``--site``), so one list can span
    sites and still rely on ``--site`` for rows that leave the cell empty.
    Empty "covered" and "tls_verify" cells mean yes: the contract covers what
    the customer lists, and TLS is checked unless someone decided otherwise.
    """

    def text(name: str) -> str | None:
        value = cells.get(name)
        return value.strip() if value is not None and value.strip() else None

    name = text("name")
    if name is None:
        raise UsageError(_("missing device name"))
    kind = text("kind")
    if kind is None:
        raise UsageError(_("device {name!r}: missing device kind").format(name=name))
    site = text("site") or default_site
    if site is None:
        raise UsageError(_("device {name!r}: missing site (fill the site column or give --site)").format(name=name))
    covered, tls_verify = text("covered"), text("tls_verify")
    device = Device(
        site=site,
        name=name,
        kind=mapping.kind_for(kind),
        vendor=text("vendor"),
        model=text("model"),
        serial=text("serial"),
        room=text("room"),
        rack=text("rack"),
        rack_unit=text("rack_unit"),
        covered=parse_bool(covered, _("coverage")) if covered else True,
        driver=text("driver"),
        endpoint=text("endpoint"),
        username=text("username"),
        credential=text("credential"),
        tls_verify=parse_bool(tls_verify, _("TLS verification")) if tls_verify else True,
        ca_file=text("ca_file"),
        fingerprint=text("fingerprint"),
        notes=text("notes"),
        options=parse_option_list(text("options")),
    )
    return normalise(device)


def parse_option_list(text: str | None) -> dict[str, str]:
    """Driver options in one cell: ``auth=basic;concurrency=2`` (as `device list --format csv` writes them)."""
    if not text:
        return {}
    return dict(parse_option(part) for part in text.replace("；", ";").split(";") if part.strip())
