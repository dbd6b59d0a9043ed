"""Matching in the platform: recommended researchers and teams for a demand, recommended
demands for a researcher, the push of new demands, and the index that keeps up with profiles."""
