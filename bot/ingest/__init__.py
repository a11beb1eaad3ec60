"""Feed → item: the sources file, the shared HTTP client, feed and channel parsing, the poll
cycle with source health and backoff, the SSRF guard and OPML."""
