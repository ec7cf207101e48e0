"""roles enforced by PostgreSQL: department group roles, their GRANTs, guard triggers and row-level security

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 06:20:00.000000

PostgreSQL only: SQLite is single-user and this migration does nothing there.

Every list below is literal on purpose: a migration is history, and what it granted must not change when a
later dcmaint adds a table or a department (a later migration grants that). The store owner (the role that runs
the migrations) and superusers are the administrator: the triggers let them through, and row-level security does
not apply to a table's owner.
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

DESK = 'dcmaint_desk'
ENGINEER = 'dcmaint_engineer'
PM = 'dcmaint_pm'
CENTRE = 'dcmaint_centre'
ADMIN = 'dcmaint_admin'
CUSTOMER = 'dcmaint_customer'
COLLECTOR = 'dcmaint_collector'
STAFF = (DESK, ENGINEER, PM, CENTRE, ADMIN, COLLECTOR)
GROUPS = (*STAFF, CUSTOMER)

TABLES = (
    'alembic_version', 'sites', 'devices', 'staff', 'device_polls', 'components', 'faults', 'parts', 'part_numbers',
    'part_substitutes', 'stock_units', 'consents', 'swaps', 'handovers', 'tickets', 'ticket_devices',
    'ticket_pauses', 'ticket_events', 'archive_versions', 'inspection_plans', 'inspection_runs',
    'inspection_results', 'inspection_findings', 'pm_tasks', 'pm_completions', 'pm_intervals', 'roster_rotations',
    'roster_members', 'roster_overrides', 'staff_leave', 'holiday_rosters', 'holiday_duties', 'releases',
    'signature_ages', 'changes', 'change_devices', 'backup_policies', 'backup_policy_devices', 'backup_restores',
    'backup_drill_plans', 'backup_drills', 'backup_drill_actions', 'rmas', 'rma_loaners', 'emergency_plans',
    'emergency_plan_versions', 'emergency_drills', 'customer_profiles', 'customer_contacts', 'visit_plans', 'visits',
    'complaints', 'audit_log', 'audit_head', 'db_role_sites',
)

#: What a customer reads: its own sites' rows only (row-level security below).
CUSTOMER_READS = ('alembic_version', 'sites', 'devices', 'tickets', 'ticket_devices', 'ticket_pauses',
                  'ticket_events', 'audit_head', 'db_role_sites')
#: What a customer reads of the staff register: who worked its tickets, not their phone numbers.
CUSTOMER_COLUMN_READS = (('staff', 'id, name, role'),)

#: (department, privileges, tables): what each department writes, table by table.
WRITES = (
    (DESK, 'INSERT', ('tickets',)),
    (DESK, 'UPDATE (ref, caller, contact, description, severity)', ('tickets',)),  # ref: numbered once inserted
    (DESK, 'INSERT, UPDATE', ('visits', 'complaints', 'customer_profiles')),
    (DESK, 'INSERT', ('ticket_devices', 'ticket_events')),
    (DESK, 'INSERT, UPDATE, DELETE', ('visit_plans', 'customer_contacts')),
    (ENGINEER, 'INSERT, UPDATE', (
        'tickets', 'ticket_pauses', 'swaps', 'stock_units', 'consents', 'handovers', 'inspection_runs',
        'inspection_results', 'inspection_findings', 'rmas', 'rma_loaners', 'device_polls', 'components',
        'faults', 'pm_tasks', 'backup_restores', 'backup_drills', 'backup_drill_actions', 'emergency_drills')),
    (ENGINEER, 'INSERT', ('ticket_devices', 'ticket_events', 'archive_versions', 'pm_completions')),
    (PM, 'UPDATE (state, assignee_id)', ('tickets',)),
    (PM, 'INSERT', ('ticket_events',)),
    (PM, 'INSERT, UPDATE, DELETE', (
        'inspection_plans', 'pm_tasks', 'pm_intervals', 'roster_rotations', 'roster_members', 'roster_overrides',
        'staff_leave', 'holiday_rosters', 'holiday_duties', 'backup_policies', 'backup_policy_devices',
        'backup_drill_plans')),
    (PM, 'INSERT, UPDATE', (
        'emergency_plans', 'emergency_plan_versions', 'releases', 'signature_ages', 'changes', 'change_devices')),
    (CENTRE, 'UPDATE (state, verified_by, verified_at, closed_at)', ('tickets',)),
    (CENTRE, 'INSERT', ('ticket_events',)),
    (ADMIN, 'INSERT, UPDATE', ('staff', 'sites', 'devices', 'parts', 'part_numbers', 'part_substitutes',
                               'stock_units')),
    (CUSTOMER, 'UPDATE (state, signed_by, signed_at, score, comment, signature)', ('tickets',)),
    (CUSTOMER, 'INSERT', ('ticket_events',)),
    # health --record: polls, the installed base, faults, monitoring tickets; and what a poll settles on the way:
    # swaps it verifies, maintenance a worn part brings forward, archive versions of changed configurations
    (COLLECTOR, 'INSERT, UPDATE', ('device_polls', 'components', 'faults', 'pm_tasks')),
    (COLLECTOR, 'INSERT', ('tickets',)),
    (COLLECTOR, 'UPDATE (ref)', ('tickets',)),  # a monitoring ticket is numbered once inserted
    (COLLECTOR, 'UPDATE', ('swaps',)),
    (COLLECTOR, 'INSERT', ('ticket_devices', 'ticket_events', 'archive_versions')),
)

#: The moves of a ticket's state a person may make, and whose they are; any other move is the owner's alone.
STATE_MOVES = (
    ('logged', 'assigned', PM), ('assigned', 'in_progress', ENGINEER), ('in_progress', 'restored', ENGINEER),
    ('restored', 'form_filled', ENGINEER), ('form_filled', 'signed', CUSTOMER), ('signed', 'verified', CENTRE),
    ('verified', 'closed', CENTRE),
)

#: Ticket event kinds and the departments that may write each.
EVENT_WRITERS = (
    ('logged', (DESK, ENGINEER, COLLECTOR)),
    ('assign', (PM,)),
    ('start', (ENGINEER,)), ('escalate', (ENGINEER,)), ('pause', (ENGINEER,)), ('resume', (ENGINEER,)),
    ('return-to-factory', (ENGINEER,)), ('reserve', (ENGINEER,)), ('swap', (ENGINEER,)),
    ('restore', (ENGINEER,)), ('fill', (ENGINEER,)),
    ('sign', (CUSTOMER,)),
    ('verify', (CENTRE,)), ('close', (CENTRE,)),
    ('followup', (DESK,)),
    ('note', (DESK, ENGINEER, PM, CENTRE, COLLECTOR)),
)

#: Row-level security: each table a customer reads, and which of its rows belong to the customer's sites.
CUSTOMER_ROWS = (
    ('sites', 'id IN (SELECT site_id FROM db_role_sites WHERE role_name = session_user)'),
    ('devices', 'site_id IN (SELECT site_id FROM db_role_sites WHERE role_name = session_user)'),
    ('tickets', 'site_id IN (SELECT site_id FROM db_role_sites WHERE role_name = session_user)'),
    ('ticket_devices', 'ticket_id IN (SELECT id FROM tickets)'),
    ('ticket_pauses', 'ticket_id IN (SELECT id FROM tickets)'),
    ('ticket_events', 'ticket_id IN (SELECT id FROM tickets)'),
    ('db_role_sites', 'role_name = session_user'),
)

GUARDED = (('tickets', 'dcmaint_guard_tickets', 'INSERT OR UPDATE'),
           ('ticket_events', 'dcmaint_guard_ticket_events', 'INSERT'),
           ('audit_log', 'dcmaint_guard_audit_log', 'INSERT'))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _create_groups(bind: sa.engine.Connection) -> None:
    """Group roles are cluster-wide: create those absent, tolerating a concurrent creator; without the right to
    create them, stop with the statements a DBA runs once."""
    present = set(bind.execute(sa.text('SELECT rolname FROM pg_roles WHERE rolname LIKE :p'), {'p': 'dcmaint_%'})
                  .scalars())
    missing = [group for group in GROUPS if group not in present]
    if not missing:
        return
    can = bind.execute(sa.text('SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user')).scalar()
    if not can:
        statements = ' '.join(f'CREATE ROLE {group} NOLOGIN;' for group in missing)
        message = (f'the department roles {", ".join(missing)} do not exist and %s may not create them: '
                   f'a superuser runs once: {statements}')
        bind.execute(sa.text(
            "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = format("
            + _literal(message) + ", current_user); END $$"))
    for group in missing:
        bind.execute(sa.text(
            f'DO $$ BEGIN CREATE ROLE {_quoted(group)} NOLOGIN; '
            'EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$'))


def _functions() -> list[str]:
    movers = ' '.join(f'WHEN OLD.state = {_literal(before)} AND NEW.state = {_literal(after)} THEN {_literal(group)}'
                      for before, after, group in STATE_MOVES)
    writers = ' '.join(f'WHEN {_literal(kind)} THEN {_literal(", ".join(groups))}' for kind, groups in EVENT_WRITERS)
    refuse = "RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = "
    return [
        # a person: neither a superuser nor the owner of the table (nor a member who inherits the owner's rights)
        'CREATE FUNCTION dcmaint_person(rel oid) RETURNS boolean LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$ '
        'SELECT NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = rel), \'USAGE\') $$',
        'CREATE FUNCTION dcmaint_in(department text) RETURNS boolean LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$ '
        'SELECT pg_has_role(session_user, department, \'MEMBER\') $$',
        # the department roles that may record a ticket event of this kind, as a list for the refusal's message
        'CREATE FUNCTION dcmaint_event_writers(kind text) RETURNS text LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$ SELECT CASE kind '
        + writers + " ELSE '' END $$",
        f"""CREATE FUNCTION dcmaint_guard_tickets() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE needed text;
