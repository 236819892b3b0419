"""Worklists: what is due and overdue on a team's or a worker's caseload."""
