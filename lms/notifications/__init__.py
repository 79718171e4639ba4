"""In-app notifications: a short text with a link, shown until read (and e-mailed when mail is set up)."""
