"""The one version of code and data, and the date it was released (Croissant datePublished)."""

__version__ = "1.2.0"
RELEASE_DATE = "2026-12-05"
