"""newsearch: full-text search for news archives."""
