"""Page clutter: the lines a web page puts inside and after a story that are not the story.

Text pasted from a browser, an app or a wire feed carries the furniture of the page it came from, and
outlets in every country build their pages from the same parts:

- promos and teasers for other stories: "READ MORE: …", "RELATED: …", "ALSO READ | …", "WATCH: …",
  "MORE: …", "Don't miss: …";
- advertising markers: "ADVERTISEMENT", "Story continues below advertisement", "Article continues below",
  "Continue reading the main story", "Sponsored content";
- newsletter and subscription boxes: "Sign up for our free morning newsletter", "Enter your email
  address", "By signing up, you agree to our Privacy Policy", "Already a subscriber? Log in";
- photo captions and credits: "(AP Photo/…)", "Photograph: …/Reuters", "THE CANADIAN PRESS/…",
  "Picture: Supplied", "Image caption, …", "FILE - In this photo …", a lone "Getty Images";
- the residue of social-media embeds: a tweet's "— Name (@handle) March 3, 2026", "pic.twitter.com/…",
  "View this post on Instagram", "Skip twitter post by …";
- share bars and app prompts: "Share this article", "Facebook Twitter Email", "Follow us on Google News",
  "Join our WhatsApp channel", "Listen to this article", "5 min read";
- the page's footer: "Related stories", "More from …", "Tags: …", "© 2026 …", "All rights reserved",
  "(Reporting by …; Editing by …)".

Each line is judged on its own shape, and a line is only ever clutter as a whole: a promo in the middle of
a story removes that line and nothing after it. :func:`footer_start` finds where the page's tail begins:
only at a clutter line after the story's last sentence, so that a list of links and headings is cut, and
never a story that goes on after a promo. Every function here is linear in the length of its input: the
patterns are anchored, their repetitions bounded, and lines longer than any clutter line are not matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

ClutterKind = Literal["promo", "advert", "newsletter", "caption", "embed", "share", "furniture", "footer"]

#: Longest line (in characters) that can be clutter: captions run to a few sentences, a story paragraph
#: longer than this is never furniture.
MAX_CLUTTER_CHARS = 600
#: Longest line compared with the known furniture phrases ("Story continues below advertisement").
MAX_BARE_CHARS = 100
#: Most words a promo line has.
MAX_TEASER_WORDS = 30
#: Kinds of furniture that open a page's footer.
_FOOTER_KINDS = frozenset({"footer", "share", "newsletter"})
#: Most words a line just above a footer has to go with it ("___", "Online:", a sign-off).
FOOTER_LEAD_WORDS = 8
#: Most words a headline in a list of links has.
MAX_HEADLINE_WORDS = 16

_FLAGS = re.IGNORECASE
#: Labels that open a teaser line for another story or medium, before a separator ("READ MORE: …").
_PROMO_LABELS = (
    r"read(?:\s+more|\s+also|\s+next|\s+this)?|also\s+(?:read|see|watch|on)|see\s+also|more(?:\s+news)?|related(?:\s+news)?"
    r"|watch(?:\s+now|\s+live)?|listen|must\s+(?:read|see|watch)|don['’]t\s+miss|recommended|trending|popular"
    r"|previously|further\s+reading|top\s+stor(?:y|ies)|latest|editor['’]?s\s+picks?|in\s+(?:pictures|photos)"
    r"|photos?|pictures|videos?|gallery|photo\s+gallery|podcast|live(?:\s+updates)?|catch\s+up|click\s+here"
    r"|sign\s+up|subscribe|more\s+(?:on|from|about|in)\s+[^:|›»]{1,40}|read\s+the\s+(?:full|latest|original)"
    r"\s+(?:story|article|report)"
)
_PROMO = re.compile(rf"^(?:{_PROMO_LABELS})\s*(?::|\||›|»|>>)\s*(?P<rest>\S.*)$", _FLAGS)
#: The same labels in capitals also take a dash ("RELATED — …"), and a few none at all ("READ MORE Mayor …").
_CAPS_LABELS = (
    r"READ(?: MORE| ALSO| NEXT)?|ALSO (?:READ|SEE|WATCH)|SEE ALSO|RELATED(?: NEWS)?|MORE|WATCH|LISTEN|DON['’]T MISS"
    r"|MUST READ|RECOMMENDED|TRENDING|LATEST|LIVE(?: UPDATES)?|PHOTOS?|VIDEOS?|PODCAST"
)
_PROMO_CAPS = re.compile(
    rf"^(?:(?:{_CAPS_LABELS})\s*[-–—]|(?:READ MORE|ALSO READ|READ ALSO|SEE ALSO|RELATED|DON['’]T MISS)\s)"
    r"\s*[A-Z0-9‘“'\"]"
)
#: Lines that are furniture whatever else they say, compared lower-case, without surrounding punctuation
#: and with spaces squashed.
_BARE = {
    "promo": """read more|read more here|read the full story|read full story|read full article|read next
        |related|related stories|related story|related articles|related article|related content|related coverage
        |related news|related reading|related topics|related links|related internet links|related sources
        |related video|related videos|more on this story|more stories|more news|more top stories|more videos
        |see also|recommended|recommended for you|recommended stories|recommended articles|recommended videos
        |recommended reading|you may also like|you might also like|you may be interested in|also read
        |must read|don't miss|don’t miss|trending|trending now|trending stories|most read|most popular
        |most viewed|most shared|most watched|top stories|latest news|latest stories|popular now
        |editor's picks|editors' picks|editor’s picks|further reading|continue reading|keep reading
        |watch|watch now|watch live|watch the video|watch video|video|videos|photos|gallery|in pictures
        |listen|podcast|click here|explore more|more from us|what to read next|up next|next story
        |previous story|next article|previous article|latest videos|more videos from us|top videos""",
    "advert": """advertisement|advertising|advert|ad|ads|sponsored|sponsored content|sponsored post|sponsored links
        |paid content|paid post|paid partner content|partner content|promoted|promoted content|promoted stories
        |story continues below advertisement|story continues below|article continues below
        |article continues below advertisement|article continues below this ad|article continues after advertisement
        |article continues after this advertisement|content continues below|continue reading below
        |continue reading the main story|the story continues below|story continues after advertisement
        |skip advertisement|scroll to continue with content|advertisement scroll to continue
        |advertisement story continues below|remove ads|ad feedback|report this ad|report an ad
        |advertise with us|ads by google|close ad|ad loading|advertisement continue reading below
        |content continues below ad|this advertisement has not loaded yet but your article continues below""",
    "newsletter": """sign up|sign up now|sign up today|sign up for free|subscribe|subscribe now|subscribe today
        |newsletter|newsletters|newsletter sign up|newsletter signup|newsletter sign-up|get the newsletter
        |enter your email|enter your email address|enter email|email address|your email address|submit
        |thank you for signing up|thanks for signing up|you're signed up|you’re signed up|you're all set
        |you’re all set|already a subscriber|already a subscriber log in|already have an account
        |already have an account log in|log in|sign in|register|create a free account|become a member
        |support our journalism|support independent journalism|subscribe to continue reading
        |unsubscribe at any time|invalid email|please enter a valid email address|privacy notice""",
    "caption": """getty images|getty|reuters|afp|ap|ap photo|the associated press|associated press|pa|pa media
        |pa wire|epa|aap|aap image|pti|ani|ians|supplied|handout|file photo|file image|stock image|screengrab
        |screenshot|photo|image|illustration|enlarge this image|toggle caption|hide caption|show caption
        |expand image|image source|photo gallery|view gallery|open gallery""",
    "embed": """view this post on instagram|view on instagram|view on twitter|view on x|view on facebook
        |view on tiktok|watch on youtube|embedded video|embedded content|allow twitter content|allow x content
        |allow instagram content|allow facebook content|allow youtube content|allow tiktok content
        |accept and continue|content not available|this content is not available|loading tweet|loading video
        |loading|this video is not available|video unavailable|tweet|twitter|x post|instagram post""",
    "share": """share|share this|share this article|share this story|share article|share story|share full article
        |share on facebook|share on twitter|share on x|share on linkedin|share on whatsapp|share via email
        |share via|email|e-mail|print|print this|print this article|print article|copy link|copy url
        |link copied|copied|save|saved|save article|save story|save for later|bookmark|comment|comments
        |gift article|gift this article|give this article|listen to this article|listen to article
        |listen to this story|text size|font size|follow|follow us|facebook|linkedin|whatsapp|reddit
        |pinterest|telegram|messenger|flipboard|more sharing options|sharing options|show comments
        |view comments|add comment|leave a comment|join the conversation""",
    "furniture": """skip to main content|skip to content|skip to navigation|menu|search|home|back to top|top|close
        |open|next|previous|live|breaking|breaking news|live updates|key events|show key events only|pinned post
        |jump to|print edition|e-paper|advertise""",
    "footer": """tags|topics|filed under|categories|keywords|more in this category|about us|contact us|contact
        |about the author|about this author|author|terms of use|terms of service|terms and conditions
        |privacy policy|cookie policy|cookie settings|manage cookies|privacy settings|do not sell my personal
        information|accessibility|sitemap|site map|careers|corrections|our standards|editorial standards
        |all rights reserved|the bbc is not responsible for the content of external sites""",
}
_ARROWS = re.compile(r"\s*(?:→|»|›|>>|↓|▶|►|\.\.\.|…)\s*$")
_INNER_PUNCT = re.compile(r"[^\w\s'’-]+")


def _key(line: str) -> str:
    """The line as compared with known furniture: lower case, punctuation and arrows gone, spaces squashed."""
    return " ".join(_INNER_PUNCT.sub(" ", _ARROWS.sub("", line)).lower().replace("’", "'").split()).strip("'-")


_BARE_KIND: dict[str, ClutterKind] = {
    _key(phrase): kind  # type: ignore[misc]
    for kind, phrases in _BARE.items()
    for phrase in phrases.split("|")
}
#: Headings that open a list of links to other stories ("Related stories", "More on this story"): the short
#: lines under them are headlines, not story.
_LIST_HEADINGS = frozenset(
    _key(phrase)
    for phrase in """related|related stories|related articles|related content|related coverage|related news
        |related reading|related links|related topics|related video|related videos|more on this story|more stories
        |more news|more top stories|see also|recommended|recommended for you|recommended stories
        |recommended articles|recommended reading|you may also like|you might also like|you may be interested in
        |also read|must read|don't miss|trending|trending now|trending stories|most read|most popular|most viewed
        |most shared|top stories|latest news|latest stories|popular now|editor's picks|editors' picks
        |further reading|read more|read next|what to read next|up next|in other news|related sources
        |related internet links|related stories and links|explore more|more from us|latest videos|top videos
        |recommended videos|more videos|more videos from us""".split("|")
)
#: Words of a share bar ("Facebook Twitter Email", "Share · Tweet · Print").
_SHARE_WORDS = frozenset(
    """share tweet email e-mail print facebook twitter x linkedin whatsapp reddit pinterest telegram messenger
    flipboard copy link save comment comments sms threads bluesky mastodon""".split()
)
_MORE_FROM = re.compile(r"^(?:more|latest)\s+(?:from|in|on)\s+[\w .'’&-]{1,40}:?$", _FLAGS)
_COUNTED = re.compile(
    r"^(?:\d[\d,.]*k?\s+(?:comments?|shares?|replies)|(?:comments?|shares?|replies)\s*\(?\d[\d,.]*k?\)?)$"
)

_CREDIT_WORDS = r"(?:photo(?:graph)?|picture|pic|image|illustration|screengrab|screenshot|video\s+still)s?"
#: Each pattern with its kind and the most words a line it matches may have.
_PATTERNS: tuple[tuple[ClutterKind, int, re.Pattern[str]], ...] = (
    # -- ad markers that carry more words than the bare ones ("Advertisement - Scroll to continue")
    (
        "advert",
        12,
        re.compile(r"^advertisement\s*[-–—:·|]?\s*(?:scroll|continue|story|article|content)\b.{0,60}$", _FLAGS),
    ),
    (
        "advert",
        12,
        re.compile(r"^(?:story|article|content|text|report)\s+continues\s+(?:below|after)\b.{0,40}$", _FLAGS),
    ),
    ("advert", 10, re.compile(r"^(?:sponsored|promoted|paid\s+for)\s+by\s+.{1,60}$", _FLAGS)),
    # -- newsletter and subscription boxes
    (
        "newsletter",
        40,
        re.compile(
            r"^(?:sign\s*up|subscribe|register)\b.{0,160}\b(?:newsletters?|inbox|e-?mails?|alerts?|briefings?"
            r"|digest)\b.{0,200}$",
            _FLAGS,
        ),
    ),
    (
        "newsletter",
        40,
        re.compile(
            r"^(?:get|receive|want)\b.{0,80}\b(?:newsletters?|(?:in|to)\s+your\s+inbox|delivered\s+(?:to\s+you|"
            r"straight|directly|daily|every))\b.{0,160}$",
            _FLAGS,
        ),
    ),
    (
        "newsletter",
        60,
        re.compile(
            r"^by\s+(?:signing\s+up|subscribing|clicking|submitting|entering|registering)\b.{0,300}\b(?:privacy|terms"
            r"|policy|consent)\b.{0,300}$",
            _FLAGS,
        ),
    ),
    (
        "newsletter",
        40,
        re.compile(
            r"^(?:already\s+(?:a\s+subscriber|subscribed|have\s+an\s+account|registered)|thank\s*(?:s|\s+you)\s+for"
            r"\s+(?:signing\s+up|subscribing|registering)|you['’]ve\s+(?:read|reached)\s+(?:\w+\s+){0,4}(?:free\s+)?"
            r"(?:articles?|stories|limit)|(?:subscribe|register|log\s*in|sign\s+in)\s+(?:now\s+)?to\s+(?:continue|read"
            r"|unlock|keep\s+reading)|this\s+(?:article|story|content)\s+is\s+(?:only\s+)?(?:for|available\s+to"
            r"|exclusive\s+to)\s+(?:our\s+)?(?:subscribers|members)|support\s+(?:independent|quality|local|our)"
            r"\s+journalism|become\s+a\s+(?:member|subscriber|supporter)|unsubscribe\s+at\s+any\s+time)\b.{0,200}$",
            _FLAGS,
        ),
    ),
    # -- photo captions and credits
    (
        "caption",
        100,
        re.compile(
            r"^(?:photo(?:graph)?s?|pictures?|pic|images?|illustration|graphic|video|credit|photo\s+credit"
            r"|image\s+credit|pictured(?:\s+above)?|main\s+image|header\s+image|feature\s+image|cover\s+image)"
            r"\s*[:|]\s*.{1,500}$|^(?:image\s+source|image\s+caption|media\s+caption)\s*[:,|]\s*.{1,500}$"
            r"|^(?:caption|source)\s*[:|]\s*.{1,300}$",
            _FLAGS,
        ),
    ),
    ("caption", 100, re.compile(r"^FILE(?:\s+PHOTO)?\s*[-–—:]\s+.{1,500}$|^File\s+photo\s*[-–—:]\s+.{1,500}$")),
    (
        "caption",
        100,
        # a caption ending in its credit: "(AP Photo/Mara Ellison)", "(Photo by …/Getty Images)", "(Image: PA)"
        re.compile(
            rf"^.{{0,500}}[(\[](?:[\w.&'’ -]{{0,30}}\s)?{_CREDIT_WORDS}\b[^()\[\]]{{0,80}}[)\]]$"
            r"|^.{0,500}[(\[](?:file|supplied|handout|pool|getty\s+images)[)\]]$",
            _FLAGS,
        ),
    ),
    (
        "caption",
        100,
        # "… THE CANADIAN PRESS/Jane Doe", "… REUTERS/Jane Doe", "… AAP Image/Jane Doe"
        re.compile(
            r"^.{0,500}\b(?:(?:THE\s+)?CANADIAN\s+PRESS|REUTERS|Reuters|AFP|AP|EPA(?:-EFE)?|AAP(?:\s+Image|\s+IMAGE)?"
            r"|PA(?:\s+Wire|\s+WIRE)?|PTI|ANI|IANS|XINHUA|Xinhua|ZUMA(?:\s+Press)?|Bloomberg)(?:\s+(?:Photo|PHOTO"
            r"|Images?|IMAGES?))?\s*/\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*,\s*(?:File|FILE|Pool|POOL))?"
            r"\s*\)?$"
        ),
    ),
    (
        "caption",
        100,
        # the Guardian's and others' trailing credit: "… Photograph: Mara Ellison/Reuters"
        re.compile(
            r"^.{0,500}\b(?:Photograph|Photo|Picture|Image|Illustration|Composite|Photo\s+credit)\s*:\s*"
            r"[A-Z][^.!?:]{0,80}$"
        ),
    ),
    ("caption", 100, re.compile(r"^.{0,500}\b(?:/|via\s+)Getty\s+Images(?:\s+for\s+[\w .&'’-]{1,40})?\)?$")),
    # -- social-media embed residue
    (
        "embed",
        30,
        # a tweet's signature: "— Mara Ellison (@maraellison) March 3, 2026"
        re.compile(r"^[—–-]\s*.{0,80}\(\s*@\w{1,30}\s*\)\s*.{0,40}$"),
    ),
    (
        "embed",
        30,
        re.compile(r"^(?:(?:https?://)?(?:pic\.twitter\.com|t\.co|bit\.ly|youtu\.be|instagr\.am)/\S+\s*)+$", _FLAGS),
    ),
    ("embed", 1, re.compile(r"^(?:https?://|www\.)\S+$", _FLAGS)),
    ("embed", 20, re.compile(r"^a\s+(?:post|video|photo)\s+shared\s+by\s+.{1,100}$", _FLAGS)),
    (
        "embed",
        20,
        re.compile(
            r"^(?:skip|end\s+of)\s+(?:twitter|x|facebook|instagram|youtube|tiktok|bluesky|threads)\s+(?:post|content"
            r"|video)s?(?:\s*\d+)?(?:\s*,?\s*(?:by|from)\s+.{1,80})?$",
            _FLAGS,
        ),
    ),
    (
        "embed",
        100,
        re.compile(
            r"^(?:this\s+(?:article|page)\s+contains\s+content\s+provided\s+by|to\s+view\s+this\s+content\b"
            r"|(?:this\s+)?content\s+(?:is\s+)?(?:hosted|provided)\s+by\s+a\s+third\s+party"
            r"|we\s+ask\s+for\s+your\s+permission\s+before\s+anything\s+is\s+loaded).{0,600}$",
            _FLAGS,
        ),
    ),
    ("embed", 20, re.compile(r"^@\w{1,30}\s*(?:♬|·|\|).{0,100}$")),
    # -- share prompts and app promotion
    (
        "share",
        25,
        re.compile(
            r"^(?:follow|like)\s+(?:us|me|him|her|them|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})\s+on\s+(?:twitter|x"
            r"|facebook|instagram|linkedin|threads|tiktok|youtube|google\s+news|bluesky|whatsapp|telegram|snapchat"
            r"|mastodon)\b.{0,120}$",
            _FLAGS,
        ),
    ),
    (
        "share",
        25,
        re.compile(
            r"^(?:click\s+here\s+to\s+)?(?:join|follow)\s+(?:us\s+on\s+)?(?:our|the)\s+.{0,40}\b(?:whatsapp|telegram"
            r"|signal)\s+(?:channel|group|community)\b.{0,80}$",
            _FLAGS,
        ),
    ),
    (
        "share",
        40,
        re.compile(
            r"^(?:(?:click\s+here\s+to\s+)?(?:download|get|install)\s+(?:the|our)\s+(?:[\w.'’&-]+\s+){0,6}apps?\b"
            r"|catch\s+all\s+the\s+.{0,160}\b(?:news|updates)\s+on\b|(?:click|tap)\s+here\s+(?:to|for)\b).{0,200}$",
            _FLAGS,
        ),
    ),
    ("furniture", 4, re.compile(r"^\d{1,3}\s*(?:-|\s)?min(?:ute)?s?\s+(?:read|listen|watch)$", _FLAGS)),
    ("furniture", 5, re.compile(r"^(?:reading|read|listening)\s+time\s*:?\s*\d{1,3}\s*min(?:ute)?s?$", _FLAGS)),
    (
        "share",
        8,
        re.compile(
            r"^listen\s+to\s+(?:this\s+)?(?:article|story)\b\W{0,3}(?:\d{1,2}[:.]\d{2}|\d{1,3})?\s*(?:min(?:ute)?s?)?$",
            _FLAGS,
        ),
    ),
    # -- the page's footer
    ("footer", 60, re.compile(r"^(?:tags|topics|filed\s+under|categories|keywords|more\s+about)\s*:.{0,300}$", _FLAGS)),
    ("footer", 8, re.compile(r"^(?:more\s+(?:from|in)\s+.{1,50}|(?:the\s+)?latest\s+from\s+.{1,50})$", _FLAGS)),
    ("footer", 40, re.compile(r"^(?:©|\(c\)|copyright\s+(?:©|\(c\)|\d{4}\b|(?-i:[A-Z]))).{0,200}$", re.IGNORECASE)),
    (
        "footer",
        30,
        # syndication lines: "Originally published as …", "This report by The Canadian Press was first published …"
        re.compile(
            r"^(?:originally\s+published\s+(?:as|in|on|by)\b.{1,200}|this\s+(?:report|story|article)\s+(?:by\s+.{1,60}\s+)?"
            r"was\s+(?:first|originally)\s+published\b.{0,80})$",
            _FLAGS,
        ),
    ),
    ("footer", 40, re.compile(r"^.{0,120}\ball\s+rights\s+reserved\b.{0,120}$", _FLAGS)),
    (
        "footer",
        40,
        # wire credits: "(Reporting by Mara Ellison; Editing by Tom Wu)", "Our Standards: The … Trust Principles."
        re.compile(
            r"^\(\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|graphics)\s+by\b.{0,300}\)\.?$"
            r"|^(?:additional\s+)?(?:reporting|writing)\s+by\b.{0,200}(?:;|\bediting\s+by\b).{0,200}$"
            r"|^our\s+standards\s*:.{0,100}$",
            _FLAGS,
        ),
    ),
    (
        "footer",
        40,
        re.compile(
            r"^\(?this\s+(?:story|article|report)\s+has\s+not\s+been\s+edited\s+by\b.{0,200}\bsyndicated\s+feed\b.{0,20}$"
            r"|^\(?with\s+inputs?\s+from\s+(?:agencies|[A-Z]{2,5}(?:\s*(?:,|and|&)\s*[A-Z]{2,5})*)\W{0,3}$",
            _FLAGS,
        ),
    ),
)
#: "Updated March 3, 2026 at 4:15 p.m. ET", "Published 3 hours ago": the page's dates near the headline.
_STAMP = re.compile(
    r"^(?:last\s+)?(?:updated|published|posted|first\s+published|modified)\b\s*(?:on|at)?\s*:?\s*", _FLAGS
)
_STAMP_WORDS = frozenset(
    """at on am pm a.m. p.m. ago min mins minute minutes hour hours hr hrs day days week weeks yesterday today
    and by | · , - – — et edt est ct cdt cst pt pdt pst mt gmt bst utc ist aest aedt acst awst nzst nzdt""".split()
)
#: A clock time, a year, or a month or weekday name: what makes a line of figures a date.
_DATE_OR_TIME = re.compile(
    r"\b\d{1,2}\s*[:.]\s*\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b|\b(?:19|20)\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep"
    r"|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b",
    _FLAGS,
)
_DATE_WORDS = _STAMP_WORDS | frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec""".split()
)
_DATE_SEPARATORS = frozenset("| - – — · / ,".split())
_SENTENCE_END = re.compile(r"[.!…][\"'”’)\]]*$")
_QUESTION_END = re.compile(r"\?[\"'”’)\]]*$")
_HAS_WORD = re.compile(r"\w")
_LOWER_CLUTTER = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/|t\.co/)", _FLAGS)


