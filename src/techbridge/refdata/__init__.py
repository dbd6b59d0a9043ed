"""Reference data from published national standards: regions (GB/T 2260), industries
(GB/T 4754-2017), disciplines (GB/T 13745-2009), title levels and degrees."""
