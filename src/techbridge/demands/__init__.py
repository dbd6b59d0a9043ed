"""Technical demands (技术需求) published by enterprises, with confidentiality levels."""