def count_words(text: str) -> int:
    """Whitespace-separated words that hold a letter or digit (a lone dash or bullet is not a word)."""
    return sum(1 for word in text.split() if _HAS_WORD.search(word))


def kind_of(line: str) -> ClutterKind | None:
    """The kind of page furniture ``line`` (one line or paragraph, stripped) is, or None for story text."""
    if not line or len(line) > MAX_CLUTTER_CHARS:
        return None
    if line[0].islower() and not _LOWER_CLUTTER.match(line):
        return None  # furniture is labelled with a capital; this is a sentence running on
    if len(line) <= MAX_BARE_CHARS:
        key = _key(line)
        if not key:
            return None
        bare = _BARE_KIND.get(key)
        if bare is not None:
            return bare
        words = key.split()
        if len(words) <= 8 and all(w in _SHARE_WORDS for w in words):
            return "share"
        if _COUNTED.match(key):
            return "share"
    promo = _PROMO.match(line) or _PROMO_CAPS.match(line)
    if promo is not None and count_words(line) <= MAX_TEASER_WORDS:
        return "promo"
    n_words = len(line.split())
    for kind, most, pattern in _PATTERNS:
        if n_words <= most and pattern.match(line):
            return kind
    if _is_dated(line) or (n_words <= 12 and "|" in line and _dated_parts(line.split("|"))):
        return "furniture"
    return None


