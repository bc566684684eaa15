"""Plain text of rendered articles, cut into sections at their headings."""

from html.parser import HTMLParser

from search.documents import Section

HEADINGS = {"h2", "h3"}
BLOCKS = {"p", "li", "tr", "td", "th", "div", "pre", "blockquote", "br", "dd", "dt"}


class _Sections(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[list] = [[None, "", []]]
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        if tag in HEADINGS:
            self.sections.append([dict(attrs).get("id"), "", []])
            self.in_heading = True
        elif tag in BLOCKS:
            self.sections[-1][2].append("\n")

    def handle_endtag(self, tag):
        if tag in HEADINGS:
            self.in_heading = False
        elif tag in {"td", "th"}:
            self.sections[-1][2].append(" ")

    def handle_data(self, data):
        if self.in_heading:
            self.sections[-1][1] += data
        else:
            self.sections[-1][2].append(data)


def sections(html: str) -> tuple[Section, ...]:
    """The article's text under each heading; the text before the first heading comes first."""
    parser = _Sections()
    parser.feed(html)
    parser.close()
    result = []
    for anchor, heading, pieces in parser.sections:
        lines = (" ".join(line.split()) for line in "".join(pieces).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text or heading.strip():
            result.append(Section(anchor=anchor, heading=" ".join(heading.split()), text=text))
    return tuple(result)
