"""nutgraf: structured summaries, key claims and attributed quotes for news stories, in Slack."""

__version__ = "0.1.0"
