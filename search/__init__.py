"""Full-text search over the knowledge base (built out by the search issue)."""
