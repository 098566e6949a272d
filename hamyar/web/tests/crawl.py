"""A crawler of the site as one user sees it: every internal link of every page reachable from home.

It reads the pages with the Django test client and keeps each page's visible text apart from text marked
left-to-right (dir="ltr", lang="en"), so tests can check both what answers and what a Persian page says.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HIDDEN = {"script", "style", "template", "noscript", "svg", "title"}
# Links a crawler must not follow: sign-out and language switch are POST forms, the admin is Django's own,
# the API is checked against its OpenAPI document elsewhere.
SKIP = ("/accounts/logout", "/admin/", "/i18n/", "/api/", "/static/", "/media/")
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


def _marked_ltr(tag: str, attrs: dict) -> bool:
    """Text that must stay Latin: an e-mail, a username, a Sheba number, a token, a URL, English itself."""
    return (attrs.get("dir") == "ltr" or (attrs.get("lang") or "").startswith("en") or tag in {"code", "kbd"}
            or "code" in attrs.get("class", "").split())  # a supplier's own item code, kept as written


class PageText(HTMLParser):
    """The links, the visible text and the ltr-marked text of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.file_inputs: list[dict] = []
        self.text: list[str] = []  # visible, not marked ltr
        self.ltr: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # tag, hidden, ltr

    @property
    def _hidden(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    @property
    def _ltr(self) -> bool:
        return bool(self._stack) and self._stack[-1][2]

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "input" and attrs.get("type") == "file":
            self.file_inputs.append(attrs)
        hidden = self._hidden or tag in HIDDEN or "hidden" in attrs or attrs.get("type") == "hidden"
        ltr = self._ltr or _marked_ltr(tag, attrs)
        if not hidden:
            for name in ATTRIBUTES:
                if attrs.get(name):
                    (self.ltr if ltr else self.text).append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                (self.ltr if ltr else self.text).append(attrs["value"])
        if tag not in VOID:
            self._stack.append((tag, hidden, ltr))

    def handle_startendtag(self, tag: str, attrs_list) -> None:
        self.handle_starttag(tag, attrs_list)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for index in range(len(self._stack) - 1, -1, -1):  # forgiving of unclosed tags, as browsers are
            if self._stack[index][0] == tag:
                del self._stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._hidden or not data.strip():
            return
        (self.ltr if self._ltr else self.text).append(data.strip())


@dataclass
class Visit:
    url: str
    status: int
    source: str  # the page whose link led here
    text: list[str] = field(default_factory=list)
    file_inputs: list[dict] = field(default_factory=list)


def pattern(url: str) -> str:
    """The URL with its ids as {id} and its query's values dropped: pages of one kind share a pattern."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/{id}", parts.path)
    keys = sorted(re.findall(r"(?:^|&)([^=&]+)=", parts.query))
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(client: Client, *, start: str = "/", per_pattern: int = 2, limit: int = 400) -> list[Visit]:
    """GET every internal link reachable from `start`, at most `per_pattern` URLs of each pattern."""
    seen: set[str] = {start}
    counts: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        url, source = queue.popleft()
        response = client.get(url)
        visit = Visit(url, response.status_code, source)
        visits.append(visit)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageText()
        parser.feed(response.content.decode())
        visit.text = parser.text
        visit.file_inputs = parser.file_inputs
        for href in parser.links:
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if not href.startswith("/") or href.startswith("//") or href.startswith(SKIP) or href in seen:
                continue
            seen.add(href)
            key = pattern(href)
            if counts.get(key, 0) >= per_pattern:
                continue
            counts[key] = counts.get(key, 0) + 1
            queue.append((href, url))
    return visits
