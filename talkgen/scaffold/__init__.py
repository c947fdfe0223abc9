"""`talkgen new` and `talkgen init`: new episodes and new sites."""
