"""Stage 2: check the raw corpus (references, evidence, coverage) and assemble the records."""
