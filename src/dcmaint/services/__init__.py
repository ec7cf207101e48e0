"""Workflows, and where their transactions begin and end.

Two kinds of function live here, told apart by their first parameter:

* An entry point takes a :class:`~dcmaint.services.context.Context` and opens
  its own ``with context.write() as unit`` (or ``context.read()``): the CLI,
  a collector daemon and a web page call the same entry point, and none of
  them owns a transaction. A workflow that needs two transactions (a swap,
  then a poll of the device, then the verdict) owns both.
* A step takes the :class:`~dcmaint.store.unit.UnitOfWork` (or the
  :class:`~dcmaint.store.reader.Reader`) of a transaction already open, so
  that another workflow can run it inside its own: ``devices.add`` for each
  row of a device import, ``tickets.new`` for each fault health opens a
  ticket for.

Read entry points live in ``*_views`` modules (and ``levels``, ``matching``,
``reports``, ``audit_log``) that import only the plain DB-API read path: a
list or a show never pays for SQLAlchemy's import.
"""
