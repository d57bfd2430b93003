"""Stage 1: read ``raw/`` (strict YAML with line numbers, source texts) and anchor quotes."""
