"""`talkgen serve`: an HTTP server over an in-memory builder, watching the site."""
