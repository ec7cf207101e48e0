"""The closed vocabularies of the registers.

Values are stored, and printed in JSON and CSV, as they are; tables show them
in the reader's language (``dcmaint.i18n.value_label``). The output formats
are words of the command line and are never translated.
"""

from __future__ import annotations

from enum import StrEnum

from dcmaint.i18n import Untranslated


class DeviceKind(StrEnum):
    SERVER = "server"
    HYPERVISOR = "hypervisor"
    STORAGE = "storage"
    UPS = "ups"
    COOLING = "cooling"
    NETWORK = "network"
    SECURITY = "security"
    BACKUP = "backup"
    OTHER = "other"


class StaffRole(StrEnum):
    PM = "pm"  # project manager
    ENGINEER = "engineer"  # technical team, on call 7x24
    DESK = "desk"  # hotline / customer desk
    CENTRE = "centre"  # maintenance centre that verifies work
    ADMIN = "admin"  # admin office keeping staff KPIs


class OutputFormat(Untranslated):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class HealthFormat(Untranslated):
    """Outputs of ``dcmaint health``: people, scripts, Nagios-style monitoring, Prometheus."""

    TABLE = "table"
    JSON = "json"
    NAGIOS = "nagios"
    PROMETHEUS = "prometheus"


class AuditEntity(Untranslated):
    """What an audit entry is about (``audit list --entity``): words of the command line, shown as stored."""

    SITE = "site"
    DEVICE = "device"
    STAFF = "staff"
    TICKET = "ticket"
    PART = "part"
    SPARE = "spare"
    SWAP = "swap"
    HANDOVER = "handover"
    CONSENT = "consent"
    FAULT = "fault"
    COMPONENT = "component"
    PM_TASK = "pm-task"  # a preventive task done or brought forward by a fault
    PM_INTERVAL = "pm-interval"  # a site's own interval for a task type
    INSPECTION = "inspection"
    INSPECTION_PLAN = "inspection_plan"
    ARCHIVE = "archive"  # a version of a device file
    RMA = "rma"  # a return to factory and its loaner
    RELEASE = "release"  # a vendor release imported from a catalogue
    SIGNATURE_AGE = "signature-age"  # a site's own maximum antivirus signature age
    CHANGE = "change"  # a change request: requested, approved, implemented...
    BACKUP_POLICY = "backup-policy"  # a backup policy registered, edited, retired, or a restore test recorded
    DRILL_PLAN = "drill-plan"  # a drill plan
    DRILL = "drill"  # a drill held, with its follow-up actions
    DRILL_ACTION = "drill-action"  # a follow-up action done
    EMERGENCY_PLAN = "emergency-plan"  # an emergency plan added, replaced or retired
    EMERGENCY_DRILL = "emergency-drill"  # a drill of an emergency plan
    CUSTOMER = "customer"  # a site's customer preferences
    CONTACT = "contact"  # a person at the customer
    VISIT_PLAN = "visit-plan"  # a site's periodic visits
    VISIT = "visit"  # a visit or call of the desk
    COMPLAINT = "complaint"  # a complaint a visit recorded, and its resolution
    DB_ROLE = "db-role"  # a person's PostgreSQL role granted a department, revoked or dropped
