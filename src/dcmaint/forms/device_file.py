"""The device file (设备档案) as a :class:`~dcmaint.forms.content.Sheet`, worded in the document's language.

Like the maintenance form, the file is printed for the customer in the
language asked for (``--lang``), whatever the UI language, so its words live
in :data:`LABELS` (one table per language, same keys: a test checks) and
codes are worded through :data:`CODES` (a code the table does not know is
shown as stored). The sheet is rendered by the forms pipeline, in PDF, HTML
or Markdown alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dcmaint.domain.archive import ChangeKind, flatten
from dcmaint.domain.archive_file import DeviceFile, VersionLine
from dcmaint.forms.content import BLANK, Field, Fields, Section, Sheet, Table, Text
from dcmaint.forms.labels import code

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "设备档案",
        "reference": "设备",
        "timezone": "时区",
        "page": "第 {page} 页，共 {pages} 页",
        "sec_identity": "设备信息",
        "device": "设备名称",
        "site": "站点",
        "customer": "客户",
        "kind": "类型",
        "vendor": "厂商",
        "model": "型号",
        "serial": "序列号",
        "hostname": "主机名",
        "part_number": "部件号",
        "version": "档案版本",
        "taken_at": "建档时间",
        "sec_manual": "位置与维保信息",
        "room": "机房",
        "rack": "机柜",
        "rack_unit": "U 位",
        "position": "机房内位置",
        "purchased": "购买日期",
        "warranty_until": "保修截止",
        "backup_software": "备份软件",
        "contacts": "联系人",
        "sec_hardware": "硬件配置（按槽位）",
        "hw_kind": "部件",
        "hw_slot": "槽位",
        "hw_model": "型号",
        "hw_part": "部件号",
        "hw_serial": "序列号",
        "hw_firmware": "固件",
        "sec_firmware": "固件版本",
        "fw_name": "组件",
        "fw_version": "版本",
        "sec_settings": "配置（RAID、系统、备份）",
        "setting": "项目",
        "value": "值",
        "no_settings": "驱动未提供 RAID、系统或备份配置。",
        "sec_versions": "档案版本",
        "v_number": "版本",
        "v_when": "时间",
        "v_source": "来源",
        "v_by": "操作人",
        "v_changes": "变更",
        "first_version": "首次建档",
        "no_change": "无变更",
        "change_count": "{kind} {count}",
        "sec_swaps": "备件更换记录",
        "s_when": "时间",
        "s_slot": "槽位",
        "s_removed": "拆下序列号",
        "s_installed": "装上序列号",
        "s_ticket": "工单",
        "s_technician": "工程师",
        "sec_tickets": "工单记录",
        "t_ref": "单号",
        "t_reported": "报修时间",
        "t_state": "状态",
        "t_severity": "紧急程度",
        "t_restored": "恢复时间",
        "t_fault": "故障",
        "list_separator": "，",
    },
    "en": {
        "title": "Device file",
        "reference": "Device",
        "timezone": "Time zone",
        "page": "Page {page} of {pages}",
        "sec_identity": "Device",
        "device": "Name",
        "site": "Site",
        "customer": "Customer",
        "kind": "Kind",
        "vendor": "Vendor",
        "model": "Model",
        "serial": "Serial number",
        "hostname": "Host name",
        "part_number": "Part number",
        "version": "File version",
        "taken_at": "Recorded",
        "sec_manual": "Location and service",
        "room": "Room",
        "rack": "Rack",
        "rack_unit": "Rack unit",
        "position": "Position in the room",
        "purchased": "Purchased",
        "warranty_until": "Warranty until",
        "backup_software": "Backup software",
        "contacts": "Contacts",
        "sec_hardware": "Hardware configuration by slot",
        "hw_kind": "Part",
        "hw_slot": "Slot",
        "hw_model": "Model",
        "hw_part": "Part number",
        "hw_serial": "Serial number",
        "hw_firmware": "Firmware",
        "sec_firmware": "Firmware versions",
        "fw_name": "Component",
        "fw_version": "Version",
        "sec_settings": "Configuration (RAID, system, backup)",
        "setting": "Setting",
        "value": "Value",
        "no_settings": "The driver reports no RAID, system or backup configuration.",
        "sec_versions": "File versions",
        "v_number": "Version",
        "v_when": "Time",
        "v_source": "Source",
        "v_by": "By",
        "v_changes": "Changes",
        "first_version": "first version",
        "no_change": "no change",
        "change_count": "{kind} {count}",
        "sec_swaps": "Part swaps",
        "s_when": "Time",
        "s_slot": "Slot",
        "s_removed": "Removed serial",
        "s_installed": "Installed serial",
        "s_ticket": "Ticket",
        "s_technician": "Engineer",
        "sec_tickets": "Tickets",
        "t_ref": "Ticket",
        "t_reported": "Reported",
        "t_state": "State",
        "t_severity": "Severity",
        "t_restored": "Restored",
        "t_fault": "Fault",
        "list_separator": ", ",
    },
}

CODES: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "change": {
            "replaced": "更换",
            "added": "新增",
            "removed": "拆除",
            "firmware": "固件",
            "part": "部件变化",
            "identity": "标识",
            "setting": "配置",
            "manual": "人工信息",
        },
        "source": {"poll": "采集", "manual": "人工"},
        "state": {
            "logged": "已登记",
            "assigned": "已派单",
            "in_progress": "处理中",
            "restored": "已恢复",
            "form_filled": "已填单",
            "signed": "已签字",
            "verified": "已审核",
            "closed": "已关闭",
        },
        "part": {
            "cpu": "CPU",
            "dimm": "内存",
            "disk": "硬盘",
            "controller": "控制器",
            "hba": "HBA 卡",
            "nic": "网卡",
            "transceiver": "光模块",
            "gpu": "GPU",
            "psu": "电源",
            "fan": "风扇",
            "battery": "电池",
            "bmc": "管理控制器",
            "enclosure": "机箱",
            "module": "模块",
            "compressor": "压缩机",
            "filter": "过滤网",
            "humidifier": "加湿器",
            "sensor": "传感器",
            "other": "其他",
        },
    },
    "en": {
        "change": {kind.value: kind.value for kind in ChangeKind} | {"part": "part changed"},
        "source": {"poll": "poll", "manual": "manual"},
        "state": {
            "logged": "logged",
            "assigned": "assigned",
            "in_progress": "in progress",
            "restored": "restored",
            "form_filled": "form filled",
            "signed": "signed",
            "verified": "verified",
            "closed": "closed",
        },
        "part": {},
    },
}

HARDWARE_WIDTHS = (10, 18, 20, 18, 20, 14)
VERSION_WIDTHS = (8, 18, 10, 14, 50)
SWAP_WIDTHS = (18, 18, 18, 18, 14, 14)
TICKET_WIDTHS = (16, 16, 12, 10, 16, 30)


def _word(lang: str, group: str, value: str) -> str:
    return CODES[lang][group].get(value, value)


def change_summary(line: VersionLine, lang: str) -> str:
    """What a version changed, in one line: "更换 1，固件 2"; the first version says so."""
    words = LABELS[lang]
    if line.version == 1 and not line.changes:
        return words["first_version"]
    if not line.changes:
        return words["no_change"]
    return words["list_separator"].join(
        words["change_count"].format(kind=_word(lang, "change", kind.value), count=count)
        for kind, count in line.changes.items()
    )


def _value(value: Any) -> str:
    if value is None:
        return BLANK
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _rows(rows: list[tuple[str, ...]], columns: int) -> tuple[tuple[str, ...], ...]:
    return tuple(rows) or ((BLANK,) * columns,)


def build(data: DeviceFile, lang: str) -> Sheet:
    """The device file of ``data`` worded in ``lang`` (``zh`` or ``en``)."""
    words = LABELS[lang]
    zone = ZoneInfo(data.site.timezone)

    def when(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else BLANK

    device, content, manual = data.device, data.content, data.content.manual.shown()
    identity = content.identity
    separator = "：" if lang == "zh" else ": "
    sections = [
        Section(
            words["sec_identity"],
            (
                Fields(
                    (
                        Field(words["device"], device.name),
                        Field(words["site"], device.site),
                        Field(words["customer"], data.site.customer),
                        Field(words["kind"], code(lang, "kind", device.kind)),
                        Field(words["vendor"], identity.get("vendor") or device.vendor or BLANK),
                        Field(words["model"], identity.get("model") or device.model or BLANK),
                        Field(words["serial"], identity.get("serial") or device.serial or BLANK),
                        Field(words["hostname"], identity.get("hostname", BLANK)),
                        Field(words["version"], str(data.version)),
                        Field(words["taken_at"], when(data.taken_at)),
                    )
                ),
            ),
        ),
        Section(
            words["sec_manual"],
            (
                Fields(
                    tuple(
                        Field(words[key], manual[key], wide=key == "contacts")
                        for key in (
                            "room",
                            "rack",
                            "rack_unit",
                            "position",
                            "purchased",
                            "warranty_until",
                            "backup_software",
                            "contacts",
                        )
                    )
                ),
            ),
        ),
        Section(
            words["sec_hardware"],
            (
                Table(
                    tuple(words[k] for k in ("hw_kind", "hw_slot", "hw_model", "hw_part", "hw_serial", "hw_firmware")),
                    _rows(
                        [
                            (
                                _word(lang, "part", p.kind),
                                p.location,
                                p.model or p.name or BLANK,
                                p.part_number or BLANK,
                                p.serial or BLANK,
                                p.firmware or BLANK,
                            )
                            for p in content.parts
                        ],
                        6,
                    ),
                    HARDWARE_WIDTHS,
                ),
            ),
        ),
        Section(
            words["sec_firmware"],
            (
                Table(
                    (words["fw_name"], words["fw_version"]),
                    _rows([(name, version) for name, version in content.firmware.items()], 2),
                    (50, 50),
                ),
            ),
        ),
        Section(words["sec_settings"], (_settings(data, lang),)),
        Section(
            words["sec_versions"],
            (
                Table(
                    tuple(words[k] for k in ("v_number", "v_when", "v_source", "v_by", "v_changes")),
                    _rows(
                        [
                            (
                                str(line.version),
                                when(line.taken_at),
                                _word(lang, "source", line.source),
                                line.actor,
                                change_summary(line, lang),
                            )
                            for line in data.versions
                        ],
                        5,
                    ),
                    VERSION_WIDTHS,
                ),
            ),
        ),
        Section(
            words["sec_swaps"],
            (
                Table(
                    tuple(
                        words[k] for k in ("s_when", "s_slot", "s_removed", "s_installed", "s_ticket", "s_technician")
                    ),
                    _rows(
                        [
                            (
                                when(swap.swapped_at),
                                swap.slot,
                                swap.removed_serial or BLANK,
                                swap.spare_serial or BLANK,
                                swap.ticket or BLANK,
                                swap.technician or BLANK,
                            )
                            for swap in data.swaps
                        ],
                        6,
                    ),
                    SWAP_WIDTHS,
                ),
            ),
        ),
        Section(
            words["sec_tickets"],
            (
                Table(
                    tuple(words[k] for k in ("t_ref", "t_reported", "t_state", "t_severity", "t_restored", "t_fault")),
                    _rows(
                        [
                            (
                                ticket.ref,
                                when(ticket.reported_at),
                                _word(lang, "state", ticket.state),
                                code(lang, "severity", ticket.severity),
                                when(ticket.restored_at),
                                _summary(ticket.description),
                            )
                            for ticket in data.tickets
                        ],
                        6,
                    ),
                    TICKET_WIDTHS,
                ),
            ),
        ),
    ]
    return Sheet(
        lang=lang,
        title=words["title"],
        reference=device.name,
        reference_label=words["reference"],
        timezone_note=f"{words['timezone']}{separator}{data.site.timezone}",
        page_label=words["page"],
        sections=tuple(sections),
    )


def _settings(data: DeviceFile, lang: str) -> Table | Text:
    flat = flatten(data.content.settings)
    if not flat:
        return Text(LABELS[lang]["no_settings"])
    return Table(
        (LABELS[lang]["setting"], LABELS[lang]["value"]),
        tuple((path, _value(value)) for path, value in flat.items()),
        (50, 50),
    )


def _summary(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else BLANK
    return line if len(line) <= 80 else line[:79] + "…"