BEGIN
  IF NOT dcmaint_person(TG_RELID) THEN RETURN NEW; END IF;
  IF TG_OP = 'INSERT' THEN
    IF dcmaint_in('{COLLECTOR}') AND NOT (dcmaint_in('{DESK}') OR dcmaint_in('{ENGINEER}'))
       AND NEW.source <> 'monitoring' THEN
      {refuse} format('%s may only log monitoring tickets', session_user);
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.state IS DISTINCT FROM OLD.state THEN
    needed := CASE {movers} ELSE 'the store owner' END;
    IF needed = 'the store owner' OR NOT dcmaint_in(needed) THEN
      {refuse} format('%s may not move ticket %s from %s to %s: only %s may', session_user, NEW.ref,
                      OLD.state, NEW.state,
                      CASE needed WHEN 'the store owner' THEN needed ELSE 'members of ' || needed END);
    END IF;
  END IF;
  IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id AND NOT dcmaint_in('{PM}') THEN
    {refuse} format('%s may not assign ticket %s: only members of {PM} do', session_user, NEW.ref);
  END IF;
  IF (NEW.verified_by, NEW.verified_at) IS DISTINCT FROM (OLD.verified_by, OLD.verified_at)
     AND NOT (dcmaint_in('{CENTRE}') AND NEW.verified_by IS NOT DISTINCT FROM session_user::text
              AND OLD.state = 'signed' AND NEW.state = 'verified') THEN
    {refuse} format('%s may not verify ticket %s as %s', session_user, NEW.ref, NEW.verified_by);
  END IF;
  IF (NEW.signed_by, NEW.signed_at, NEW.score, NEW.comment, NEW.signature)
     IS DISTINCT FROM (OLD.signed_by, OLD.signed_at, OLD.score, OLD.comment, OLD.signature)
     AND NOT (dcmaint_in('{CUSTOMER}') AND NEW.signed_by IS NOT DISTINCT FROM session_user::text
              AND OLD.state = 'form_filled' AND NEW.state = 'signed') THEN
    {refuse} format('%s may not sign ticket %s as %s', session_user, NEW.ref, NEW.signed_by);
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE FUNCTION dcmaint_guard_ticket_events() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF NOT dcmaint_person(TG_RELID) THEN RETURN NEW; END IF;
  IF NEW.actor IS DISTINCT FROM session_user::text THEN
    {refuse} format('%s may not write a ticket event as %s', session_user, NEW.actor);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM unnest(string_to_array(dcmaint_event_writers(NEW.kind), ', ')) AS w(department)
                 WHERE dcmaint_in(w.department)) THEN
    {refuse} format('%s may not record the %s step of a ticket: only members of %s do', session_user, NEW.kind,
                    coalesce(nullif(dcmaint_event_writers(NEW.kind), ''), 'no department'));
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE FUNCTION dcmaint_guard_audit_log() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF dcmaint_person(TG_RELID) AND NEW.actor IS DISTINCT FROM session_user::text THEN
    {refuse} format('%s may not write the audit log as %s', session_user, NEW.actor);
  END IF;
  RETURN NEW;
