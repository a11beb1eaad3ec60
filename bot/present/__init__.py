"""Incident → message text: Telegram HTML, catalogs, summaries, keyboards, images, the public
feed, incident views and search queries. Pure, except where a view reads the store."""
