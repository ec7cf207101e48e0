"""The closed vocabularies of the registers. Values are stored and printed as-is."""

from __future__ import annotations

from enum import StrEnum


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


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class HealthFormat(StrEnum):
    """Outputs of ``dcmaint health``: people, scripts, Nagios-style monitoring, Prometheus."""

    TABLE = "table"
    JSON = "json"
    NAGIOS = "nagios"
    PROMETHEUS = "prometheus"
