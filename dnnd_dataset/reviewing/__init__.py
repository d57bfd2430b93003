"""``dnnd review``: a draft of ``dnnd add`` reviewed in the browser, served on loopback."""
