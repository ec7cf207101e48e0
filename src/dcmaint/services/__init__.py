"""Workflows: each mutating function takes a UnitOfWork, checks the rules, changes rows and records the change."""
