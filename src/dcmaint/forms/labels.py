"""The form's wording in each language it is printed in.

A form is a document for the customer: its language is chosen per form
(``--lang``), not by the UI language of whoever prints it, so these labels
live here as one table per language rather than in the gettext catalogue.
A Chinese-reading engineer can still print an English form for a foreign
customer, and the other way round. Both tables must have the same keys
(a test checks); codes without a label (a device kind from a plugin) are
shown as stored.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "维护单",
        "ticket": "单号",
        "timezone": "时区",
        "page": "第 {page} 页，共 {pages} 页",
        "sec_customer": "客户信息",
        "customer": "客户",
        "site": "站点",
        "site_address": "地址",
        "contract_no": "合同编号",
        "source": "报修方式",
        "caller": "报修人",
        "contact": "联系方式",
        "severity": "紧急程度",
        "sec_devices": "故障设备",
        "dev_name": "设备名称",
        "dev_kind": "类型",
        "dev_vendor": "厂商",
        "dev_model": "型号",
        "dev_serial": "序列号",
        "dev_location": "位置",
        "sec_fault": "故障描述",
        "sec_handling": "处理情况",
        "reported_at": "报修时间",
        "started_at": "开始处理",
        "restored_at": "恢复时间",
        "handling": "处理方式",
        "sla_target": "恢复时限",
        "sla_result": "时限达成",
        "sec_actions": "处理过程",
        "sec_parts": "备件更换",
        "part_direction": "装/拆",
        "part_device": "设备",
        "part_slot": "槽位",
        "part_number": "部件号",
        "part_serial": "序列号",
        "part_description": "说明",
        "engineer": "维护工程师",
        "time_spent": "工时",
        "sec_signoff": "客户确认",
        "signed_by": "签字人",
        "signed_at": "签字时间",
        "score": "服务评分",
        "comment": "客户意见",
        "signature": "客户签名",
        "sec_verified": "维护中心核实",
        "verified_by": "核实人",
        "verified_at": "核实时间",
        # values
        "not_restored": "未恢复",
        "met": "达成",
        "not_met": "未达成",
        "elapsed": "用时 {elapsed}",
        "paused": "暂停 {paused}，不计入",
        "sla_hours": "{hours} 小时（自开始处理至恢复）",
        "duration": "{hours}小时{minutes}分",
        "duration_hours": "{hours}小时",
        "duration_minutes": "{minutes}分",
        "score_blank": "☆☆☆☆☆（1–5）",
        "handling_blank": "□ 远程　□ 现场",
        "list_separator": "；",
        "brackets": "（{text}）",
    },
    "en": {
        "title": "Maintenance Form",
        "ticket": "Ticket",
        "timezone": "Time zone",
        "page": "Page {page} of {pages}",
        "sec_customer": "Customer",
        "customer": "Customer",
        "site": "Site",
        "site_address": "Address",
        "contract_no": "Contract no.",
        "source": "Reported by",
        "caller": "Caller",
        "contact": "Contact",
        "severity": "Severity",
        "sec_devices": "Devices",
        "dev_name": "Device",
        "dev_kind": "Kind",
        "dev_vendor": "Vendor",
        "dev_model": "Model",
        "dev_serial": "Serial",
        "dev_location": "Location",
        "sec_fault": "Fault as reported",
        "sec_handling": "Handling",
        "reported_at": "Reported",
        "started_at": "Started",
        "restored_at": "Restored",
        "handling": "Handled",
        "sla_target": "Restoration SLA",
        "sla_result": "SLA",
        "sec_actions": "Work done",
        "sec_parts": "Parts",
        "part_direction": "In/out",
        "part_device": "Device",
        "part_slot": "Slot",
        "part_number": "Part number",
        "part_serial": "Serial",
        "part_description": "Description",
        "engineer": "Engineer",
        "time_spent": "Time spent",
        "sec_signoff": "Customer sign-off",
        "signed_by": "Signed by",
        "signed_at": "Date",
        "score": "Score",
        "comment": "Comment",
        "signature": "Signature",
        "sec_verified": "Verified by the maintenance centre",
        "verified_by": "Verified by",
        "verified_at": "Date",
        # values
        "not_restored": "not restored",
        "met": "met",
        "not_met": "not met",
        "elapsed": "{elapsed} elapsed",
        "paused": "{paused} paused, not counted",
        "sla_hours": "{hours} h from start of handling to restoration",
        "duration": "{hours} h {minutes} min",
        "duration_hours": "{hours} h",
        "duration_minutes": "{minutes} min",
        "score_blank": "☆☆☆☆☆ (1–5)",
        "handling_blank": "□ Remote   □ On site",
        "list_separator": "; ",
        "brackets": " ({text})",
    },
}

#: Stored codes -> words, per language and field.
CODES: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "source": {"phone": "电话", "email": "邮件", "inspection": "巡检", "monitoring": "监控告警"},
        "severity": {"critical": "紧急", "high": "高", "medium": "中", "low": "低"},
        "handling": {"remote": "远程", "onsite": "现场"},
        "direction": {"in": "装上", "out": "拆下"},
        "kind": {
            "server": "服务器",
            "hypervisor": "虚拟化主机",
            "storage": "存储",
            "ups": "UPS",
            "cooling": "空调",
            "network": "网络设备",
            "security": "安全设备",
            "backup": "备份设备",
            "other": "其他",
        },
    },
    "en": {
        "source": {"phone": "phone", "email": "e-mail", "inspection": "inspection", "monitoring": "monitoring"},
        "severity": {"critical": "critical", "high": "high", "medium": "medium", "low": "low"},
        "handling": {"remote": "remote", "onsite": "on site"},
        "direction": {"in": "in", "out": "out"},
        "kind": {
            "server": "server",
            "hypervisor": "hypervisor",
            "storage": "storage",
            "ups": "UPS",
            "cooling": "cooling",
            "network": "network",
            "security": "security",
            "backup": "backup",
            "other": "other",
        },
    },
}


def label(lang: str, key: str) -> str:
    return LABELS[lang][key]


def code(lang: str, group: str, value: str) -> str:
    """The word for a stored code; a code the table does not know is shown as it is."""
    return CODES[lang][group].get(value, value)
