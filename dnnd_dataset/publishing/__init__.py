"""Stage 3: derive the schemas, write and verify the published dataset folder."""
