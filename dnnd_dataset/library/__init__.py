"""Stage 4: the library users import: load the published tables and navigate between records."""
