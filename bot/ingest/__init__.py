"""Feed → item: the sources file, the shared HTTP client, feed and channel parsing, what is
new since the last poll, the poll schedule and backoff, the poll cycle with source health,
the intake (new entries stored, classified and handed to the clustering in batches), the SSRF
guard and OPML."""