def _is_dated(line: str) -> bool:
    stamp = _STAMP.match(line)
    return (stamp is not None and _is_stamp(line[stamp.end() :])) or is_date_line(line)


def _dated_parts(parts: list[str]) -> bool:
    """A line of short parts set off by bars, one of them a date: "Westbrook | Updated: March 3, 2026 18:45 IST"."""
    parts = [p.strip() for p in parts]
    return any(_is_dated(p) for p in parts if p) and all(_is_dated(p) or count_words(p) <= 3 for p in parts)


def is_date_line(line: str) -> bool:
    """Whether the line is a date or a time and nothing else ("Tue 3 Mar 2026 14.32 GMT", "9:52 p.m. ET")."""
    words = line.split()
    if not 0 < len(words) <= 10 or not _DATE_OR_TIME.search(line):
        return False
    return all(
        any(c.isdigit() for c in w)
        or w in _DATE_SEPARATORS
        or w.lower().strip(",.") in _DATE_WORDS
        or w.lower() in _DATE_WORDS
        for w in words
    )


def _is_stamp(rest: str) -> bool:
    """Whether the rest of an "Updated …" line is a date or time and nothing else."""
    words = rest.split()
    if not 0 < len(words) <= 12 or not any(c.isdigit() for c in rest):
        return False
    return all(
        any(c.isdigit() for c in w)
        or w[:1].isupper()
        or w.lower() in _STAMP_WORDS
        or w.lower().strip(",.") in _STAMP_WORDS
        for w in words
    )


