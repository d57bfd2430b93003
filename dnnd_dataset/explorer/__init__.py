"""The static explorer: a site of the published tables that opens from disk."""
