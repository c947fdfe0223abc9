"""talkgen: a static site generator for community talk notes."""

__version__ = "0.1.0"
