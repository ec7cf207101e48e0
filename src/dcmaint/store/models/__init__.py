"""SQLAlchemy models, one module per aggregate: the schema's single definition. Changes go through a migration.

- ``base``: the declarative ``Base`` and the shared timestamp columns;
- ``registers``: sites, devices, staff (and their conversion to domain records);
- ``health``: the latest poll of each device, the installed base of parts, faults;
- ``depot``: the parts catalogue, stock units, swaps, consents, handovers;
- ``tickets``: tickets with their devices, pauses and events;
- ``preventive``: preventive maintenance tasks, their completions and the sites' own intervals;
- ``inspections``: inspection plans, runs, each device's result and the findings;
- ``advisories``: vendor releases as imported, sites' signature ages, change requests and their devices;
- ``emergency``: emergency plans per site and system, their versions and drills;
- ``archive``: the device archive, one append-only row per version of a device's file;
- ``rosters``: duty rotations, overrides, leave and holiday duty rosters;
- ``rma``: returns to factory and the loaners that stood in;
- ``backups``: backup policies, restore tests, drill plans, drills and their follow-up actions;
- ``customers``: the customer record of a site (preferences, contacts) and the desk's visits and complaints;
- ``audit``: the hash-chained audit log and its head.

Each name has one home (``dcmaint.store.models.registers.SiteRow``, ``dcmaint.store.models.base.Base``).
Importing any of them runs this file first, which imports every aggregate, so ``Base.metadata`` always
holds the whole schema: what Alembic compares, ``db check`` checks and the foreign keys between
aggregates resolve against.
"""

from dcmaint.store.models import (
    advisories,
    archive,
    audit,
    backups,
    base,
    customers,
    depot,
    emergency,
    health,
    inspections,
    preventive,
    registers,
    rma,
    rosters,
    tickets,
)

__all__ = [
    "advisories",
    "archive",
    "audit",
    "backups",
    "base",
    "customers",
    "depot",
    "emergency",
    "health",
    "inspections",
    "preventive",
    "registers",
    "rma",
    "rosters",
    "tickets",
]
