"""Candidate ranking for place mentions: features, a small linear model, and its training."""
