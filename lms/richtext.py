"""Rich text that staff write and everyone reads: sanitised HTML, and video links turned into embeds."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_BLOCK_TAG = re.compile(r"<(p|ul|ol|table|h[1-6]|blockquote|pre|div|hr)\b", re.IGNORECASE)

#: Hosts whose players may be embedded (also the page's Content-Security-Policy frame-src).
VIDEO_FRAME_HOSTS = ("https://www.youtube-nocookie.com", "https://rutube.ru", "https://vk.com")


def clean_html(text: str) -> str:
    """Safe HTML from what staff typed: markup outside a short list is dropped, links get rel=noopener.

    Text without block markup becomes paragraphs: a blank line starts a new one, a line break stays
    (text with no markup at all is escaped first, so «a < b» survives).
    """
    text = (text or "").strip().replace("\r\n", "\n")
    if not text:
        return ""
    if not _BLOCK_TAG.search(text):
        plain = not _TAG.search(text)
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join("<p>" + (html.escape(p) if plain else p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def video_embed_url(url: str | None) -> str | None:
    """The player address for a YouTube, Rutube or VK Video link, or None when it is none of these."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        return None
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    path = parts.path
    if host in ("youtube.com", "youtube-nocookie.com"):
        video = parse_qs(parts.query).get("v", [""])[0] if path == "/watch" else path.rsplit("/", 1)[-1]
        return f"https://www.youtube-nocookie.com/embed/{video}" if re.fullmatch(r"[\w-]{6,20}", video) else None
    if host == "youtu.be":
        video = path.strip("/")
        return f"https://www.youtube-nocookie.com/embed/{video}" if re.fullmatch(r"[\w-]{6,20}", video) else None
    if host == "rutube.ru":
        match = re.fullmatch(r"/(?:video|play/embed)/([0-9a-f]{20,40})/?", path)
        return f"https://rutube.ru/play/embed/{match.group(1)}" if match else None
    if host in ("vk.com", "vkvideo.ru"):
        match = re.fullmatch(r"/video(-?\d+)_(\d+)/?", path)
        return f"https://vk.com/video_ext.php?oid={match.group(1)}&id={match.group(2)}" if match else None
    return None
