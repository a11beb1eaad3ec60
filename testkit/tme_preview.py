"""Telegram channel preview pages (`https://t.me/s/<name>`) built from `Post` values.

The structure is the real page's (see tests/fixtures/feeds/README.md): a channel header, a
`section.tgme_channel_history` of `div.tgme_widget_message[data-post]` blocks with the text,
the date link with `time[datetime]`, a forwarded-from header, an album's grouped media and an
"edited" marker. Serve the bytes with `FeedServer.serve(f"/s/{channel}", page,
content_type=HTML_CONTENT_TYPE)` and point `TELEGRAM_WEB_BASE_URL` at the server::

    feeds.serve("/s/mod_armenia", preview_page("mod_armenia", [Post(1, "...", when)]),
                content_type=HTML_CONTENT_TYPE)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["HTML_CONTENT_TYPE", "Post", "preview_page"]

HTML_CONTENT_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Post:
    """One post of a channel: its id, text (plain; lines become `<br/>`) and time."""

    id: int
    text: str
    when: datetime
    forwarded_from: str | None = None
    edited: bool = False
    photos: int = 0  # 1: a photo post, 2+: an album; the text is then its caption
    views: str = "1.2K"


def preview_page(channel: str, posts: Sequence[Post], *, title: str | None = None) -> bytes:
    """The preview page of `channel` showing `posts` (in the order given: oldest first)."""
    shown = html.escape(title or channel)
    blocks = "\n".join(_block(channel, post, shown) for post in posts)
    return f"""<!DOCTYPE html>
<html>
  <head><meta charset="utf-8"><title>{shown} – Telegram</title></head>
  <body class="widget_frame_base tgme_webpreview_body emoji_image nodark">
    <main class="tgme_main"><div class="tgme_container">
      <section class="tgme_right_column"><div class="tgme_channel_info">
        <div class="tgme_channel_info_header">
          <div class="tgme_channel_info_header_title"><span dir="auto">{shown}</span></div>
          <div class="tgme_channel_info_header_username">
            <a href="https://t.me/{channel}">@{channel}</a></div>
        </div>
      </div></section>
      <section class="tgme_channel_history js-message_history">
{blocks}
      </section>
    </div></main>
  </body>
</html>
""".encode()


def _block(channel: str, post: Post, shown: str) -> str:
    forwarded = ""
    if post.forwarded_from:
        origin = html.escape(post.forwarded_from)
        forwarded = (
            '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
            f'<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/x">'
            f'<span dir="auto">{origin}</span></a></div>'
        )
    media = ""
    if post.photos == 1:
        media = (f'<a class="tgme_widget_message_photo_wrap" href="https://t.me/{channel}/'
                 f'{post.id}" style="background-image:url(\'https://cdn.example/p.jpg\')">'
                 '<div class="tgme_widget_message_photo"></div></a>')
    elif post.photos > 1:
        photos = "".join(
            f'<a class="tgme_widget_message_photo_wrap grouped_media_wrap js-message_photo" '
            f'href="https://t.me/{channel}/{post.id + k}?single"></a>'
            for k in range(post.photos)
        )
        media = (
            '<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap">'
            '<div class="tgme_widget_message_grouped js-message_grouped">'
            f'<div class="tgme_widget_message_grouped_layer">{photos}</div></div></div>'
        )
    text = "<br/>".join(html.escape(line) for line in post.text.split("\n"))
    body = (f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
            if post.text else "")
    edited = '<span class="tgme_widget_message_edited">edited</span> ' if post.edited else ""
    return f"""        <div class="tgme_widget_message_wrap js-widget_message_wrap">
          <div class="tgme_widget_message text_not_supported_wrap js-widget_message"
               data-post="{channel}/{post.id}">
            <div class="tgme_widget_message_bubble">
              <div class="tgme_widget_message_author accent_color">
                <a class="tgme_widget_message_owner_name" href="https://t.me/{channel}">
                  <span dir="auto">{shown}</span></a></div>
              {forwarded}{media}{body}
              <div class="tgme_widget_message_footer compact js-message_footer">
                <div class="tgme_widget_message_info short js-message_info">
                  <span class="tgme_widget_message_views">{post.views}</span>
                  <span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date"
                     href="https://t.me/{channel}/{post.id}"><time
                     datetime="{post.when.isoformat()}" class="time">{post.when:%H:%M}</time></a>
                  </span>
                </div>
              </div>
            </div>
          </div>
        </div>"""
