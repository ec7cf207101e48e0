"""Plain typed objects and the rules on them; no I/O, no framework imports."""
