"""Outbox → message: the sender that drains the outbox and the pacer it shares with replies."""
