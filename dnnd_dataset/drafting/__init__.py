"""Drafting the annotation of a new article for a person to review (``dnnd add``)."""