END $$""",
        # checked at commit (the head may be written before the rows it points at); SECURITY DEFINER: a customer
        # may not read the audit log, but the head must still point at a row of its own
        f"""CREATE FUNCTION dcmaint_guard_audit_head() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT AS $$
BEGIN
  IF dcmaint_person(TG_RELID) AND NOT (NEW.seq > OLD.seq AND EXISTS (
      SELECT 1 FROM audit_log WHERE seq = NEW.seq AND hash = NEW.hash AND actor = session_user::text)) THEN
    {refuse} format('%s may only move the audit head onto an audit row of its own', session_user);
  END IF;
  RETURN NULL;
END $$""",
    ]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return  # SQLite: one user, the file's owner; nothing to enforce
    _create_groups(bind)
    op.create_table('db_role_sites',
    sa.Column('role_name', sa.String(length=63), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_name', 'site_id')
    )
    schema = _quoted(bind.execute(sa.text('SELECT current_schema()')).scalar())
    everyone = ', '.join(GROUPS)
    staff = ', '.join(STAFF)
    statements = [f'GRANT USAGE ON SCHEMA {schema} TO {everyone}',
                  f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {everyone}']
    statements += [f'GRANT SELECT ON {table} TO {staff}' for table in TABLES]
    statements += [f'GRANT SELECT ON {table} TO {CUSTOMER}' for table in CUSTOMER_READS]
    statements += [f'GRANT SELECT ({columns}) ON {table} TO {CUSTOMER}' for table, columns in CUSTOMER_COLUMN_READS]
    statements += [f'GRANT INSERT ON audit_log TO {everyone}',
                   f'GRANT INSERT, UPDATE ON audit_head TO {everyone}']
    statements += [f'GRANT {privileges} ON {table} TO {group}'
                   for group, privileges, tables in WRITES for table in tables]
    statements += _functions()
    statements += [f'CREATE TRIGGER {function} BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()'
                   for table, function, events in GUARDED]
    statements.append('CREATE CONSTRAINT TRIGGER dcmaint_guard_audit_head AFTER UPDATE ON audit_head '
                      'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dcmaint_guard_audit_head()')
    for table, mine in CUSTOMER_ROWS:
        statements += [f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY',
                       f'CREATE POLICY dcmaint_staff ON {table} TO {staff} USING (true) WITH CHECK (true)',
                       f'CREATE POLICY dcmaint_customer ON {table} TO {CUSTOMER} USING ({mine}) WITH CHECK ({mine})']
    for statement in statements:
        bind.execute(sa.text(statement))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    schema = _quoted(bind.execute(sa.text('SELECT current_schema()')).scalar())
    everyone = ', '.join(GROUPS)
    statements = []
    for table, _mine in CUSTOMER_ROWS:
        if table != 'db_role_sites':
            statements += [f'DROP POLICY dcmaint_staff ON {table}', f'DROP POLICY dcmaint_customer ON {table}',
                           f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY']
    statements += [f'DROP TRIGGER {function} ON {table}' for table, function, _events in GUARDED]
    statements += ['DROP TRIGGER dcmaint_guard_audit_head ON audit_head']
    statements += [f'DROP FUNCTION {name}' for name in (
        'dcmaint_guard_tickets()', 'dcmaint_guard_ticket_events()', 'dcmaint_guard_audit_log()',
        'dcmaint_guard_audit_head()',
        'dcmaint_event_writers(text)', 'dcmaint_in(text)', 'dcmaint_person(oid)')]
    statements += ['DROP TABLE db_role_sites']
    statements += [f'REVOKE ALL ON {table} FROM {everyone}' for table in TABLES if table != 'db_role_sites']
    statements += [f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {everyone}',
                   f'REVOKE ALL ON SCHEMA {schema} FROM {everyone}']
    # the group roles stay: they are the cluster's, and other stores may use them
    for statement in statements:
        bind.execute(sa.text(statement))
