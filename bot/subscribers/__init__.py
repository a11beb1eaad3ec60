"""Who wants what: a chat's preferences, the send/skip rules, command arguments and digests."""
