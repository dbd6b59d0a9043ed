"""The talent pool (人才库): researcher profiles, their evidence and their teams."""