def opens_list(line: str) -> bool:
    """Whether the line is a heading over a list of links to other stories ("Related stories")."""
    return len(line) <= 60 and (_key(line) in _LIST_HEADINGS or bool(_MORE_FROM.match(line)))


def is_link(line: str) -> bool:
    """Whether the line is nothing but a link (a long word a wrapper puts on a line of its own)."""
    return " " not in line and bool(_LOWER_CLUTTER.match(line))


def is_sentence(line: str) -> bool:
    """Whether a line reads as running text (a sentence or more) rather than a heading, link or label.

    A line of two words or more that ends as a sentence ends is one ("Close call."), a question only when it
    is long (a headline may ask one), and so is any line of twenty words.
    """
    words = count_words(line)
    if words >= 20:
        return True
    if _SENTENCE_END.search(line[-12:]):
        return sum(1 for w in line.split() if any(c.isalnum() for c in w)) >= 2
    return words >= 12 and bool(_QUESTION_END.search(line[-12:]))


def footer_start(paragraphs: Sequence[str], kinds: Sequence[ClutterKind | None]) -> int:
    """Where the page's footer begins (``len(paragraphs)`` when there is none).

    The footer is the tail after the story's last sentence, from its first line of page-end furniture
    ("Related stories", "More from …", "Tags: …", "© …", a share bar, a newsletter box) and the short lines
    just above that one (a sign-off, "Online:"): it holds no sentence, only furniture and short lines
    (headlines of other stories, links, names). Clutter that also sits inside stories (ads, captions, a promo
    for one story, embed residue) does not start one, and a tail of one line is not a footer: such lines are
    judged on their own.
    """
    n = len(paragraphs)
    last = n - 1
    while last >= 0 and not (kinds[last] is None and is_sentence(paragraphs[last])):
        last -= 1
    start = next((i for i in range(last + 1, n) if kinds[i] in _FOOTER_KINDS or opens_list(paragraphs[i])), n)
    while start < n and start - 1 > last:
        if kinds[start - 1] is None and count_words(paragraphs[start - 1]) > FOOTER_LEAD_WORDS:
            break
        start -= 1
    return start if n - start >= 2 else n
